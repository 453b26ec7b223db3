//! Node-API addon giving vlmeval's TypeScript the CUDA primitives its evaluation loop needs.
//! CUDA, its runtime and NVML are opened at run time, so the addon builds and loads on machines
//! without them. One file per concern; policy (what to do on a sticky error) lives in TypeScript.

#![deny(clippy::all)]
// Every `unsafe` block says why it is sound (`// SAFETY:`); `cargo clippy` enforces it.
#![deny(clippy::undocumented_unsafe_blocks)]
// The unit tests build the crate without its `#[napi]` exports, which leaves their helpers unused.
#![cfg_attr(test, allow(dead_code))]

mod context;
mod device;
mod diagnostics;
mod driver;
mod error;
mod gpu_count;
mod guard;
mod loader;
mod memory;
mod nvml;
mod pool;
mod runtime;
mod status;
mod sys;
