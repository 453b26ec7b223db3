//! NVML (`libnvidia-ml.so.1`): device memory and per-process use without a CUDA context, so it
//! never changes what the process holds on the GPU. Opened and initialised once, on first use.

use std::ffi::{c_char, c_uint, CStr, CString};
use std::sync::OnceLock;

use libloading::os::unix::Library;

use crate::loader::{self, LibrarySpec};
use crate::sys::{
    nvmlDevice_t, nvmlMemory_t, nvmlProcessInfo_t, nvmlReturn_t, NvmlApi,
    NVML_ERROR_INSUFFICIENT_SIZE, NVML_SUCCESS, NVML_VALUE_NOT_AVAILABLE,
};

const SPEC: LibrarySpec = LibrarySpec {
    label: "NVML",
    override_var: "VLMEVAL_NVML_LIB",
    names: &["libnvidia-ml.so.1", "libnvidia-ml.so"],
    loaded_marker: "libnvidia-ml.so",
    toolkit_folders: false,
    probe_symbol: "nvmlInit_v2",
};

pub struct Nvml {
    api: NvmlApi,
    pub path: String,
    pub driver_version: Option<String>,
    _library: Library,
}

/// Why NVML cannot be used, and where the loader looked.
pub struct NvmlUnavailable {
    pub reason: String,
    pub searched: Vec<String>,
}

/// This process's use of one device, as NVML reports it.
pub enum ProcessUse {
    Bytes(u64),
    Unknown(String),
}

static NVML: OnceLock<Result<Nvml, NvmlUnavailable>> = OnceLock::new();

/// NVML, loading and initialising it on the first call.
pub fn nvml() -> Result<&'static Nvml, &'static NvmlUnavailable> {
    NVML.get_or_init(load).as_ref()
}

fn load() -> Result<Nvml, NvmlUnavailable> {
    let (opened, searched) = loader::open(&SPEC).map_err(|searched| NvmlUnavailable {
        reason: loader::not_found(&SPEC, &searched),
        searched,
    })?;
    // SAFETY: `SPEC` names only NVML libraries, whose exports have the signatures declared in
    // sys.rs; the table is stored with `opened.library` in the same `Nvml`, so the pointers never
    // outlive it.
    let api = unsafe { NvmlApi::resolve(&opened.library) }.map_err(|symbol| NvmlUnavailable {
        reason: format!("NVML at {} is too old: it lacks {symbol}", opened.path),
        searched: searched.clone(),
    })?;
    // SAFETY: `api` was just resolved from `opened.library`, which is still loaded; nvmlInit_v2
    // takes no arguments.
    let init = unsafe { (api.nvmlInit_v2)() };
    if init != NVML_SUCCESS {
        return Err(NvmlUnavailable {
            reason: format!(
                "nvmlInit_v2 failed in {}: {}",
                opened.path,
                error_text(&api, init)
            ),
            searched,
        });
    }
    let mut buffer = [0 as c_char; 96];
    let driver_version =
        // SAFETY: `api` was resolved from the loaded `opened.library` and NVML is initialised;
        // `buffer` is writable for the length passed.
        (unsafe { (api.nvmlSystemGetDriverVersion)(buffer.as_mut_ptr(), buffer.len() as c_uint) }
            == NVML_SUCCESS)
            .then(|| {
                // SAFETY: NVML returned success, so it wrote a NUL-terminated string into `buffer`,
                // which is still alive.
                unsafe { CStr::from_ptr(buffer.as_ptr()) }
                    .to_string_lossy()
                    .into_owned()
            });
    Ok(Nvml {
        api,
        path: opened.path,
        driver_version,
        _library: opened.library,
    })
}

fn error_text(api: &NvmlApi, code: nvmlReturn_t) -> String {
    // SAFETY: `api` was resolved from the NVML library that stays loaded with it; nvmlErrorString
    // takes any code by value.
    let text = unsafe { (api.nvmlErrorString)(code) };
    if text.is_null() {
        return format!("NVML error {code}");
    }
    format!(
        "{} (NVML error {code})",
        // SAFETY: `text` is non-null and points at one of NVML's static NUL-terminated strings,
        // alive as long as the library.
        unsafe { CStr::from_ptr(text) }.to_string_lossy()
    )
}

impl Nvml {
    /// How many GPUs the driver has, all of them: NVML ignores `CUDA_VISIBLE_DEVICES`.
    pub fn device_count(&self) -> Result<u32, String> {
        let Some(count) = self.api.nvmlDeviceGetCount_v2 else {
            return Err(format!(
                "NVML at {} lacks nvmlDeviceGetCount_v2 (driver older than R319)",
                self.path
            ));
        };
        let mut devices: c_uint = 0;
        // SAFETY: `count` is nvmlDeviceGetCount_v2 from the table of the NVML library this `Nvml`
        // keeps loaded; `devices` is a live local the call writes.
        let code = unsafe { count(&mut devices) };
        if code != NVML_SUCCESS {
            return Err(format!(
                "nvmlDeviceGetCount_v2 failed: {}",
                error_text(&self.api, code)
            ));
        }
        Ok(devices)
    }

