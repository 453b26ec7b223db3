//! CUDA driver error codes (`CUresult`): name, short description and stickiness.
//!
//! The table follows the `cudaError_enum` in the CUDA 12.8/13.x `cuda.h`. "Sticky" marks the codes
//! whose `cuda.h` text says the process is left in an inconsistent state ("any further CUDA work will
//! return the same error. To continue using CUDA, the process must be terminated and relaunched") or
//! that the context "cannot be used anymore", plus uncorrectable ECC and `CUDA_ERROR_UNKNOWN`, which
//! are treated as fatal to be safe. The CUDA runtime's `cudaError_t` uses the same numbers for every
//! sticky code listed here, so the classification also holds for runtime errors.

use napi_derive::napi;

use crate::guard::guarded;

/// One CUDA error: the numeric code is kept end to end so callers can branch on it.
#[napi(object)]
#[derive(Clone, Debug)]
pub struct CudaErrorInfo {
    /// The numeric `CUresult` (driver) or `cudaError_t` (runtime) code.
    pub code: i32,
    /// The enum name, e.g. `CUDA_ERROR_ILLEGAL_ADDRESS`; `CUDA_ERROR_UNRECOGNIZED_<code>` when unknown.
    pub name: String,
    /// What the code means, from the driver's `cuGetErrorString` when loaded, else from this table.
    pub message: String,
    /// True when the context is unusable and the process must exit and restart to use CUDA again.
    pub sticky: bool,
    /// The CUDA call that returned the error, e.g. `cuCtxSynchronize`; empty for a bare lookup.
    pub call: String,
}

