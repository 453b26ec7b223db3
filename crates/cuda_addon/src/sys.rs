//! Raw C signatures of the few CUDA driver, runtime and NVML functions the addon calls, resolved
//! from a library opened at run time. Nothing outside this file names a raw symbol string.

#![allow(non_snake_case, non_camel_case_types)]

use std::ffi::{c_char, c_int, c_uint, c_void};

use libloading::os::unix::Library;

pub type CUresult = c_int;
pub type CUdevice = c_int;
pub type CUcontext = *mut c_void;
pub type CUmemoryPool = *mut c_void;
pub type CUstream = *mut c_void;
pub type CUdeviceptr = u64;

pub type cudaError_t = c_int;

pub type nvmlReturn_t = c_int;
pub type nvmlDevice_t = *mut c_void;

pub const CUDA_SUCCESS: CUresult = 0;
pub const CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED: c_int = 115;
pub const CU_MEMPOOL_ATTR_RELEASE_THRESHOLD: c_int = 4;
pub const CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT: c_int = 5;
pub const CU_MEMPOOL_ATTR_USED_MEM_CURRENT: c_int = 7;

pub const NVML_SUCCESS: nvmlReturn_t = 0;
pub const NVML_ERROR_INSUFFICIENT_SIZE: nvmlReturn_t = 7;
/// `usedGpuMemory` when the driver cannot tell (Windows WDDM).
pub const NVML_VALUE_NOT_AVAILABLE: u64 = u64::MAX;

/// `nvmlMemory_t`: bytes of framebuffer memory.
#[repr(C)]
#[derive(Default)]
pub struct nvmlMemory_t {
    pub total: u64,
    pub free: u64,
    pub used: u64,
}

/// `nvmlProcessInfo_t` as filled by `nvmlDeviceGetComputeRunningProcesses_v3` (the v2 layout).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct nvmlProcessInfo_t {
    pub pid: c_uint,
    pub usedGpuMemory: u64,
    pub gpuInstanceId: c_uint,
    pub computeInstanceId: c_uint,
}

/// Declares a table of function pointers: `required` ones must all resolve (a missing one means
/// the library is too old), `optional` ones may be absent (features added in later versions).
macro_rules! symbol_table {
    (
        $table:ident {
            required { $($req:ident : fn($($req_arg:ty),*) -> $req_ret:ty;)* }
            optional { $($opt:ident : fn($($opt_arg:ty),*) -> $opt_ret:ty;)* }
        }
    ) => {
        pub struct $table {
            $(pub $req: unsafe extern "C" fn($($req_arg),*) -> $req_ret,)*
            $(pub $opt: Option<unsafe extern "C" fn($($opt_arg),*) -> $opt_ret>,)*
        }

        impl $table {
            /// Resolves every symbol; `Err` names the first required one that is missing.
            ///
            /// # Safety
            /// The declared signatures must match the library's; the pointers are valid only
            /// while `library` stays loaded.
            pub unsafe fn resolve(library: &Library) -> Result<Self, &'static str> {
                Ok(Self {
                    $($req: *library
                        .get::<unsafe extern "C" fn($($req_arg),*) -> $req_ret>(
                            concat!(stringify!($req), "\0").as_bytes(),
                        )
                        .map_err(|_| stringify!($req))?,)*
                    $($opt: library
                        .get::<unsafe extern "C" fn($($opt_arg),*) -> $opt_ret>(
                            concat!(stringify!($opt), "\0").as_bytes(),
                        )
                        .ok()
                        .map(|symbol| *symbol),)*
                })
            }
        }
    };
}

symbol_table!(DriverApi {
    required {
        cuInit: fn(c_uint) -> CUresult;
        cuDriverGetVersion: fn(*mut c_int) -> CUresult;
        cuGetErrorName: fn(CUresult, *mut *const c_char) -> CUresult;
        cuGetErrorString: fn(CUresult, *mut *const c_char) -> CUresult;
        cuDeviceGetCount: fn(*mut c_int) -> CUresult;
        cuDeviceGet: fn(*mut CUdevice, c_int) -> CUresult;
        cuDeviceGetName: fn(*mut c_char, c_int, CUdevice) -> CUresult;
        cuDeviceTotalMem_v2: fn(*mut usize, CUdevice) -> CUresult;
        cuDeviceGetAttribute: fn(*mut c_int, c_int, CUdevice) -> CUresult;
        cuDeviceGetPCIBusId: fn(*mut c_char, c_int, CUdevice) -> CUresult;
        cuDevicePrimaryCtxGetState: fn(CUdevice, *mut c_uint, *mut c_int) -> CUresult;
        cuDevicePrimaryCtxRetain: fn(*mut CUcontext, CUdevice) -> CUresult;
        cuDevicePrimaryCtxRelease_v2: fn(CUdevice) -> CUresult;
        cuCtxPushCurrent_v2: fn(CUcontext) -> CUresult;
        cuCtxPopCurrent_v2: fn(*mut CUcontext) -> CUresult;
        cuCtxSynchronize: fn() -> CUresult;
        cuMemGetInfo_v2: fn(*mut usize, *mut usize) -> CUresult;
    }
    optional {
        cuDeviceGetDefaultMemPool: fn(*mut CUmemoryPool, CUdevice) -> CUresult;
        cuDeviceGetMemPool: fn(*mut CUmemoryPool, CUdevice) -> CUresult;
        cuMemPoolTrimTo: fn(CUmemoryPool, usize) -> CUresult;
        cuMemPoolGetAttribute: fn(CUmemoryPool, c_int, *mut c_void) -> CUresult;
        cuMemPoolSetAttribute: fn(CUmemoryPool, c_int, *mut c_void) -> CUresult;
        cuMemAllocAsync: fn(*mut CUdeviceptr, usize, CUstream) -> CUresult;
        cuMemFreeAsync: fn(CUdeviceptr, CUstream) -> CUresult;
    }
});

symbol_table!(RuntimeApi {
    required {
        cudaRuntimeGetVersion: fn(*mut c_int) -> cudaError_t;
        cudaGetLastError: fn() -> cudaError_t;
        cudaGetErrorName: fn(cudaError_t) -> *const c_char;
        cudaGetErrorString: fn(cudaError_t) -> *const c_char;
    }
    optional {}
});

symbol_table!(NvmlApi {
    required {
        nvmlInit_v2: fn() -> nvmlReturn_t;
        nvmlErrorString: fn(nvmlReturn_t) -> *const c_char;
        nvmlSystemGetDriverVersion: fn(*mut c_char, c_uint) -> nvmlReturn_t;
        nvmlDeviceGetHandleByIndex_v2: fn(c_uint, *mut nvmlDevice_t) -> nvmlReturn_t;
        nvmlDeviceGetMemoryInfo: fn(nvmlDevice_t, *mut nvmlMemory_t) -> nvmlReturn_t;
    }
    optional {
        nvmlDeviceGetCount_v2: fn(*mut c_uint) -> nvmlReturn_t;
        nvmlDeviceGetHandleByPciBusId_v2: fn(*const c_char, *mut nvmlDevice_t) -> nvmlReturn_t;
        nvmlDeviceGetComputeRunningProcesses_v3:
            fn(nvmlDevice_t, *mut c_uint, *mut nvmlProcessInfo_t) -> nvmlReturn_t;
    }
});
