/**
 * Lays out ONNX Runtime's CUDA execution provider for onnxruntime-node 1.30.0 from PyPI's
 * `onnxruntime-gpu` 1.30.0 wheel (the npm package's own install script fetches it from a host
 * this project cannot reach). The wheel is fetched with pip in hash-checking mode (pinned
 * SHA-256), cached, each member checked against the wheel's RECORD, and
 * `libonnxruntime_providers_shared.so` and `libonnxruntime_providers_cuda.so` copied beside
 * onnxruntime-node's `libonnxruntime.so.1`, where ONNX Runtime looks for providers. Then
 * `--device cuda` works for Hugging Face models, given the CUDA libraries the provider links to
 * (this wheel's build: CUDA 13 runtime, cuBLAS, cuFFT, cuRAND and cuDNN 9; `--check` lists
 * which the machine's loader cannot find).
 *
 * Usage: deno run -A scripts/setup_ort_cuda.ts [--check] [--out DIR] [--index-url URL]
 *   --check          only verify the laid-out files and list unresolved CUDA libraries
 *   --out DIR        lay out into DIR instead of onnxruntime-node's folder (a carry bundle)
 *   --index-url URL  a PEP 503 index instead of PyPI (tests serve one on loopback)
 * Cache: $VLMEVAL_CACHE_DIR/ort-cuda, else $XDG_CACHE_HOME/vlmeval/ort-cuda, else
 * ~/.cache/vlmeval/ort-cuda (the 247 MB wheel and the 272 MB provider).
 * Exit: 0 laid out (or, with --check, in place); 1 a check failed; 2 a bad option; 6 a missing
 * prerequisite (pip, onnxruntime-node, the wheel).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseScriptArgs } from "./_script_help.ts";
import {
  checkLayout,
  layOutProviders,
  ORT_GPU_PIN,
  ortCudaCacheDir,
  OrtCudaSetupError,
  unresolvedLibraries,
} from "./_ort_cuda.ts";

const { values } = parseScriptArgs(import.meta, {
  check: { type: "boolean" },
  out: { type: "string" },
  "index-url": { type: "string" },
});

const root = fileURLToPath(new URL("..", import.meta.url));
const target = values.out ??
  join(
    root,
    "node_modules/.deno/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/bin/napi-v6/linux/x64",
  );

try {
  if (values.check) {
    const problems = await checkLayout(target);
    for (const p of problems) console.error(`setup_ort_cuda: ${p}`);
    const missing = await unresolvedLibraries(join(target, "libonnxruntime_providers_cuda.so"));
    if (missing.length) {
      console.error(
        `setup_ort_cuda: the CUDA provider needs libraries this machine's loader cannot find: ${
          missing.join(", ")
        } (install them, or put their folder on LD_LIBRARY_PATH)`,
      );
    }
    if (problems.length) Deno.exit(1);
    console.error(
      `setup_ort_cuda: ${target} holds ONNX Runtime ${ORT_GPU_PIN.version}'s CUDA provider`,
    );
  } else {
    const cache = ortCudaCacheDir(Deno.env.toObject());
    const laid = await layOutProviders({ cacheDir: cache, target, indexUrl: values["index-url"] });
    console.error(
      `setup_ort_cuda: ${
        laid.copied.length ? `copied ${laid.copied.join(", ")}` : "already in place"
      } ` +
        `in ${target} (from ${laid.wheel})`,
    );
  }
} catch (err) {
  if (err instanceof OrtCudaSetupError) {
    console.error(`setup_ort_cuda: ${err.message}`);
    Deno.exit(err.exitCode);
  }
  throw err;
}
