/**
 * What one traced run reports, line by line as JSON on stdout: a start line, one line per
 * sample, an end line. Shared by the worker that writes it and `run.ts` that reads it.
 */
import type { MemorySnapshot } from "@vlmeval/models";

/** How a run treats caches and tensors between samples. */
export type RunMode = "cleared" | "kept" | "leaking";

/** Every mode, in the order the benchmark runs and plots them. */
export const RUN_MODES: readonly RunMode[] = ["cleared", "kept", "leaking"];

/** One line of the legend per mode. */
export function describeMode(mode: RunMode, leakBytes: number): string {
  switch (mode) {
    case "cleared":
      return "caches released after every sample";
    case "kept":
      return "no cache release";
    case "leaking":
      return `leaking adapter (+${leakBytes / 1024} KiB/sample), caches released`;
  }
}

/** The first line: what runs, and what cache clearing can do on it. */
export interface TraceStart {
  kind: "start";
  backend: string;
  mode: RunMode;
  /** What really computes (`BackendInfo.device`). */
  device: string;
  usesGpu: boolean;
  notes: string[];
  /** Why CUDA device memory is not recorded, when it is not. */
  deviceMemoryReason?: string;
  /** Reasons the probe gave for figures it left out or marks approximate. */
  reasons: string[];
  /** Distinct prompts cycled through. */
  prompts: number;
}

/** One sample's reading, taken after the call (and after the cache release, if any). */
export interface TraceSample
  extends Omit<MemorySnapshot, "tfBackend" | "unreliable" | "reasons" | "dataBuffers"> {
  kind: "sample";
  /** 0 is the reading after loading, before any call. */
  sample: number;
  /** Dataset index of the row answered ("" for sample 0). */
  index: string;
  /** Milliseconds of the generate call. */
  ms: number;
  /** Tensors the tensor scope reported this call left alive. */
  scopeLeaked: number;
}

/** The last line. */
export interface TraceEnd {
  kind: "end";
  /** Calls the tensor scope reported, and the first one's sample index. */
  leakyCalls: number;
  firstLeakIndex?: string;
  /** What the last cache release did (`CacheRelease.detail`), for modes that release. */
  cacheReleaseDetail?: string;
  /**
   * Bytes the cache releases gave back over the whole run: webgpu, pooled GPU buffers destroyed;
   * tfjs-node, the drop of the process RSS across each release (malloc_trim).
   */
  freedBytes: number;
}

/** Any line of a trace. */
export type TraceLine = TraceStart | TraceSample | TraceEnd;
