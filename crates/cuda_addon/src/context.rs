//! The device's primary context: the one the CUDA runtime and TensorFlow use, one per device per
//! process. The addon only borrows it while it is already active and never creates one, since a
//! new context costs hundreds of MB of device memory in a process that never used the GPU.

use std::ffi::{c_int, c_uint};

use crate::driver::Driver;
use crate::error::CudaErrorInfo;
use crate::sys::{CUcontext, CUdevice};

/// The primary context of a device, retained and current on this thread until dropped.
pub struct Current<'a> {
    driver: &'a Driver,
    pub device: CUdevice,
}

/// Whether the primary context of `device` is active (some code in this process created it).
pub fn primary_active(driver: &Driver, device: CUdevice) -> Result<bool, CudaErrorInfo> {
    let mut flags: c_uint = 0;
    let mut active: c_int = 0;
    driver.check(
        // SAFETY: `driver.api` was resolved from the driver library that stays loaded for the whole
        // process (the `Driver` in its static owns it), with the signature cuda.h declares
        // (sys.rs); both out-pointers are live locals the call writes once.
        unsafe { (driver.api.cuDevicePrimaryCtxGetState)(device, &mut flags, &mut active) },
        "cuDevicePrimaryCtxGetState",
    )?;
    Ok(active != 0)
}

/// Makes the primary context of device `index` current when it is already active; `None` when it
/// is not, in which case nothing was created or changed.
pub fn enter_if_active(driver: &Driver, index: u32) -> Result<Option<Current<'_>>, CudaErrorInfo> {
    let device = driver.device(index)?;
    if !primary_active(driver, device)? {
        return Ok(None);
    }
    enter(driver, device).map(Some)
}

/// Retains (creating it when inactive) and pushes the primary context. Only the diagnostics use
/// this directly; everything else goes through [`enter_if_active`].
pub fn enter(driver: &Driver, device: CUdevice) -> Result<Current<'_>, CudaErrorInfo> {
    let mut context: CUcontext = std::ptr::null_mut();
    driver.check(
        // SAFETY: `driver.api` was resolved from the driver library that stays loaded for the whole
        // process (the `Driver` in its static owns it), with the signature cuda.h declares
        // (sys.rs); `context` is a live local the call writes, and `device` came from cuDeviceGet.
        unsafe { (driver.api.cuDevicePrimaryCtxRetain)(&mut context, device) },
        "cuDevicePrimaryCtxRetain",
    )?;
    if let Err(error) = driver.check(
        // SAFETY: `driver.api` was resolved from the driver library that stays loaded for the whole
        // process (the `Driver` in its static owns it), with the signature cuda.h declares
        // (sys.rs); `context` is the primary context cuDevicePrimaryCtxRetain just returned.
        unsafe { (driver.api.cuCtxPushCurrent_v2)(context) },
        "cuCtxPushCurrent",
    ) {
        // SAFETY: `driver.api` was resolved from the driver library that stays loaded for the whole
        // process (the `Driver` in its static owns it), with the signature cuda.h declares
        // (sys.rs); this undoes the retain above for the same `device`, after the push failed.
        unsafe { (driver.api.cuDevicePrimaryCtxRelease_v2)(device) };
        return Err(error);
    }
    Ok(Current { driver, device })
}

impl Drop for Current<'_> {
    fn drop(&mut self) {
        let mut popped: CUcontext = std::ptr::null_mut();
        // SAFETY: `driver.api` was resolved from the driver library that stays loaded for the whole
        // process (the `Driver` in its static owns it), with the signature cuda.h declares
        // (sys.rs); `Current` exists only after a successful retain and push (`enter`), so this pop
        // and release undo exactly those, once; `popped` is a live local.
        unsafe {
            (self.driver.api.cuCtxPopCurrent_v2)(&mut popped);
            (self.driver.api.cuDevicePrimaryCtxRelease_v2)(self.device);
        }
    }
}
