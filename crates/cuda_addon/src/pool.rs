//! The device's stream-ordered allocator pool (`cudaMallocAsync`): how much it holds, and
//! trimming it. Needs the device's context to be current; see `context.rs`.

use std::ffi::c_void;

use crate::driver::Driver;
use crate::error::CudaErrorInfo;
use crate::sys::{
    CUdevice, CUmemoryPool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD,
    CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT, CU_MEMPOOL_ATTR_USED_MEM_CURRENT,
};

/// Bytes a pool has reserved from the device, and how many of those are allocated.
#[derive(Clone, Copy, Default)]
pub struct PoolUsage {
    pub reserved: u64,
    pub used: u64,
}

/// The pools to look at: the device's default pool and, when different, its current pool.
/// `Err` says why there are none (driver before CUDA 11.2, or a device without pools).
pub fn pools(driver: &Driver, device: CUdevice) -> Result<Vec<CUmemoryPool>, String> {
    let api = &driver.api;
    let (Some(get_default), Some(_), Some(_)) = (
        api.cuDeviceGetDefaultMemPool,
        api.cuMemPoolTrimTo,
        api.cuMemPoolGetAttribute,
    ) else {
        return Err(format!(
            "the driver (CUDA {}) has no stream-ordered allocator (needs CUDA 11.2 or later)",
            driver.version_text()
        ));
    };
    let mut default_pool: CUmemoryPool = std::ptr::null_mut();
    // SAFETY: `get_default` is cuDeviceGetDefaultMemPool from the table of the driver library that
    // stays loaded for the process; `default_pool` is a live local it writes, `device` came from
    // cuDeviceGet.
    let code = unsafe { get_default(&mut default_pool, device) };
    if code != 0 {
        return Err(driver
            .check(code, "cuDeviceGetDefaultMemPool")
            .err()
            .map(|error| format!("no default memory pool: {} ({})", error.name, error.message))
            .unwrap_or_default());
    }
    let mut list = vec![default_pool];
    if let Some(get_current) = api.cuDeviceGetMemPool {
        let mut current: CUmemoryPool = std::ptr::null_mut();
        // SAFETY: `get_current` is cuDeviceGetMemPool from the same loaded driver table; `current`
        // is a live local it writes.
        if unsafe { get_current(&mut current, device) } == 0 && current != default_pool {
            list.push(current);
        }
    }
    Ok(list)
}

/// Reserved and used bytes summed over `pools`.
pub fn usage(driver: &Driver, pools: &[CUmemoryPool]) -> Result<PoolUsage, CudaErrorInfo> {
    let Some(get) = driver.api.cuMemPoolGetAttribute else {
        return Ok(PoolUsage::default());
    };
    let mut total = PoolUsage::default();
    for &pool in pools {
        let mut reserved: u64 = 0;
        let mut used: u64 = 0;
        driver.check(
            // SAFETY: `get` is cuMemPoolGetAttribute from the loaded driver table; `pool` came from
            // the driver, and RESERVED_MEM_CURRENT writes a `cuuint64_t`, the type of `reserved`.
            unsafe {
                get(
                    pool,
                    CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT,
                    &mut reserved as *mut u64 as *mut c_void,
                )
            },
            "cuMemPoolGetAttribute",
        )?;
        driver.check(
            // SAFETY: `get` is cuMemPoolGetAttribute from the loaded driver table; `pool` came from
            // the driver, and USED_MEM_CURRENT writes a `cuuint64_t`, the type of `used`.
            unsafe {
                get(
                    pool,
                    CU_MEMPOOL_ATTR_USED_MEM_CURRENT,
                    &mut used as *mut u64 as *mut c_void,
                )
            },
            "cuMemPoolGetAttribute",
        )?;
        total.reserved += reserved;
        total.used += used;
    }
    Ok(total)
}

/// Sets how many unused bytes `pools` keep cached instead of returning them to the device at a
/// synchronize (`CU_MEMPOOL_ATTR_RELEASE_THRESHOLD`); nothing when the driver cannot set it.
pub fn set_release_threshold(
    driver: &Driver,
    pools: &[CUmemoryPool],
    bytes: u64,
) -> Result<(), CudaErrorInfo> {
    let Some(set) = driver.api.cuMemPoolSetAttribute else {
        return Ok(());
    };
    for &pool in pools {
        let mut threshold = bytes;
        driver.check(
            // SAFETY: `set` is cuMemPoolSetAttribute from the loaded driver table; `pool` came from
            // the driver, and RELEASE_THRESHOLD reads a `cuuint64_t`, the type of `threshold`.
            unsafe {
                set(
                    pool,
                    CU_MEMPOOL_ATTR_RELEASE_THRESHOLD,
                    &mut threshold as *mut u64 as *mut c_void,
                )
            },
            "cuMemPoolSetAttribute",
        )?;
    }
    Ok(())
}

/// Returns every unused reserved byte of `pools` to the device (`cuMemPoolTrimTo(pool, 0)`).
/// Memory freed asynchronously counts as used until a synchronize has observed the free.
pub fn trim(driver: &Driver, pools: &[CUmemoryPool]) -> Result<(), CudaErrorInfo> {
    let Some(trim_to) = driver.api.cuMemPoolTrimTo else {
        return Ok(());
    };
    for &pool in pools {
        // SAFETY: `trim_to` is cuMemPoolTrimTo from the loaded driver table, called with a pool the
        // driver returned.
        driver.check(unsafe { trim_to(pool, 0) }, "cuMemPoolTrimTo")?;
    }
    Ok(())
}
