/** The tfjs namespace a backend is selected in (`import * as tf from "@tensorflow/tfjs"`). */
export type Tf = typeof import("@tensorflow/tfjs");

/** Backends a local tfjs model can run on (`--backend`). */
export type BackendName = "wasm" | "webgpu" | "cpu" | "tfjs-node" | "tfjs-node-gpu";

/** Every backend name, in the order `--help` lists them. */
export const BACKEND_NAMES: readonly BackendName[] = [
  "wasm",
  "webgpu",
  "cpu",
  "tfjs-node",
  "tfjs-node-gpu",
];

/** What a WebGPU adapter says about itself. Fields the runtime leaves empty are `""`. */
export interface WebGPUAdapterSummary {
  /** The adapter's vendor (`GPUAdapterInfo.vendor`). */
  vendor: string;
  /** The adapter's GPU architecture (`GPUAdapterInfo.architecture`). */
  architecture: string;
  /** The adapter's vendor-specific device id (`GPUAdapterInfo.device`). */
  device: string;
  /** The driver's name for the adapter (`GPUAdapterInfo.description`), e.g. `llvmpipe (...)`. */
  description: string;
  /** True for a software rasterizer (llvmpipe, lavapipe, SwiftShader) or a fallback adapter. */
  software: boolean;
}

/** Which backend was selected and what really computes. */
export interface BackendInfo {
  /** The backend asked for. */
  requested: BackendName;
  /** The name tfjs now reports (`tf.getBackend()`): `cpu`, `wasm`, `webgpu` or `tensorflow`. */
  tfBackend: string;
  /** One line naming what runs the kernels, e.g. `WebGPU on llvmpipe (LLVM 15.0.6, 256 bits), a software rasterizer on the CPU`. */
  device: string;
  /** True only when kernels really run on a GPU. */
  usesGpu: boolean;
  /** tfjs-node-gpu only: TensorFlow found no usable GPU and runs on the CPU. */
  fellBackToCpu?: boolean;
  /** webgpu only. */
  adapter?: WebGPUAdapterSummary;
  /** wasm only: the binary loaded and the features it uses. */
  wasm?: { binary: string; simd: boolean; threads: number };
  /** Environment variables this call set, as `NAME=value` (tfjs-node-gpu allocator settings). */
  envSet: string[];
  /** Anything else worth showing the user. */
  notes: string[];
}

/** What `releaseBackendCaches()` did. */
export interface CacheRelease {
  /** tfjs backend name it acted on. */
  tfBackend: string;
  /** True when memory was handed back (to the GPU driver or the system). */
  released: boolean;
  /** Pooled buffers destroyed. */
  freedBuffers: number;
  /** Bytes of those buffers. */
  freedBytes: number;
  /** What was done, or why nothing could be. */
  detail: string;
}
