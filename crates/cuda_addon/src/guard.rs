//! Keeps Rust panics from crossing into JavaScript: every exported function runs its body here.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `body`; a panic becomes a JS `Error` naming the function and the panic message.
pub fn guarded<T>(function: &str, body: impl FnOnce() -> T) -> napi::Result<T> {
    catch_unwind(AssertUnwindSafe(body)).map_err(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-text panic payload".to_string());
        napi::Error::from_reason(format!(
            "Cannot complete {function}() as the CUDA addon panicked: {detail}"
        ))
    })
}
