//! `gpuCountWithoutCudaInit`: how many GPUs this machine has, counted by NVML so that CUDA is
//! not initialised. CUDA reads `CUDA_VISIBLE_DEVICES` once, in `cuInit`; a launcher rank that
//! must narrow it first needs the count before anything calls `cuInit`.

use napi::bindgen_prelude::{Either, Null};
use napi_derive::napi;

use crate::guard::guarded;
use crate::nvml::nvml;

/// The GPU count and where it came from.
#[napi(object)]
pub struct GpuCount {
    /// Every GPU of the machine (NVML ignores `CUDA_VISIBLE_DEVICES`); null when NVML cannot
    /// tell, with `reason`.
    pub count: Either<u32, Null>,
    /// Always `nvml`.
    #[napi(ts_type = "'nvml'")]
    pub source: String,
    /// Why `count` is null: NVML not found, failed to initialise, or too old.
    pub reason: Option<String>,
    /// The NVML library that was opened.
    pub library: Option<String>,
}

/// Counts the machine's GPUs through NVML (`nvmlDeviceGetCount_v2`) without loading or
/// initialising the CUDA driver, so `CUDA_VISIBLE_DEVICES` can still be set afterwards. The
/// count ignores `CUDA_VISIBLE_DEVICES`. Never throws for a missing NVML: `count` is null and
/// `reason` says why.
#[napi]
pub fn gpu_count_without_cuda_init() -> napi::Result<GpuCount> {
    guarded("gpuCountWithoutCudaInit", || {
        let mut result = GpuCount {
            count: Either::B(Null),
            source: "nvml".into(),
            reason: None,
            library: None,
        };
        match nvml() {
            Err(unavailable) => result.reason = Some(unavailable.reason.clone()),
            Ok(nvml) => {
                result.library = Some(nvml.path.clone());
                match nvml.device_count() {
                    Ok(count) => result.count = Either::A(count),
                    Err(reason) => result.reason = Some(reason),
                }
            }
        }
        result
    })
}
