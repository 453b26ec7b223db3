//! `cudaStatus`: whether CUDA is usable here and, when it is not, the real reason.

use std::ffi::{c_char, c_int, CStr};

use napi_derive::napi;

use crate::context::primary_active;
use crate::driver::{driver, version_text, Driver};
use crate::guard::guarded;
use crate::nvml::nvml;
use crate::runtime;
use crate::sys::CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED;

/// One CUDA device as the driver sees it (no context is created to list it).
#[napi(object)]
pub struct DeviceInfo {
    /// CUDA ordinal (after CUDA_VISIBLE_DEVICES).
    pub index: u32,
    pub name: String,
    /// Total device memory in bytes.
    pub total_memory_bytes: f64,
    /// PCI bus id, e.g. "0000:3B:00.0".
    pub pci_bus_id: String,
    /// Whether this process already holds the device's primary context.
    pub primary_context_active: bool,
    /// Whether the device supports stream-ordered allocation (memory pools).
    pub memory_pools_supported: bool,
}

/// NVML's part of the status.
#[napi(object)]
pub struct NvmlStatus {
    pub available: bool,
    pub reason: Option<String>,
    pub library: Option<String>,
    /// Every place the loader looked when NVML was not found.
    pub searched: Vec<String>,
}

/// Whether CUDA is usable, and what is there.
#[napi(object)]
pub struct CudaStatus {
    pub available: bool,
    /// When unavailable: `library-not-found`, `library-invalid`, `driver-too-old`, `stub-library`,
    /// `no-device`, `init-failed`.
    pub kind: Option<String>,
    /// When unavailable: the real reason, naming the library and what failed.
    pub reason: Option<String>,
    /// Every place the loader looked for the driver library before it found one (or gave up).
    pub searched: Vec<String>,
    /// The driver library that was opened.
    pub driver_library: Option<String>,
    /// The CUDA version the driver supports, e.g. "12.4".
    pub driver_cuda_version: Option<String>,
    /// The NVIDIA driver version from NVML, e.g. "550.54.14".
    pub driver_version: Option<String>,
    /// The CUDA runtime version of the libcudart found, e.g. "12.2".
    pub runtime_version: Option<String>,
    pub runtime_library: Option<String>,
    pub runtime_note: Option<String>,
    pub nvml: NvmlStatus,
    pub devices: Vec<DeviceInfo>,
}

/// Reports whether CUDA is usable in this process. Never throws for a missing or broken CUDA:
/// `available: false` comes with `kind`, `reason` and the places searched. Loads the driver once;
/// later calls reuse the outcome. Never creates a CUDA context.
#[napi]
pub fn cuda_status() -> napi::Result<CudaStatus> {
    guarded("cudaStatus", || match driver() {
        Err(unavailable) => CudaStatus {
            available: false,
            kind: Some(unavailable.kind.to_string()),
            reason: Some(unavailable.reason.clone()),
            searched: unavailable.searched.clone(),
            driver_library: unavailable.library.clone(),
            driver_cuda_version: unavailable.version.map(version_text),
            driver_version: None,
            runtime_version: None,
            runtime_library: None,
            runtime_note: None,
            nvml: nvml_status(),
            devices: Vec::new(),
        },
        Ok(driver) => {
            let runtime = runtime::facts();
            CudaStatus {
                available: true,
                kind: None,
                reason: None,
                searched: Vec::new(),
                driver_library: Some(driver.path.clone()),
                driver_cuda_version: Some(driver.version_text()),
                driver_version: nvml().ok().and_then(|nvml| nvml.driver_version.clone()),
                runtime_version: runtime.version.clone(),
                runtime_library: runtime.library.clone(),
                runtime_note: runtime.note.clone(),
                nvml: nvml_status(),
                devices: (0..driver.device_count as u32)
                    .filter_map(|index| device_info(driver, index))
                    .collect(),
            }
        }
    })
}

fn nvml_status() -> NvmlStatus {
    match nvml() {
        Ok(nvml) => NvmlStatus {
            available: true,
            reason: None,
            library: Some(nvml.path.clone()),
            searched: Vec::new(),
        },
        Err(unavailable) => NvmlStatus {
            available: false,
            reason: Some(unavailable.reason.clone()),
            library: None,
            searched: unavailable.searched.clone(),
        },
    }
}

fn device_info(driver: &Driver, index: u32) -> Option<DeviceInfo> {
    let api = &driver.api;
    let device = driver.device(index).ok()?;
    let mut name = [0 as c_char; 256];
    // SAFETY: `api` was resolved from the driver library that stays loaded for the whole process
    // (the `Driver` in its static owns it), with the signature cuda.h declares (sys.rs); `name` is
    // writable for the length passed, one less than its size so the text stays NUL-terminated.
    unsafe { (api.cuDeviceGetName)(name.as_mut_ptr(), name.len() as c_int - 1, device) };
    let mut total: usize = 0;
    // SAFETY: `api` was resolved from the driver library that stays loaded for the whole process
    // (the `Driver` in its static owns it), with the signature cuda.h declares (sys.rs); `total` is
    // a live `usize` (`size_t`) the call writes.
    unsafe { (api.cuDeviceTotalMem_v2)(&mut total, device) };
    let mut pools: c_int = 0;
    // SAFETY: `api` was resolved from the driver library that stays loaded for the whole process
    // (the `Driver` in its static owns it), with the signature cuda.h declares (sys.rs); `pools` is
    // a live `c_int` the call writes.
    unsafe {
        (api.cuDeviceGetAttribute)(
            &mut pools,
            CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED,
            device,
        )
    };
    Some(DeviceInfo {
        index,
        // SAFETY: `name` was zero-filled and the driver wrote at most its length minus one bytes,
        // so it holds a NUL-terminated string; it is alive here.
        name: unsafe { CStr::from_ptr(name.as_ptr()) }
            .to_string_lossy()
            .into_owned(),
        total_memory_bytes: total as f64,
        pci_bus_id: pci_bus_id(driver, device).unwrap_or_default(),
        primary_context_active: primary_active(driver, device).unwrap_or(false),
        memory_pools_supported: pools != 0,
    })
}

/// "0000:3B:00.0" for `device`.
pub fn pci_bus_id(driver: &Driver, device: c_int) -> Option<String> {
    let mut buffer = [0 as c_char; 32];
    // SAFETY: `driver.api` was resolved from the driver library that stays loaded for the whole
    // process (the `Driver` in its static owns it), with the signature cuda.h declares (sys.rs);
    // `buffer` is writable for the length passed.
    let code = unsafe {
        (driver.api.cuDeviceGetPCIBusId)(buffer.as_mut_ptr(), buffer.len() as c_int, device)
    };
    (code == 0).then(|| {
        // SAFETY: cuDeviceGetPCIBusId succeeded, so it wrote a NUL-terminated string into `buffer`,
        // which is still alive.
        unsafe { CStr::from_ptr(buffer.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    })
}
