//! The CUDA driver (`libcuda.so.1`), opened and initialised once per process on first use.
//! When it cannot be used, the reason is kept and every later call returns it at once.

use std::ffi::{c_char, c_int, CStr};
use std::sync::OnceLock;

use libloading::os::unix::Library;

use crate::error::{describe, CudaErrorInfo};
use crate::loader::{self, LibrarySpec};
use crate::sys::{CUdevice, CUresult, DriverApi, CUDA_SUCCESS};

const SPEC: LibrarySpec = LibrarySpec {
    label: "CUDA driver",
    override_var: "VLMEVAL_CUDA_LIB",
    names: &["libcuda.so.1", "libcuda.so"],
    loaded_marker: "libcuda.so",
    toolkit_folders: false,
    probe_symbol: "cuInit",
};

/// A usable driver with at least one device.
pub struct Driver {
    pub api: DriverApi,
    /// The file that was opened.
    pub path: String,
    /// The CUDA version the driver supports, e.g. 12040 for 12.4.
    pub version: i32,
    pub device_count: i32,
    _library: Library,
}

/// Why CUDA cannot be used in this process.
#[derive(Clone)]
pub struct Unavailable {
    /// `library-not-found`, `library-invalid`, `driver-too-old`, `stub-library`, `no-device`,
    /// `init-failed`.
    pub kind: &'static str,
    pub reason: String,
    /// Every place the loader looked, in order.
    pub searched: Vec<String>,
    /// The driver file, when one opened.
    pub library: Option<String>,
    pub version: Option<i32>,
}

static DRIVER: OnceLock<Result<Driver, Unavailable>> = OnceLock::new();

/// The driver, loading and initialising it on the first call.
pub fn driver() -> Result<&'static Driver, &'static Unavailable> {
    DRIVER.get_or_init(load).as_ref()
}

fn load() -> Result<Driver, Unavailable> {
    let (opened, searched) = loader::open(&SPEC).map_err(|searched| Unavailable {
        kind: "library-not-found",
        reason: loader::not_found(&SPEC, &searched),
        searched,
        library: None,
        version: None,
    })?;
    let fail = |kind: &'static str, reason: String, version: Option<i32>| Unavailable {
        kind,
        reason,
        searched: searched.clone(),
        library: Some(opened.path.clone()),
        version,
    };
    // SAFETY: `SPEC` names only CUDA driver libraries, whose exports have the signatures declared
    // in sys.rs; the table is stored with `opened.library` in the same `Driver`, so the pointers
    // never outlive it.
    let api = unsafe { DriverApi::resolve(&opened.library) }.map_err(|symbol| {
        if symbol == SPEC.probe_symbol {
            let reason = format!(
                "{} is not a CUDA driver library: it has no {symbol}",
                opened.path
            );
            return fail("library-invalid", reason, None);
        }
        let reason = format!(
            "CUDA driver at {} is too old: it lacks {symbol}",
            opened.path
        );
        fail("driver-too-old", reason, None)
    })?;
    let mut version: c_int = 0;
    // SAFETY: `api` was just resolved from `opened.library`, which is still loaded; `version` is a
    // live local the call writes.
    unsafe { (api.cuDriverGetVersion)(&mut version) };
    let version = (version > 0).then_some(version);
    // SAFETY: `api` was just resolved from `opened.library`, which is still loaded; cuInit takes
    // flags by value (0, the only valid value).
    let init = unsafe { (api.cuInit)(0) };
    if init != CUDA_SUCCESS {
        let error = error_with(&api, init, "cuInit");
        let (kind, hint) = match init {
            34 => (
                "stub-library",
                "this is the CUDA toolkit's stub, not the driver; install the NVIDIA driver",
            ),
            100 => ("no-device", no_device_hint()),
            803 | 804 | 36 => (
                "driver-too-old",
                "the driver and the CUDA libraries do not match",
            ),
            _ => ("init-failed", "check the NVIDIA driver with nvidia-smi"),
        };
        return Err(fail(
            kind,
            format!(
                "cuInit failed with {} ({}): {}; {hint}",
                error.name, error.code, error.message
            ),
            version,
        ));
    }
    let mut count: c_int = 0;
    // SAFETY: `api` was just resolved from `opened.library`, which is still loaded, and cuInit
    // succeeded; `count` is a live local the call writes.
    let counted = unsafe { (api.cuDeviceGetCount)(&mut count) };
    if counted != CUDA_SUCCESS || count == 0 {
        return Err(fail(
            "no-device",
            format!("no CUDA device found; {}", no_device_hint()),
            version,
        ));
    }
    Ok(Driver {
        api,
        path: opened.path,
        version: version.unwrap_or(0),
        device_count: count,
        _library: opened.library,
    })
}

fn no_device_hint() -> &'static str {
    match std::env::var("CUDA_VISIBLE_DEVICES") {
        Ok(_) => "CUDA_VISIBLE_DEVICES is set and may hide every device",
        Err(_) => "the driver is installed but sees no GPU",
    }
}

/// Describes `code` using the driver's own message text, and its name for codes newer than the
/// addon's table.
fn error_with(api: &DriverApi, code: CUresult, call: &str) -> CudaErrorInfo {
    let read = |getter: unsafe extern "C" fn(CUresult, *mut *const c_char) -> CUresult| {
        let mut text: *const c_char = std::ptr::null();
        // SAFETY: `getter` is cuGetErrorString or cuGetErrorName from `api`, whose library stays
        // loaded; `text` is a live local the call writes.
        (unsafe { getter(code, &mut text) } == CUDA_SUCCESS && !text.is_null()).then(|| {
            // SAFETY: the driver returned success and a non-null pointer to one of its static NUL-
            // terminated strings, which live as long as the library.
            unsafe { CStr::from_ptr(text) }
                .to_string_lossy()
                .into_owned()
        })
    };
    let mut info = describe(code, call, read(api.cuGetErrorString));
    if info.name.starts_with("CUDA_ERROR_UNRECOGNIZED_") {
        if let Some(name) = read(api.cuGetErrorName) {
            info.name = name;
        }
    }
    info
}

impl Driver {
    /// `Ok` for `CUDA_SUCCESS`, else the described error of `call`.
    pub fn check(&self, code: CUresult, call: &str) -> Result<(), CudaErrorInfo> {
        if code == CUDA_SUCCESS {
            Ok(())
        } else {
            Err(error_with(&self.api, code, call))
        }
    }

    /// The device handle for ordinal `index`.
    pub fn device(&self, index: u32) -> Result<CUdevice, CudaErrorInfo> {
        let mut device: CUdevice = 0;
        self.check(
            // SAFETY: `self.api` was resolved from the driver library that stays loaded for the
            // whole process (the `Driver` in its static owns it), with the signature cuda.h
            // declares (sys.rs); `device` is a live local the call writes.
            unsafe { (self.api.cuDeviceGet)(&mut device, index as c_int) },
            "cuDeviceGet",
        )?;
        Ok(device)
    }

    /// "12.4" for 12040.
    pub fn version_text(&self) -> String {
        version_text(self.version)
    }
}

/// "12.4" for 12040.
pub fn version_text(version: i32) -> String {
    format!("{}.{}", version / 1000, (version % 1000) / 10)
}
