import { tmpdir } from "node:os";
import type { BackendInfo, Tf, WebGPUAdapterSummary } from "./backend_info.ts";
import { BackendUnavailableError } from "./backend_unavailable_error.ts";

/** Priority above every stock backend, so `tf.ready()` would also pick ours. */
const PRIORITY = 10;

/** Adapter details of the backends our factory created, for later `selectBackend()` calls. */
const summaries = new WeakMap<object, WebGPUAdapterSummary>();

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|software/i;

const NO_ADAPTER_HELP =
  "on Linux install a Vulkan driver (for a GPU, the vendor's driver; for Mesa's software device: apt-get install -y mesa-vulkan-drivers) and check that `vulkaninfo --summary` lists a device";

/**
 * Switches tfjs to WebGPU through Deno's `navigator.gpu`. The backend is created by our own
 * factory instead of the one in @tensorflow/tfjs-backend-webgpu 4.22: that one reads
 * `adapter.info` after `requestDevice()` (older Deno invalidates the adapter by then) and
 * passes `bgra8unorm-storage` inside a nested array, which Deno's WebIDL conversion may reject.
 * Ours reads the adapter info first and passes feature names as strings.
 */
export async function useWebGPUBackend(tf: Tf): Promise<BackendInfo> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) {
    throw new BackendUnavailableError(
      "webgpu",
      `Cannot use the webgpu backend as this runtime has no navigator.gpu (Deno ${Deno.version.deno}): Deno 2.9 exposes it without flags; older releases need --unstable-webgpu`,
    );
  }
  const envSet = quietWaylandProbe();
  const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
  let failure: unknown;
  const factory = async () => {
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
      if (!adapter) {
        throw new Error(`navigator.gpu.requestAdapter() found no adapter: ${NO_ADAPTER_HELP}`);
      }
      const info = adapter.info;
      const summary = summarise(info, adapter);
      const device = await adapter.requestDevice({
        requiredFeatures: wantedFeatures(adapter),
        requiredLimits: wantedLimits(adapter.limits),
      });
      const backend = new WebGPUBackend(device, info);
      summaries.set(backend, summary);
      return backend;
    } catch (err) {
      failure = err;
      throw err;
    }
  };
  if (!("webgpu" in tf.engine().registry)) {
    if (tf.findBackendFactory("webgpu") != null) tf.removeBackend("webgpu");
    tf.registerBackend("webgpu", factory, PRIORITY);
  }
  const ok = await tf.setBackend("webgpu");
  if (!ok) {
    const reason = failure instanceof Error ? failure.message : String(failure ?? "unknown reason");
    throw new BackendUnavailableError(
      "webgpu",
      `Cannot use the webgpu backend as its device could not be created: ${reason}`,
      { cause: failure },
    );
  }
  const adapter = summaries.get(tf.backend()) ?? summariseBackend(tf);
  return {
    requested: "webgpu",
    tfBackend: tf.getBackend(),
    device: describe(adapter),
    usesGpu: !adapter.software,
    adapter,
    envSet,
    notes: adapter.software
      ? ["the WebGPU adapter is a software rasterizer: kernels run on the CPU, slower than wasm"]
      : [],
  };
}

function wantedFeatures(adapter: GPUAdapter): GPUFeatureName[] {
  const names: GPUFeatureName[] = ["timestamp-query", "bgra8unorm-storage"];
  return names.filter((name) => adapter.features.has(name));
}

function wantedLimits(limits: GPUSupportedLimits): Record<string, number> {
  return {
    maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxBufferSize: limits.maxBufferSize,
    maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
  };
}

function summarise(info: GPUAdapterInfo | undefined, adapter: GPUAdapter): WebGPUAdapterSummary {
  const summary = {
    vendor: info?.vendor ?? "",
    architecture: info?.architecture ?? "",
    device: info?.device ?? "",
    description: info?.description ?? "",
  };
  const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true;
  return { ...summary, software: fallback || SOFTWARE_ADAPTER.test(summary.description) };
}

/** For a backend another factory created: what tfjs kept of the adapter info. */
function summariseBackend(tf: Tf): WebGPUAdapterSummary {
  const kept = (tf.backend() as { adapterInfo?: { vendor?: string; architecture?: string } })
    .adapterInfo;
  return {
    vendor: kept?.vendor ?? "",
    architecture: kept?.architecture ?? "",
    device: "",
    description: "",
    software: false,
  };
}

function describe(adapter: WebGPUAdapterSummary): string {
  const name = adapter.description || [adapter.vendor, adapter.architecture, adapter.device]
    .filter(Boolean).join(" ") ||
    "an unnamed adapter";
  return adapter.software
    ? `WebGPU on ${name}, a software rasterizer on the CPU`
    : `WebGPU on ${name}`;
}

/**
 * The WebGPU adapter, if any, asked for as the backend asks for it: without libwayland's
 * misleading XDG_RUNTIME_DIR line (see `quietWaylandProbe`). For tests deciding what can run.
 */
export async function probeWebGpuAdapter(): Promise<GPUAdapter | null | undefined> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return undefined;
  quietWaylandProbe();
  return await gpu.requestAdapter();
}

/**
 * Sets XDG_RUNTIME_DIR to a private folder when it is unset. Vulkan drivers probe for a
 * Wayland display while the adapter is created, and libwayland prints "error: XDG_RUNTIME_DIR
 * is invalid or not set in the environment." when the variable is missing; WebGPU works either
 * way, so this only keeps that misleading line out of the output.
 */
function quietWaylandProbe(): string[] {
  if (Deno.env.get("XDG_RUNTIME_DIR")) return [];
  try {
    const dir = `${tmpdir()}/vlmeval-runtime-${Deno.uid() ?? "user"}`;
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.env.set("XDG_RUNTIME_DIR", dir);
    return [`XDG_RUNTIME_DIR=${dir}`];
  } catch {
    return [];
  }
}
