/**
 * GPU and tensor memory of the bundled ShapesVLM over many samples: per backend three runs,
 * each in a fresh process (caches released after every sample, no cache release, a leaking
 * adapter), recording per sample live tensors and their bytes, WebGPU buffers, the WebAssembly
 * heap, process RSS and, where CUDA exists, this process's device memory. Writes
 * `<out>/<backend>.csv`, `<out>/<backend>.svg` and `<out>/summary.md`.
 *
 * Usage: deno task bench:memory [--backend wasm,webgpu] [--samples 200] [--out DIR]
 *                               [--leak-kib 256]
 *
 * Exit status: 0 when no plain run leaks and every injected leak is detected; 1 otherwise
 * (also when the model fails on a backend);
 * 2 for a bad option; 6 when no requested backend can run here.
 */
import { parseScriptArgs, usageError } from "../../scripts/_script_help.ts";
import { judgeRun } from "./_analysis.ts";
import {
  type BackendResult,
  backendSection,
  csvText,
  overallVerdict,
  type RunResult,
  summaryMarkdown,
} from "./_report.ts";
import { memoryPlotSvg } from "./_svg_plot.ts";
import {
  describeMode,
  RUN_MODES,
  type RunMode,
  type TraceEnd,
  type TraceLine,
  type TraceSample,
  type TraceStart,
} from "./_trace.ts";

const BACKENDS = ["wasm", "webgpu", "cpu", "tfjs-node", "tfjs-node-gpu"];
const COLORS: Record<RunMode, string> = {
  cleared: "#1f77b4",
  kept: "#ff7f0e",
  leaking: "#d62728",
};
const WORKER = new URL("./_trace_worker.ts", import.meta.url).pathname;

/** The worker's exit status for a backend that cannot run here. */
class BackendSkipped extends Error {}

/** A run ended with an error: the model fails on this backend. */
class RunFailed extends Error {}

const NAME = { name: "bench:memory" };

function usage(message: string): never {
  usageError(import.meta, message, NAME);
}

function options() {
  const { values } = parseScriptArgs(import.meta, {
    backend: { type: "string", default: "wasm,webgpu" },
    samples: { type: "string", default: "200" },
    out: { type: "string", default: new URL("./results", import.meta.url).pathname },
    "leak-kib": { type: "string", default: "256" },
  }, NAME);
  const backends = values.backend.split(",").map((b) => b.trim()).filter(Boolean);
  const unknown = backends.find((b) => !BACKENDS.includes(b));
  if (unknown !== undefined) {
    usage(`Cannot run backend "${unknown}" as it is not one of ${BACKENDS.join(", ")}`);
  }
  const samples = Number(values.samples);
  if (!Number.isInteger(samples) || samples < 4) {
    usage(`Cannot run as --samples must be an integer >= 4: current value is ${values.samples}`);
  }
  const leakKiB = Number(values["leak-kib"]);
  if (!Number.isInteger(leakKiB) || leakKiB < 1) {
    usage(`Cannot run as --leak-kib must be a positive integer: current value is ${leakKiB}`);
  }
  return { backends, samples, out: values.out, leakBytes: leakKiB * 1024 };
}

async function traceRun(
  backend: string,
  mode: RunMode,
  samples: number,
  leakBytes: number,
): Promise<RunResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER, backend, mode, String(samples), String(leakBytes)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (out.code === 6) throw new BackendSkipped(stderr);
  if (out.code !== 0) {
    const last = stderr.split("\n").at(-1);
    throw new RunFailed(
      `the ${backend} run "${describeMode(mode, leakBytes)}" exited with ${out.code}: ${last}`,
    );
  }
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as TraceLine);
  const start = lines.find((l): l is TraceStart => l.kind === "start");
  const end = lines.find((l): l is TraceEnd => l.kind === "end");
  const readings = lines.filter((l): l is TraceSample => l.kind === "sample");
  if (!start || !end || readings.length !== samples + 1) {
    throw new Error(`The ${backend}/${mode} run printed an incomplete trace: ${stderr}`);
  }
  return { start, end, readings, verdict: judgeRun(mode, readings) };
}

async function runBackend(
  backend: string,
  samples: number,
  leakBytes: number,
): Promise<BackendResult> {
  const runs: RunResult[] = [];
  for (const mode of RUN_MODES) {
    console.error(`bench:memory: ${backend}, ${describeMode(mode, leakBytes)}, ${samples} samples`);
    try {
      runs.push(await traceRun(backend, mode, samples, leakBytes));
    } catch (err) {
      if (err instanceof BackendSkipped) return { backend, runs: [], skipped: err.message };
      if (err instanceof RunFailed) return { backend, runs: [], failed: err.message };
      throw err;
    }
  }
  return { backend, runs };
}

function machine(): string {
  const cpus = navigator.hardwareConcurrency;
  return `Deno ${Deno.version.deno}, ${Deno.build.os} ${Deno.build.arch}, ${cpus} CPU cores, ${
    new Date().toISOString().slice(0, 10)
  }`;
}

/** Runs `deno fmt` on the written SVG and markdown, so that `deno fmt --check` passes on them. */
async function formatLikeTheRepository(dir: string): Promise<void> {
  const files = [...Deno.readDirSync(dir)].map((e) => `${dir}/${e.name}`)
    .filter((f) => f.endsWith(".svg") || f.endsWith(".md"));
  const out = await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", ...files] }).output();
  if (!out.success) {
    console.error(`bench:memory: deno fmt failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

const opts = options();
await Deno.mkdir(opts.out, { recursive: true });
const results: BackendResult[] = [];
for (const backend of opts.backends) {
  const result = await runBackend(backend, opts.samples, opts.leakBytes);
  results.push(result);
  if (result.skipped || result.failed) {
    console.error(`bench:memory: ${backend}: ${result.skipped ?? `FAILED: ${result.failed}`}`);
    for (const ext of ["csv", "svg"]) {
      await Deno.remove(`${opts.out}/${backend}.${ext}`).catch(() => {});
    }
    continue;
  }
  await Deno.writeTextFile(`${opts.out}/${backend}.csv`, csvText(result));
  await Deno.writeTextFile(
    `${opts.out}/${backend}.svg`,
    memoryPlotSvg({
      title: `ShapesVLM memory per sample on ${backend}`,
      subtitle: `${
        result.runs[0].start.device
      }; ${opts.samples} Shapes_MCQ samples per run, each run in a fresh process`,
      runs: result.runs.map((run) => ({
        label: describeMode(run.start.mode, opts.leakBytes),
        injectsLeak: run.start.mode === "leaking",
        color: COLORS[run.start.mode],
        readings: run.readings,
        verdict: run.verdict,
      })),
    }),
  );
  console.log(backendSection(result, opts.leakBytes));
}
const command = `deno task bench:memory --backend ${
  opts.backends.join(",")
} --samples ${opts.samples}`;
await Deno.writeTextFile(
  `${opts.out}/summary.md`,
  summaryMarkdown(results, {
    samples: opts.samples,
    leakBytes: opts.leakBytes,
    command,
    machine: machine(),
  }),
);
await formatLikeTheRepository(opts.out);
const verdict = overallVerdict(results);
console.log(`Wrote ${opts.out}/summary.md`);
if (results.every((r) => r.skipped)) {
  console.error(`bench:memory: no backend could run: ${results.map((r) => r.skipped).join("; ")}`);
  Deno.exit(6);
}
if (!verdict.ok) {
  console.error(`bench:memory: ${verdict.lines.join("\n  ")}`);
  Deno.exit(1);
}
