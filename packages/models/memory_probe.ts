import type { MemoryInfo } from "@vlmeval/native";
import type { Tf } from "./backends/backend_info.ts";

/**
 * One reading of a tfjs process's memory. Fields a backend or machine cannot tell are absent;
 * `reasons` says why, and what the numbers present are worth.
 */
export interface MemorySnapshot {
  /** tfjs backend name (`tf.getBackend()`). */
  tfBackend: string;
  /** Live tensors (`tf.memory().numTensors`). */
  tensors: number;
  /** Logical bytes of the live tensors (`tf.memory().numBytes`). */
  tensorBytes: number;
  /** Distinct data buffers behind the live tensors. */
  dataBuffers: number;
  /** webgpu: bytes of GPU buffers holding live tensors (`numBytesInGPU`). */
  gpuBytesInUse?: number;
  /** webgpu: bytes of every GPU buffer tfjs holds, pooled free ones included. */
  gpuBytesAllocated?: number;
  /** wasm: size of the WebAssembly memory, which grows but never shrinks. */
  wasmHeapBytes?: number;
  /** Resident set size of the whole process. */
  rssBytes: number;
  /** V8 heap in use. */
  heapUsedBytes: number;
  /** CUDA device memory in use by this process (NVML), when the native addon can tell. */
  deviceUsedBytes?: number;
  /** CUDA device memory free, when the native addon can tell. */
  deviceFreeBytes?: number;
  /** CUDA device memory in all, when the native addon can tell. */
  deviceTotalBytes?: number;
  /** True when tfjs itself marks its counts as approximate. */
  unreliable: boolean;
  /** Why a figure is approximate or absent. */
  reasons: string[];
}

/** Options of {@linkcode probeMemory}. */
export interface ProbeMemoryOptions {
  /** Reads CUDA device memory (e.g. `memoryInfo` of `@vlmeval/native`); absent: not read. */
  deviceMemory?: () => MemoryInfo;
}

interface BackendMemory {
  numBytesInGPU?: number;
  numBytesAllocatedInGPU?: number;
  unreliable?: boolean;
  reasons?: string[];
}

/**
 * Reads tensor counts and bytes, the backend's own memory (WebGPU buffers, the WebAssembly
 * heap), process RSS and, through `deviceMemory`, CUDA device memory. Never throws for a figure
 * it cannot read: it leaves the field out and says why in `reasons`.
 */
export function probeMemory(tf: Tf, opts: ProbeMemoryOptions = {}): MemorySnapshot {
  const memory = tf.memory() as ReturnType<Tf["memory"]> & BackendMemory;
  const { rss, heapUsed } = Deno.memoryUsage();
  const tfBackend = tf.getBackend();
  const snapshot: MemorySnapshot = {
    tfBackend,
    tensors: memory.numTensors,
    tensorBytes: memory.numBytes,
    dataBuffers: memory.numDataBuffers,
    rssBytes: rss,
    heapUsedBytes: heapUsed,
    unreliable: memory.unreliable === true,
    reasons: [...(memory.reasons ?? [])],
  };
  if (tfBackend === "webgpu") {
    snapshot.gpuBytesInUse = memory.numBytesInGPU;
    snapshot.gpuBytesAllocated = memory.numBytesAllocatedInGPU;
  } else if (tfBackend === "wasm") {
    snapshot.wasmHeapBytes = wasmHeapBytes(tf);
  }
  if (tfBackend !== "webgpu") {
    snapshot.reasons.push(`no GPU buffer figures: the ${tfBackend} backend keeps no GPU memory`);
  }
  snapshot.reasons.push(
    "RSS is the whole process (V8 heap with uncollected garbage, allocator caches, code): a hint, not a measure of tensors",
  );
  readDeviceMemory(snapshot, opts.deviceMemory);
  return snapshot;
}

function wasmHeapBytes(tf: Tf): number | undefined {
  const module = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return module?.HEAPU8?.buffer.byteLength;
}

function readDeviceMemory(snapshot: MemorySnapshot, read?: () => MemoryInfo): void {
  if (!read) {
    snapshot.reasons.push("no CUDA device memory: not asked for");
    return;
  }
  let info: MemoryInfo;
  try {
    info = read();
  } catch (err) {
    snapshot.reasons.push(`no CUDA device memory: ${(err as Error).message}`);
    return;
  }
  if (!info.available) {
    snapshot.reasons.push(`no CUDA device memory: ${info.reason ?? "CUDA is unavailable"}`);
    return;
  }
  snapshot.deviceFreeBytes = info.freeBytes;
  snapshot.deviceTotalBytes = info.totalBytes;
  snapshot.deviceUsedBytes = info.processUsedBytes;
  if (info.processUsedBytes === undefined) {
    snapshot.reasons.push(
      `no per-process CUDA memory: ${info.processUsedNote ?? "NVML did not report this process"}`,
    );
  }
}
