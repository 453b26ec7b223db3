//! `synchronize` and `emptyCache`: wait for the device, then hand pooled memory back to it.
//! Both act only through a primary context that is already active, and never create one.

use napi_derive::napi;

use crate::context::{enter_if_active, Current};
use crate::driver::{driver, Driver};
use crate::error::CudaErrorInfo;
use crate::guard::guarded;
use crate::pool;

/// What `synchronize` did.
#[napi(object)]
pub struct SyncResult {
    pub available: bool,
    pub device: u32,
    /// True when the device's context was active and `cuCtxSynchronize` was called.
    pub ran: bool,
    /// Why it did not run: CUDA unavailable, or no active context on the device.
    pub reason: Option<String>,
    /// The CUDA error returned, e.g. a kernel fault found by the synchronize.
    pub error: Option<CudaErrorInfo>,
}

/// What `emptyCache` did. Byte counts are device-wide (free) or the pool's (reserved).
#[napi(object)]
#[derive(Default)]
pub struct EmptyCacheResult {
    pub available: bool,
    pub device: u32,
    /// True when the context was active and the synchronize and trim were attempted.
    pub ran: bool,
    pub reason: Option<String>,
    pub error: Option<CudaErrorInfo>,
    pub free_before_bytes: Option<f64>,
    pub free_after_bytes: Option<f64>,
    pub total_bytes: Option<f64>,
    /// Bytes the stream-ordered pool(s) held from the device before and after the trim.
    pub pool_reserved_before_bytes: Option<f64>,
    pub pool_reserved_after_bytes: Option<f64>,
    /// Bytes of the pools still allocated (not releasable) after the trim.
    pub pool_used_after_bytes: Option<f64>,
    /// Free-memory gain, in bytes, never negative (other processes can move it too).
    pub released_bytes: Option<f64>,
    /// Why the pool part was skipped, e.g. a driver without memory pools.
    pub pool_note: Option<String>,
}

/// Waits until all work on `device` (default 0) has finished, through its primary context when
/// that context is already active; otherwise nothing runs and `ran` is false. A CUDA error,
/// e.g. a kernel fault from earlier asynchronous work, comes back in `error` with its name, code
/// and stickiness.
#[napi]
pub fn synchronize(device: Option<u32>) -> napi::Result<SyncResult> {
    let device = device.unwrap_or(0);
    guarded("synchronize", || {
        let InContext {
            available,
            ran,
            reason,
            error,
        } = in_active_context(device, |driver, _| sync_current(driver));
        SyncResult {
            available,
            device,
            ran,
            reason,
            error,
        }
    })
}

/// Synchronizes `device` (default 0), then returns the memory its stream-ordered allocator pools
/// hold but do not use to the device (`cuMemPoolTrimTo(pool, 0)`), reporting free device memory
/// before and after. Runs only when the device's primary context is already active. Memory held
/// by other allocators (e.g. TensorFlow's default BFC allocator) cannot be released from outside;
/// then `releasedBytes` is 0.
#[napi]
pub fn empty_cache(device: Option<u32>) -> napi::Result<EmptyCacheResult> {
    let device = device.unwrap_or(0);
    guarded("emptyCache", || {
        let mut bytes = EmptyCacheResult {
            device,
            ..Default::default()
        };
        let InContext {
            available,
            ran,
            reason,
            error,
        } = in_active_context(device, |driver, current| {
            trim_current(driver, current, &mut bytes)
        });
        EmptyCacheResult {
            available,
            ran,
            reason,
            error,
            ..bytes
        }
    })
}

/// How a call that acts only through an already active primary context went: the fields
/// `synchronize` and `emptyCache` share.
struct InContext {
    /// False when CUDA cannot be used; `reason` says why.
    available: bool,
    /// True when the context was active and the body ran.
    ran: bool,
    /// Why nothing ran: CUDA unavailable, or no active context on the device.
    reason: Option<String>,
    /// The CUDA error from entering the context or from the body.
    error: Option<CudaErrorInfo>,
}

/// Runs `body` inside the primary context of `device` when that context is already active, and
/// says how it went; never creates a context.
fn in_active_context(
    device: u32,
    body: impl FnOnce(&Driver, &Current) -> Result<(), CudaErrorInfo>,
) -> InContext {
    let mut outcome = InContext {
        available: false,
        ran: false,
        reason: None,
        error: None,
    };
    let driver = match driver() {
        Ok(driver) => driver,
        Err(unavailable) => {
            outcome.reason = Some(unavailable.reason.clone());
            return outcome;
        }
    };
    outcome.available = true;
    match enter_if_active(driver, device) {
        Err(error) => outcome.error = Some(error),
        Ok(None) => outcome.reason = Some(no_context(device)),
        Ok(Some(current)) => {
            outcome.ran = true;
            outcome.error = body(driver, &current).err();
        }
    }
    outcome
}

fn trim_current(
    driver: &Driver,
    current: &Current,
    result: &mut EmptyCacheResult,
) -> Result<(), CudaErrorInfo> {
    let (free_before, total) = free_and_total(driver)?;
    result.free_before_bytes = Some(free_before as f64);
    result.total_bytes = Some(total as f64);
    let pools = pool::pools(driver, current.device);
    if let Ok(pools) = &pools {
        result.pool_reserved_before_bytes = Some(pool::usage(driver, pools)?.reserved as f64);
    }
    // Frees that were issued asynchronously count as in use until a synchronize observes them.
    sync_current(driver)?;
    match pools {
        Err(note) => result.pool_note = Some(note),
        Ok(pools) => {
            pool::trim(driver, &pools)?;
            let after = pool::usage(driver, &pools)?;
            result.pool_reserved_after_bytes = Some(after.reserved as f64);
            result.pool_used_after_bytes = Some(after.used as f64);
        }
    }
    let (free_after, _) = free_and_total(driver)?;
    result.free_after_bytes = Some(free_after as f64);
    result.released_bytes = Some(free_after.saturating_sub(free_before) as f64);
    Ok(())
}

/// `cuCtxSynchronize` on the current context.
pub fn sync_current(driver: &Driver) -> Result<(), CudaErrorInfo> {
    driver.check(
        // SAFETY: `driver.api` was resolved from the driver library that stays loaded for the whole
        // process (the `Driver` in its static owns it), with the signature cuda.h declares
        // (sys.rs); cuCtxSynchronize takes no arguments and callers hold a current context
        // (`Current`).
        unsafe { (driver.api.cuCtxSynchronize)() },
        "cuCtxSynchronize",
    )
}

/// Device-wide (free, total) bytes, from the current context.
pub fn free_and_total(driver: &Driver) -> Result<(usize, usize), CudaErrorInfo> {
    let (mut free, mut total) = (0usize, 0usize);
    driver.check(
        // SAFETY: `driver.api` was resolved from the driver library that stays loaded for the whole
        // process (the `Driver` in its static owns it), with the signature cuda.h declares
        // (sys.rs); both out-pointers are live locals of the size the call writes (`size_t`).
        unsafe { (driver.api.cuMemGetInfo_v2)(&mut free, &mut total) },
        "cuMemGetInfo",
    )?;
    Ok((free, total))
}

/// The reason given when a device's primary context is not active.
pub fn no_context(device: u32) -> String {
    format!("no active CUDA context on device {device}: nothing to synchronize")
}
