//! Calls that exist for tests, benchmarks and the GPU check script, not for the evaluation loop.

use napi_derive::napi;

use crate::context::enter;
use crate::device::{free_and_total, sync_current};
use crate::driver::driver;
use crate::error::CudaErrorInfo;
use crate::guard::guarded;
use crate::pool;
use crate::sys::{CUcontext, CUdeviceptr};

/// Version of the JS-facing contract; the TypeScript loader refuses a build with another value.
const API_VERSION: u32 = 2;

/// Identifies the build so a loader can detect a stale binary.
#[napi(object)]
pub struct AddonInfo {
    /// Bumped whenever a function or result shape changes.
    pub api_version: u32,
    /// The crate version.
    pub version: String,
}

/// The build's API version and crate version.
#[napi]
pub fn addon_info() -> napi::Result<AddonInfo> {
    guarded("addonInfo", || AddonInfo {
        api_version: API_VERSION,
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

/// Does nothing: measures the cost of one call from JavaScript into the addon.
#[napi]
pub fn noop() {}

/// Fault injection for tests: panics inside the addon so a test can check the panic arrives as a
/// JS `Error` instead of aborting the process.
#[napi]
pub fn fault_injection_panic() -> napi::Result<()> {
    guarded("faultInjectionPanic", || {
        panic!("fault injected by faultInjectionPanic()")
    })
}

/// What `debugAllocPooled` left behind.
#[napi(object)]
pub struct DebugPoolResult {
    pub available: bool,
    pub device: u32,
    pub reason: Option<String>,
    pub error: Option<CudaErrorInfo>,
    /// Bytes the stream-ordered pools hold from the device after the allocate-and-free.
    pub pool_reserved_bytes: Option<f64>,
    pub pool_used_bytes: Option<f64>,
    pub free_bytes: Option<f64>,
    pub total_bytes: Option<f64>,
}

/// DIAGNOSTIC ONLY (GPU check script): deliberately activates the primary context of `device`
/// (default 0) and keeps it active, raises the default pool's release threshold to the maximum,
/// then allocates `bytes` with `cuMemAllocAsync` and frees them with `cuMemFreeAsync`, so the
/// memory stays cached in the pool, as a framework's allocator would leave it. `emptyCache`
/// should then return it. Undo the context with `debugReleaseContext`.
#[napi]
pub fn debug_alloc_pooled(bytes: f64, device: Option<u32>) -> napi::Result<DebugPoolResult> {
    let index = device.unwrap_or(0);
    guarded("debugAllocPooled", || {
        let mut result = DebugPoolResult {
            available: false,
            device: index,
            reason: None,
            error: None,
            pool_reserved_bytes: None,
            pool_used_bytes: None,
            free_bytes: None,
            total_bytes: None,
        };
        let driver = match driver() {
            Ok(driver) => driver,
            Err(unavailable) => {
                result.reason = Some(unavailable.reason.clone());
                return result;
            }
        };
        result.available = true;
        let (Some(alloc), Some(free), Some(_)) = (
            driver.api.cuMemAllocAsync,
            driver.api.cuMemFreeAsync,
            driver.api.cuMemPoolSetAttribute,
        ) else {
            result.reason = Some("the driver has no stream-ordered allocator".into());
            return result;
        };
        let mut run = || -> Result<(), CudaErrorInfo> {
            let device = driver.device(index)?;
            let current = enter(driver, device)?;
            let mut keep: CUcontext = std::ptr::null_mut();
            driver.check(
                // SAFETY: `driver.api` was resolved from the driver library that stays loaded for
                // the whole process (the `Driver` in its static owns it), with the signature cuda.h
                // declares (sys.rs); `keep` is a live local the call writes, and `device` came from
                // cuDeviceGet.
                unsafe { (driver.api.cuDevicePrimaryCtxRetain)(&mut keep, device) },
                "cuDevicePrimaryCtxRetain",
            )?;
            let pools = pool::pools(driver, current.device).map_err(|note| CudaErrorInfo {
                code: 801,
                name: "CUDA_ERROR_NOT_SUPPORTED".into(),
                message: note,
                sticky: false,
                call: "cuDeviceGetDefaultMemPool".into(),
            })?;
            pool::set_release_threshold(driver, &pools, u64::MAX)?;
            let mut pointer: CUdeviceptr = 0;
            let stream = std::ptr::null_mut();
            driver.check(
                // SAFETY: `alloc` is cuMemAllocAsync from the loaded driver's table (optional
                // symbol, checked present above); `pointer` is a live local it writes, and the null
                // stream is the legacy default stream of the current context.
                unsafe { alloc(&mut pointer, bytes as usize, stream) },
                "cuMemAllocAsync",
            )?;
            // SAFETY: `free` is cuMemFreeAsync from the loaded driver's table; `pointer` is the
            // allocation cuMemAllocAsync just returned on the same stream, freed once.
            driver.check(unsafe { free(pointer, stream) }, "cuMemFreeAsync")?;
            sync_current(driver)?;
            let usage = pool::usage(driver, &pools)?;
            let (free_bytes, total) = free_and_total(driver)?;
            result.pool_reserved_bytes = Some(usage.reserved as f64);
            result.pool_used_bytes = Some(usage.used as f64);
            result.free_bytes = Some(free_bytes as f64);
            result.total_bytes = Some(total as f64);
            Ok(())
        };
        result.error = run().err();
        result
    })
}

/// DIAGNOSTIC ONLY: releases the extra primary-context reference `debugAllocPooled` kept.
#[napi]
pub fn debug_release_context(device: Option<u32>) -> napi::Result<Option<CudaErrorInfo>> {
    let index = device.unwrap_or(0);
    guarded("debugReleaseContext", || {
        let driver = driver().ok()?;
        let device = match driver.device(index) {
            Ok(device) => device,
            Err(error) => return Some(error),
        };
        driver
            .check(
                // SAFETY: `driver.api` was resolved from the driver library that stays loaded for
                // the whole process (the `Driver` in its static owns it), with the signature cuda.h
                // declares (sys.rs); this releases the one extra reference `debugAllocPooled`
                // retained for this device.
                unsafe { (driver.api.cuDevicePrimaryCtxRelease_v2)(device) },
                "cuDevicePrimaryCtxRelease",
            )
            .err()
    })
}