/// (code, name, description, sticky)
const CODES: &[(i32, &str, &str, bool)] = &[
  (0, "CUDA_SUCCESS", "no error", false),
  (1, "CUDA_ERROR_INVALID_VALUE", "invalid argument", false),
  (2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory", false),
  (3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error", false),
  (4, "CUDA_ERROR_DEINITIALIZED", "driver shutting down", false),
  (5, "CUDA_ERROR_PROFILER_DISABLED", "profiler disabled while using external profiling tool", false),
  (6, "CUDA_ERROR_PROFILER_NOT_INITIALIZED", "profiler not initialized: call cudaProfilerInitialize()", false),
  (7, "CUDA_ERROR_PROFILER_ALREADY_STARTED", "profiler already started", false),
  (8, "CUDA_ERROR_PROFILER_ALREADY_STOPPED", "profiler already stopped", false),
  (34, "CUDA_ERROR_STUB_LIBRARY", "CUDA driver is a stub library", false),
  (36, "CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER", "CUDA driver is too old for this call", false),
  (46, "CUDA_ERROR_DEVICE_UNAVAILABLE", "CUDA-capable device(s) is/are busy or unavailable", false),
  (100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected", false),
  (101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal", false),
  (102, "CUDA_ERROR_DEVICE_NOT_LICENSED", "device doesn't have valid Grid license", false),
  (200, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid", false),
  (201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context", false),
  (202, "CUDA_ERROR_CONTEXT_ALREADY_CURRENT", "context already current", false),
  (205, "CUDA_ERROR_MAP_FAILED", "mapping of buffer object failed", false),
  (206, "CUDA_ERROR_UNMAP_FAILED", "unmapping of buffer object failed", false),
  (207, "CUDA_ERROR_ARRAY_IS_MAPPED", "array is mapped", false),
  (208, "CUDA_ERROR_ALREADY_MAPPED", "resource already mapped", false),
  (209, "CUDA_ERROR_NO_BINARY_FOR_GPU", "no kernel image is available for execution on the device", false),
  (210, "CUDA_ERROR_ALREADY_ACQUIRED", "resource already acquired", false),
  (211, "CUDA_ERROR_NOT_MAPPED", "resource not mapped", false),
  (212, "CUDA_ERROR_NOT_MAPPED_AS_ARRAY", "resource not mapped as array", false),
  (213, "CUDA_ERROR_NOT_MAPPED_AS_POINTER", "resource not mapped as pointer", false),
  (214, "CUDA_ERROR_ECC_UNCORRECTABLE", "uncorrectable ECC error encountered", true),
  (215, "CUDA_ERROR_UNSUPPORTED_LIMIT", "limit is not supported on this architecture", false),
  (216, "CUDA_ERROR_CONTEXT_ALREADY_IN_USE", "exclusive-thread device already in use by a different thread", false),
  (217, "CUDA_ERROR_PEER_ACCESS_UNSUPPORTED", "peer access is not supported between these two devices", false),
  (218, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed", false),
  (219, "CUDA_ERROR_INVALID_GRAPHICS_CONTEXT", "invalid OpenGL or DirectX context", false),
  (220, "CUDA_ERROR_NVLINK_UNCORRECTABLE", "uncorrectable NVLink error detected during the execution", false),
  (221, "CUDA_ERROR_JIT_COMPILER_NOT_FOUND", "PTX JIT compiler library not found", false),
  (222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "the provided PTX was compiled with an unsupported toolchain", false),
  (223, "CUDA_ERROR_JIT_COMPILATION_DISABLED", "PTX JIT compilation was disabled", false),
  (224, "CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY", "the provided execution affinity is not supported", false),
  (225, "CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC", "the provided PTX contains unsupported call to cudaDeviceSynchronize", false),
  (226, "CUDA_ERROR_CONTAINED", "an exception occurred on the device and is now contained by the GPU's error containment", true),
  (300, "CUDA_ERROR_INVALID_SOURCE", "device kernel image is invalid", false),
  (301, "CUDA_ERROR_FILE_NOT_FOUND", "file not found", false),
  (302, "CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND", "shared object symbol not found", false),
  (303, "CUDA_ERROR_SHARED_OBJECT_INIT_FAILED", "shared object initialization failed", false),
  (304, "CUDA_ERROR_OPERATING_SYSTEM", "OS call failed or operation not supported on this OS", false),
  (400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle", false),
  (401, "CUDA_ERROR_ILLEGAL_STATE", "the operation cannot be performed in the present state", false),
  (402, "CUDA_ERROR_LOSSY_QUERY", "attempted introspection would be semantically lossy", false),
  (500, "CUDA_ERROR_NOT_FOUND", "named symbol not found", false),
  (600, "CUDA_ERROR_NOT_READY", "device not ready", false),
  (700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered", true),
  (701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for launch", false),
  (702, "CUDA_ERROR_LAUNCH_TIMEOUT", "the launch timed out and was terminated", true),
  (703, "CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING", "launch uses incompatible texturing mode", false),
  (704, "CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED", "peer access is already enabled", false),
  (705, "CUDA_ERROR_PEER_ACCESS_NOT_ENABLED", "peer access has not been enabled", false),
  (708, "CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE", "cannot set while device is active in this process", false),
  (709, "CUDA_ERROR_CONTEXT_IS_DESTROYED", "context is destroyed", false),
  (710, "CUDA_ERROR_ASSERT", "device-side assert triggered", true),
  (711, "CUDA_ERROR_TOO_MANY_PEERS", "peer mapping resources exhausted", false),
  (712, "CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED", "part or all of the requested memory range is already mapped", false),
  (713, "CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED", "pointer does not correspond to a registered memory region", false),
  (714, "CUDA_ERROR_HARDWARE_STACK_ERROR", "hardware stack error", true),
  (715, "CUDA_ERROR_ILLEGAL_INSTRUCTION", "an illegal instruction was encountered", true),
  (716, "CUDA_ERROR_MISALIGNED_ADDRESS", "misaligned address", true),
  (717, "CUDA_ERROR_INVALID_ADDRESS_SPACE", "operation not supported on global/shared address space", true),
  (718, "CUDA_ERROR_INVALID_PC", "invalid program counter", true),
  (719, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure", true),
  (720, "CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE", "too many blocks in cooperative launch", false),
  (721, "CUDA_ERROR_TENSOR_MEMORY_LEAK", "tensor memory not completely freed when a kernel exited", true),
  (800, "CUDA_ERROR_NOT_PERMITTED", "operation not permitted", false),
  (801, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported", false),
  (802, "CUDA_ERROR_SYSTEM_NOT_READY", "system not yet initialized", false),
  (803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", "system has unsupported display driver / cuda driver combination", false),
  (804, "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE", "forward compatibility was attempted on non supported HW", false),
  (805, "CUDA_ERROR_MPS_CONNECTION_FAILED", "MPS client failed to connect to the MPS control daemon or the MPS server", false),
  (806, "CUDA_ERROR_MPS_RPC_FAILURE", "the remote procedural call between the MPS server and the MPS client failed", false),
  (807, "CUDA_ERROR_MPS_SERVER_NOT_READY", "MPS server is not ready to accept new MPS client requests", false),
  (808, "CUDA_ERROR_MPS_MAX_CLIENTS_REACHED", "the hardware resources required to create MPS client have been exhausted", false),
  (809, "CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED", "the hardware resources required to support device connections have been exhausted", false),
  (810, "CUDA_ERROR_MPS_CLIENT_TERMINATED", "the MPS client has been terminated by the server", true),
  (811, "CUDA_ERROR_CDP_NOT_SUPPORTED", "the module is using CUDA Dynamic Parallelism, which this configuration does not support", false),
  (812, "CUDA_ERROR_CDP_VERSION_MISMATCH", "unsupported interaction between different versions of CUDA Dynamic Parallelism", false),
  (900, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", "operation not permitted when stream is capturing", false),
  (901, "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED", "operation failed due to a previous error during capture", false),
  (902, "CUDA_ERROR_STREAM_CAPTURE_MERGE", "operation would result in a merge of separate capture sequences", false),
  (903, "CUDA_ERROR_STREAM_CAPTURE_UNMATCHED", "capture was not ended in the same stream as it began", false),
  (904, "CUDA_ERROR_STREAM_CAPTURE_UNJOINED", "capturing stream has unjoined work", false),
  (905, "CUDA_ERROR_STREAM_CAPTURE_ISOLATION", "dependency created on uncaptured work in another stream", false),
  (906, "CUDA_ERROR_STREAM_CAPTURE_IMPLICIT", "operation would make the legacy stream depend on a capturing blocking stream", false),
  (907, "CUDA_ERROR_CAPTURED_EVENT", "operation not permitted on an event last recorded in a capturing stream", false),
  (908, "CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD", "attempt to terminate a thread-local capture sequence from another thread", false),
  (909, "CUDA_ERROR_TIMEOUT", "wait operation timed out", false),
  (910, "CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE", "the graph update was not performed because it included changes which violated constraints specific to instantiated graph update", false),
  (911, "CUDA_ERROR_EXTERNAL_DEVICE", "an async error has occurred in an external entity outside of CUDA", true),
  (912, "CUDA_ERROR_INVALID_CLUSTER_SIZE", "a kernel launch error has occurred due to cluster misconfiguration", false),
  (913, "CUDA_ERROR_FUNCTION_NOT_LOADED", "the function handle is not loaded when calling an API that requires a loaded function", false),
  (914, "CUDA_ERROR_INVALID_RESOURCE_TYPE", "one or more resources passed in are not valid resource types for the operation", false),
  (915, "CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION", "one or more resources are insufficient or non-applicable for the operation", false),
  (916, "CUDA_ERROR_KEY_ROTATION", "an error happened during the key rotation sequence", false),
  (917, "CUDA_ERROR_STREAM_DETACHED", "the operation is not permitted because the stream is in a detached state", false),
  (918, "CUDA_ERROR_GRAPH_RECAPTURE_FAILURE", "graph recapture failed and had to be terminated", false),
  (999, "CUDA_ERROR_UNKNOWN", "unknown error", true),
];

/// The name, table description and stickiness of a code; unknown codes are not sticky.
pub fn lookup(code: i32) -> (String, &'static str, bool) {
    match CODES.iter().find(|entry| entry.0 == code) {
        Some(&(_, name, description, sticky)) => (name.to_string(), description, sticky),
        None => (
            format!("CUDA_ERROR_UNRECOGNIZED_{code}"),
            "error code not in this addon's table",
            false,
        ),
    }
}

/// Builds the error record for `code` returned by `call`, preferring the driver's own message.
pub fn describe(code: i32, call: &str, driver_message: Option<String>) -> CudaErrorInfo {
    let (name, description, sticky) = lookup(code);
    CudaErrorInfo {
        code,
        name,
        message: driver_message.unwrap_or_else(|| description.to_string()),
        sticky,
        call: call.to_string(),
    }
}

/// Describes a CUDA driver error code without touching CUDA: its enum name, a short message and
/// whether it is sticky (the process must restart before CUDA works again). Works on machines
/// without a GPU; unknown codes get the name `CUDA_ERROR_UNRECOGNIZED_<code>` and are not sticky.
#[napi]
pub fn describe_cuda_error(code: i32) -> napi::Result<CudaErrorInfo> {
    guarded("describeCudaError", || describe(code, "", None))
}

/// Every code the table knows, in ascending order (for tests and documentation).
#[napi]
pub fn known_cuda_error_codes() -> napi::Result<Vec<i32>> {
    guarded("knownCudaErrorCodes", || {
        CODES.iter().map(|entry| entry.0).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_strictly_ascending_and_names_unique() {
        for pair in CODES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].1, pair[1].1);
        }
        let mut names: Vec<&str> = CODES.iter().map(|entry| entry.1).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CODES.len());
    }

    #[test]
    fn kernel_faults_are_sticky_and_out_of_memory_is_not() {
        assert!(lookup(700).2);
        assert!(lookup(719).2);
        assert!(!lookup(2).2);
        assert_eq!(lookup(12345).0, "CUDA_ERROR_UNRECOGNIZED_12345");
    }
}
