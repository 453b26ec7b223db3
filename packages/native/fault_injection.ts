/**
 * Test support (`@vlmeval/native/testing`): builds the FaultInjection CUDA driver and NVML
 * (`testdata/*.c`) with the C compiler Rust already needs, so a child process given
 * {@linkcode faultInjectionEnv} sees a GPU with an active context, pooled memory or a kernel
 * fault on any machine; and runs `testdata/run_scenario.ts` against them. Not for production.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

const testdata = fileURLToPath(new URL("./testdata/", import.meta.url));

/** Built stand-in libraries and the temp folder holding them. */
export interface FaultInjectionLibraries {
  /** The temp folder holding the built libraries. */
  dir: string;
  /** The stand-in CUDA driver (`libcuda.so.1`). */
  libcuda: string;
  /** The stand-in NVML (`libnvidia-ml.so.1`). */
  libnvml: string;
  /** The stand-in CUDA runtime (`libcudart.so.12`). */
  libcudart: string;
}

/** Whether a C compiler (`cc`) is on PATH. */
export function hasCompiler(): boolean {
  try {
    return new Deno.Command("cc", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Compiles both stand-ins into a new temp folder; remove `dir` when done. */
export async function buildFaultInjectionLibraries(): Promise<FaultInjectionLibraries> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_fault_injection_" });
  const libcuda = join(dir, "libcuda.so.1");
  const libnvml = join(dir, "libnvidia-ml.so.1");
  const libcudart = join(dir, "libcudart.so.12");
  for (
    const [source, output] of [
      ["fault_injection_libcuda.c", libcuda],
      ["fault_injection_libnvidia_ml.c", libnvml],
      ["fault_injection_libcudart.c", libcudart],
    ]
  ) {
    const result = await new Deno.Command("cc", {
      args: ["-shared", "-fPIC", "-o", output, join(testdata, source)],
    }).output();
    if (!result.success) {
      throw new Error(
        `Cannot compile ${source} as cc failed: ${new TextDecoder().decode(result.stderr)}`,
      );
    }
  }
  return { dir, libcuda, libnvml, libcudart };
}

/** What the FaultInjection driver plays; see `testdata/fault_injection_libcuda.c`. */
export type FaultInjectionScenario = "no-device" | "inactive" | "active" | "pooled" | "sync-error";

/**
 * Environment for a child process that should load the stand-ins: `scenario`, plus in `extra`
 * `FAULT_INJECTION_CUDA_CODE` (the error `sync-error` returns, default 700),
 * `FAULT_INJECTION_NVML=container` (NVML does not list the caller's pid) or `init-fails`
 * (`nvmlInit_v2` fails), `FAULT_INJECTION_CUDART_ERROR` (the runtime error pending on the main
 * thread), `FAULT_INJECTION_GPU_COUNT` (the machine's GPUs, as NVML counts them and as the
 * driver narrows them by `CUDA_VISIBLE_DEVICES`; default 1) or `FAULT_INJECTION_CUDA_LOG` (a
 * file to which every `cuInit` appends `pid=<pid> CUDA_VISIBLE_DEVICES=<value>`, see
 * {@linkcode readCudaInitLog}).
 */
export function faultInjectionEnv(
  libs: FaultInjectionLibraries,
  scenario: FaultInjectionScenario,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    VLMEVAL_CUDA_LIB: libs.libcuda,
    VLMEVAL_NVML_LIB: libs.libnvml,
    VLMEVAL_CUDART_LIB: libs.libcudart,
    FAULT_INJECTION_CUDA: scenario,
    ...extra,
  };
}

/** One step's outcome as `run_scenario.ts` prints it. */
export interface StepOutcome {
  /** The step's name, as the scenario gave it. */
  step: string;
  /** What the call returned, when it returned. */
  result?: Record<string, unknown> | null;
  /** What the call threw, when it threw. */
  error?: {
    name: string;
    message: string;
    cudaName?: string;
    code?: number;
    sticky?: boolean;
    stickyByGuard: boolean;
  };
}

/** Options of {@linkcode runScenario}. */
export interface ScenarioOptions {
  /** Extra environment for the child (e.g. `VLMEVAL_CUDA_LIB`, `FAULT_INJECTION_CUDA`). */
  env?: Record<string, string>;
  /** Deno permission flags; defaults to what the package documents. */
  permissions?: string[];
}

/** Runs `steps` in a fresh `deno run` and returns each step's outcome, in order. */
export async function runScenario(
  steps: string[],
  options: ScenarioOptions = {},
): Promise<StepOutcome[]> {
  const permissions = options.permissions ?? ["--allow-ffi", "--allow-read", "--allow-env"];
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, join(testdata, "run_scenario.ts"), ...steps],
    env: options.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(
      `Cannot run scenario ${steps.join(" ")} as the child exited with ${output.code}: ${
        new TextDecoder().decode(output.stderr)
      }`,
    );
  }
  return JSON.parse(stdout) as StepOutcome[];
}

/** One `cuInit` call the FaultInjection driver logged to `FAULT_INJECTION_CUDA_LOG`. */
export interface CudaInitRecord {
  /** The process that called `cuInit`. */
  pid: number;
  /** `CUDA_VISIBLE_DEVICES` as `cuInit` saw it; null when it was unset. */
  visibleDevices: string | null;
}

/** The `cuInit` calls logged to `path`, in order; none when the file does not exist. */
export async function readCudaInitLog(path: string): Promise<CudaInitRecord[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return text.split("\n").filter((line) => line !== "").map((line) => {
    const match = line.match(/^pid=(\d+) CUDA_VISIBLE_DEVICES=(.*)$/);
    if (!match) throw new SyntaxError(`Cannot read cuInit log line "${line}" of ${path}`);
    return { pid: Number(match[1]), visibleDevices: match[2] === "<unset>" ? null : match[2] };
  });
}
