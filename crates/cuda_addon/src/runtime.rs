//! The CUDA runtime (`libcudart`): its version, and its pending "last error" that `clearError`
//! consumes. The runtime's error state lives in the copy of libcudart that launched the work, so
//! a copy already loaded in this process (e.g. by TensorFlow) is preferred over any other.

use std::ffi::{c_int, CStr};
use std::sync::OnceLock;

use libloading::os::unix::Library;
use napi_derive::napi;

use crate::driver::{driver, version_text};
use crate::error::{lookup, CudaErrorInfo};
use crate::guard::guarded;
use crate::loader::{self, LibrarySpec};
use crate::sys::RuntimeApi;

const SPEC: LibrarySpec = LibrarySpec {
    label: "CUDA runtime",
    override_var: "VLMEVAL_CUDART_LIB",
    names: &[
        "libcudart.so",
        "libcudart.so.13",
        "libcudart.so.12",
        "libcudart.so.11.0",
    ],
    loaded_marker: "libcudart.so",
    toolkit_folders: true,
    probe_symbol: "cudaRuntimeGetVersion",
};

/// What `cudaStatus` reports about the runtime.
pub struct RuntimeFacts {
    pub version: Option<String>,
    pub library: Option<String>,
    pub note: Option<String>,
    /// Kept loaded for the life of the process: unloading libcudart after it initialised is
    /// not worth the risk.
    _library: Option<Library>,
}

static FACTS: OnceLock<RuntimeFacts> = OnceLock::new();

/// The runtime version from the first libcudart found (looked up once), without creating a
/// context.
pub fn facts() -> &'static RuntimeFacts {
    FACTS.get_or_init(find_facts)
}

fn find_facts() -> RuntimeFacts {
    match loader::open(&SPEC) {
        // SAFETY: `SPEC` names only CUDA runtime libraries, whose exports have the signatures
        // declared in sys.rs; the table is dropped before `opened.library`, which `RuntimeFacts`
        // keeps for the process.
        Ok((opened, _)) => match unsafe { RuntimeApi::resolve(&opened.library) } {
            Ok(api) => {
                let mut version: c_int = 0;
                // SAFETY: `api` was just resolved from `opened.library`, which is still loaded;
                // `version` is a live local the call writes.
                let code = unsafe { (api.cudaRuntimeGetVersion)(&mut version) };
                RuntimeFacts {
                    version: (code == 0).then(|| version_text(version)),
                    library: Some(opened.path),
                    note: (code != 0).then(|| format!("cudaRuntimeGetVersion returned {code}")),
                    _library: Some(opened.library),
                }
            }
            Err(symbol) => RuntimeFacts {
                version: None,
                library: Some(opened.path.clone()),
                note: Some(format!("{} lacks {symbol}", opened.path)),
                _library: Some(opened.library),
            },
        },
        Err(searched) => RuntimeFacts {
            version: None,
            library: None,
            _library: None,
            note: Some(format!(
                "{} (only code that uses the CUDA runtime API needs it)",
                loader::not_found(&SPEC, &searched)
            )),
        },
    }
}

/// What `clearError` did.
#[napi(object)]
pub struct ClearErrorResult {
    pub available: bool,
    /// Why nothing could be checked (CUDA unavailable).
    pub reason: Option<String>,
    /// The pending runtime error that was read and reset; absent when there was none.
    pub cleared: Option<CudaErrorInfo>,
    /// The libcudart whose error state was read.
    pub runtime_library: Option<String>,
    /// Extra detail, e.g. that no runtime is loaded in this process.
    pub note: Option<String>,
}

/// Consumes this thread's pending CUDA runtime error (`cudaGetLastError`) in the libcudart that
/// this process already loaded, and returns it. A non-sticky error is reset by this call; a
/// sticky one is returned with `sticky: true` and stays (the process must restart). When no
/// libcudart is loaded there is no runtime error state and nothing is loaded to look.
#[napi]
pub fn clear_error() -> napi::Result<ClearErrorResult> {
    guarded("clearError", || {
        if let Err(unavailable) = driver() {
            return ClearErrorResult {
                available: false,
                reason: Some(unavailable.reason.clone()),
                cleared: None,
                runtime_library: None,
                note: None,
            };
        }
        let Some(path) = loader::loaded_in_process(SPEC.loaded_marker) else {
            return ClearErrorResult {
                available: true,
                reason: None,
                cleared: None,
                runtime_library: None,
                note: Some(
                    "no CUDA runtime is loaded in this process, so no runtime error is pending"
                        .into(),
                ),
            };
        };
        let flags = libc::RTLD_NOW | libc::RTLD_NOLOAD;
        // SAFETY: RTLD_NOLOAD opens nothing new: it only takes another reference to the libcudart
        // this process already loaded, so no initialiser runs.
        let opened = unsafe { Library::open(Some(path.as_str()), flags) };
        let resolved = opened
            .map_err(|error| error.to_string())
            .and_then(|library| {
                // SAFETY: `library` is a CUDA runtime, whose exports have the signatures declared
                // in sys.rs; the table is used only while `_library` below keeps it loaded.
                unsafe { RuntimeApi::resolve(&library) }
                    .map(|api| (api, library))
                    .map_err(|symbol| format!("{path} lacks {symbol}"))
            });
        let (api, _library) = match resolved {
            Ok(pair) => pair,
            Err(note) => {
                return ClearErrorResult {
                    available: true,
                    reason: None,
                    cleared: None,
                    runtime_library: Some(path),
                    note: Some(note),
                }
            }
        };
        // SAFETY: `api` comes from the libcudart held by `_library` for this scope;
        // cudaGetLastError takes no arguments.
        let code = unsafe { (api.cudaGetLastError)() };
        let cleared = (code != 0).then(|| {
            let text = |pointer: *const std::ffi::c_char| {
                (!pointer.is_null()).then(|| {
                    // SAFETY: `pointer` is non-null and points at one of the runtime's static NUL-
                    // terminated strings, alive while `_library` is.
                    unsafe { CStr::from_ptr(pointer) }
                        .to_string_lossy()
                        .into_owned()
                })
            };
            let (_, description, sticky) = lookup(code);
            CudaErrorInfo {
                code,
                // SAFETY: `api` comes from the libcudart held by `_library`; cudaGetErrorName takes
                // any code by value.
                name: text(unsafe { (api.cudaGetErrorName)(code) })
                    .unwrap_or_else(|| format!("cudaError_{code}")),
                // SAFETY: `api` comes from the libcudart held by `_library`; cudaGetErrorString
                // takes any code by value.
                message: text(unsafe { (api.cudaGetErrorString)(code) })
                    .unwrap_or_else(|| description.to_string()),
                sticky,
                call: "cudaGetLastError".into(),
            }
        });
        ClearErrorResult {
            available: true,
            reason: None,
            cleared,
            runtime_library: Some(path),
            note: None,
        }
    })
}