    /// The NVML handle of the device with this PCI bus id ("0000:3B:00.0"), falling back to the
    /// CUDA ordinal, which matches NVML's index only when CUDA_VISIBLE_DEVICES is unset.
    pub fn handle(&self, pci_bus_id: Option<&str>, index: u32) -> Result<nvmlDevice_t, String> {
        let mut handle: nvmlDevice_t = std::ptr::null_mut();
        if let (Some(bus_id), Some(by_bus)) =
            (pci_bus_id, self.api.nvmlDeviceGetHandleByPciBusId_v2)
        {
            if let Ok(text) = CString::new(bus_id) {
                // SAFETY: `by_bus` is nvmlDeviceGetHandleByPciBusId_v2 from the table of the NVML
                // library this `Nvml` keeps loaded; `text` is a NUL-terminated CString alive for
                // the call, and `handle` a live local it writes.
                if unsafe { by_bus(text.as_ptr(), &mut handle) } == NVML_SUCCESS {
                    return Ok(handle);
                }
            }
        }
        // SAFETY: the function comes from the table of the NVML library this `Nvml` keeps loaded;
        // `handle` is a live local the call writes.
        let code = unsafe { (self.api.nvmlDeviceGetHandleByIndex_v2)(index, &mut handle) };
        if code != NVML_SUCCESS {
            return Err(format!(
                "nvmlDeviceGetHandleByIndex_v2({index}) failed: {}",
                error_text(&self.api, code)
            ));
        }
        Ok(handle)
    }

    /// Device-wide (free, total) bytes.
    pub fn memory(&self, handle: nvmlDevice_t) -> Result<(u64, u64), String> {
        let mut memory = nvmlMemory_t::default();
        // SAFETY: the function comes from the table of the NVML library this `Nvml` keeps loaded;
        // `handle` came from NVML, and `memory` is a live `nvmlMemory_t` the call fills.
        let code = unsafe { (self.api.nvmlDeviceGetMemoryInfo)(handle, &mut memory) };
        if code != NVML_SUCCESS {
            return Err(format!(
                "nvmlDeviceGetMemoryInfo failed: {}",
                error_text(&self.api, code)
            ));
        }
        Ok((memory.free, memory.total))
    }

    /// Device memory used by process `pid`. `holds_context` says whether this process has an
    /// active context there; without one, absence from NVML's list means it uses nothing.
    pub fn process_use(&self, handle: nvmlDevice_t, pid: u32, holds_context: bool) -> ProcessUse {
        let Some(list) = self.api.nvmlDeviceGetComputeRunningProcesses_v3 else {
            return ProcessUse::Unknown(
                "NVML lacks nvmlDeviceGetComputeRunningProcesses_v3 (driver older than R510)"
                    .into(),
            );
        };
        let mut capacity: c_uint = 16;
        loop {
            let mut infos = vec![nvmlProcessInfo_t::default(); capacity as usize];
            let mut count = capacity;
            // SAFETY: `list` is nvmlDeviceGetComputeRunningProcesses_v3 from the loaded NVML table;
            // `infos` holds `count` elements of the layout the call writes, and `count` tells it
            // so.
            let code = unsafe { list(handle, &mut count, infos.as_mut_ptr()) };
            if code == NVML_ERROR_INSUFFICIENT_SIZE && capacity < 4096 {
                capacity = count.max(capacity * 2);
                continue;
            }
            if code != NVML_SUCCESS {
                return ProcessUse::Unknown(format!(
                    "nvmlDeviceGetComputeRunningProcesses_v3 failed: {}",
                    error_text(&self.api, code)
                ));
            }
            infos.truncate(count as usize);
            return match infos.iter().find(|info| info.pid == pid) {
                Some(info) if info.usedGpuMemory == NVML_VALUE_NOT_AVAILABLE => ProcessUse::Unknown(
                    "NVML reports this process's memory as not available (WDDM)".into(),
                ),
                Some(info) => ProcessUse::Bytes(info.usedGpuMemory),
                None if !holds_context => ProcessUse::Bytes(0),
                None => ProcessUse::Unknown(format!(
                    "pid {pid} is not among the {} compute processes NVML lists: inside a container \
                     NVML reports host pids, so compare device-wide free memory instead",
                    infos.len()
                )),
            };
        }
    }
}
