import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BackendInfo, Tf } from "./backend_info.ts";
import { BackendUnavailableError } from "./backend_unavailable_error.ts";

const PACKAGE = "@tensorflow/tfjs-backend-wasm";

/**
 * Switches tfjs to the WebAssembly backend. The `.wasm` binaries are loaded from the
 * package's `dist/` folder in `node_modules` (found through the import map), so no network and
 * no bundler is involved. Under Deno the SIMD binary runs single-threaded: Deno has no
 * cross-origin-isolated `SharedArrayBuffer` workers for the threaded build.
 */
export async function useWasmBackend(tf: Tf): Promise<BackendInfo> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  if (tf.findBackendFactory("wasm") == null) {
    throw new BackendUnavailableError(
      "wasm",
      `Cannot use the wasm backend as ${PACKAGE} registered itself with a different copy of @tensorflow/tfjs-core: pin every @tensorflow package to the same version`,
    );
  }
  const dist = wasmDistFolder();
  const notes: string[] = [];
  if (!("wasm" in tf.engine().registry) && dist !== undefined) {
    wasm.setWasmPaths(dist);
  } else if (dist === undefined) {
    notes.push(`${PACKAGE} is not in a node_modules folder; its loader finds the binaries itself`);
  }
  const ok = await tf.setBackend("wasm");
  if (!ok) {
    throw new BackendUnavailableError(
      "wasm",
      `Cannot use the wasm backend as tfjs could not initialise it (binaries looked up in ${
        dist ?? "the package folder"
      }): see the warning tfjs printed above`,
    );
  }
  const simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
  const threads = wasm.getThreadsCount();
  const binary = `${dist ?? ""}${simd ? "tfjs-backend-wasm-simd.wasm" : "tfjs-backend-wasm.wasm"}`;
  return {
    requested: "wasm",
    tfBackend: tf.getBackend(),
    device: `CPU through WebAssembly (${simd ? "SIMD" : "no SIMD"}, ${threads} thread${
      threads === 1 ? "" : "s"
    })`,
    usesGpu: false,
    wasm: { binary, simd, threads },
    envSet: [],
    notes,
  };
}

/** The package's `dist/` folder with a trailing slash, when it lies on disk with its binaries. */
function wasmDistFolder(): string | undefined {
  const entry = import.meta.resolve(PACKAGE);
  if (!entry.startsWith("file:")) return undefined;
  const dist = fileURLToPath(new URL("./", entry));
  return existsSync(`${dist}tfjs-backend-wasm-simd.wasm`) ? dist : undefined;
}
