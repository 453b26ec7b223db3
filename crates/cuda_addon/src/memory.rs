//! `memoryInfo`: free and total device memory, and this process's share from NVML.

use napi_derive::napi;

use crate::context::enter_if_active;
use crate::device::free_and_total;
use crate::driver::driver;
use crate::error::CudaErrorInfo;
use crate::guard::guarded;
use crate::nvml::{nvml, ProcessUse};
use crate::pool;
use crate::status::pci_bus_id;

/// Device memory, in bytes.
#[napi(object)]
pub struct MemoryInfo {
    pub available: bool,
    pub device: u32,
    pub reason: Option<String>,
    pub error: Option<CudaErrorInfo>,
    /// Where free/total came from: `cuda` (the active context), `nvml`, or `none`.
    pub source: String,
    pub free_bytes: Option<f64>,
    pub total_bytes: Option<f64>,
    /// This process's device memory according to NVML (context, allocations and caches).
    pub process_used_bytes: Option<f64>,
    /// Why `processUsedBytes` is absent (no NVML, pid not visible in a container...).
    pub process_used_note: Option<String>,
    /// Bytes held by the stream-ordered allocator pools, and how many of them are allocated.
    pub pool_reserved_bytes: Option<f64>,
    pub pool_used_bytes: Option<f64>,
    /// Whether this process holds the device's primary context.
    pub context_active: bool,
}

/// Free and total memory of `device` (default 0), plus this process's use from NVML where NVML
/// is present. Reads through the primary context only when it is already active, otherwise
/// from NVML, which needs no context; never creates a context.
#[napi]
pub fn memory_info(device: Option<u32>) -> napi::Result<MemoryInfo> {
    let index = device.unwrap_or(0);
    guarded("memoryInfo", || {
        let mut info = MemoryInfo {
            available: false,
            device: index,
            reason: None,
            error: None,
            source: "none".into(),
            free_bytes: None,
            total_bytes: None,
            process_used_bytes: None,
            process_used_note: None,
            pool_reserved_bytes: None,
            pool_used_bytes: None,
            context_active: false,
        };
        let driver = match driver() {
            Ok(driver) => driver,
            Err(unavailable) => {
                info.reason = Some(unavailable.reason.clone());
                return info;
            }
        };
        info.available = true;
        let handle = match driver.device(index) {
            Ok(handle) => handle,
            Err(error) => {
                info.error = Some(error);
                return info;
            }
        };
        match enter_if_active(driver, index) {
            Err(error) => info.error = Some(error),
            Ok(None) => {}
            Ok(Some(current)) => {
                info.context_active = true;
                match free_and_total(driver) {
                    Ok((free, total)) => {
                        info.source = "cuda".into();
                        info.free_bytes = Some(free as f64);
                        info.total_bytes = Some(total as f64);
                    }
                    Err(error) => info.error = Some(error),
                }
                if let Ok(pools) = pool::pools(driver, current.device) {
                    if let Ok(usage) = pool::usage(driver, &pools) {
                        info.pool_reserved_bytes = Some(usage.reserved as f64);
                        info.pool_used_bytes = Some(usage.used as f64);
                    }
                }
            }
        }
        match nvml() {
            Err(unavailable) => info.process_used_note = Some(unavailable.reason.clone()),
            Ok(nvml) => match nvml.handle(pci_bus_id(driver, handle).as_deref(), index) {
                Err(note) => info.process_used_note = Some(note),
                Ok(nvml_device) => {
                    if info.source == "none" {
                        if let Ok((free, total)) = nvml.memory(nvml_device) {
                            info.source = "nvml".into();
                            info.free_bytes = Some(free as f64);
                            info.total_bytes = Some(total as f64);
                        }
                    }
                    match nvml.process_use(nvml_device, std::process::id(), info.context_active) {
                        ProcessUse::Bytes(bytes) => info.process_used_bytes = Some(bytes as f64),
                        ProcessUse::Unknown(note) => info.process_used_note = Some(note),
                    }
                }
            },
        }
        info
    })
}
