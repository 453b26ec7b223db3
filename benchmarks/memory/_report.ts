/** The memory benchmark's CSV and markdown summary. */
import { formatValue, type RunVerdict } from "./_analysis.ts";
import { describeMode, type TraceEnd, type TraceSample, type TraceStart } from "./_trace.ts";

/** One finished run. */
export interface RunResult {
  start: TraceStart;
  readings: TraceSample[];
  end: TraceEnd;
  verdict: RunVerdict;
}

/** One backend's runs, or why it could not run. */
export interface BackendResult {
  backend: string;
  runs: RunResult[];
  /** The backend cannot run on this machine (not a failure of the benchmark). */
  skipped?: string;
  /** A run failed: the model does not work on this backend. */
  failed?: string;
}

const COLUMNS: (keyof TraceSample)[] = [
  "sample",
  "index",
  "ms",
  "tensors",
  "tensorBytes",
  "scopeLeaked",
  "gpuBytesInUse",
  "gpuBytesAllocated",
  "wasmHeapBytes",
  "rssBytes",
  "heapUsedBytes",
  "deviceUsedBytes",
  "deviceFreeBytes",
];

const HEADER = [
  "backend",
  "run",
  "sample",
  "index",
  "ms",
  "tensors",
  "tensor_bytes",
  "scope_leaked_tensors",
  "gpu_bytes_in_use",
  "gpu_bytes_allocated",
  "wasm_heap_bytes",
  "rss_bytes",
  "heap_used_bytes",
  "device_used_bytes",
  "device_free_bytes",
];

/** Every reading of a backend's runs, one row per sample; empty cells for absent figures. */
export function csvText(result: BackendResult): string {
  const lines = [HEADER.join(",")];
  for (const run of result.runs) {
    for (const r of run.readings) {
      const cells = COLUMNS.map((c) => {
        const v = r[c];
        if (v === undefined) return "";
        return typeof v === "number" && c === "ms" ? v.toFixed(2) : String(v);
      });
      lines.push([result.backend, run.start.mode, ...cells].join(","));
    }
  }
  return lines.join("\n") + "\n";
}

/** What releasing caches can do on a backend, said plainly. */
export function cacheClearingNote(backend: string, cleared?: RunResult): string {
  const detail = cleared?.end.cacheReleaseDetail ?? "";
  switch (backend) {
    case "webgpu":
      return `release destroys the GPU buffers tfjs keeps in its free pool (${
        formatValue(cleared?.end.freedBytes ?? 0, "bytes")
      } over the run), so allocated GPU memory falls back to what live tensors use after every sample; without it the pool keeps those buffers until the process ends.`;
    case "wasm":
      return `cannot work on wasm: ${
        detail || "WebAssembly memory never shrinks"
      }. Both plain runs are the same by design.`;
    case "cpu":
      return `nothing to do on cpu: ${detail || "tensor data are JavaScript arrays"}.`;
    case "tfjs-node":
    case "tfjs-node-gpu":
      return `release hands the free heap pages of malloc back to the system (malloc_trim: the process RSS fell by ${
        formatValue(cleared?.end.freedBytes ?? 0, "bytes")
      } over the run's releases, and grew back by the next sample). Last release: ${detail}`;
    default:
      return detail;
  }
}

function metricRows(result: BackendResult): string[] {
  const runs = result.runs;
  const keys = runs[0].verdict.metrics.map((m) => m.metric.key);
  const rows = keys.map((key) => {
    const metric = runs[0].verdict.metrics.find((m) => m.metric.key === key)!.metric;
    const cells = runs.map((run) => {
      const m = run.verdict.metrics.find((x) => x.metric.key === key);
      if (!m) return "";
      const u = metric.unit;
      const growth = `${m.slope >= 0 ? "+" : ""}${formatValue(m.slope, u, 2)}/sample`;
      const text = `${formatValue(m.start, u)} → peak ${formatValue(m.peak, u)} → ${
        formatValue(m.end, u)
      }; ${growth}`;
      return m.over ? `**${text}**` : text;
    });
    const judged = metric.leakPerSample !== undefined
      ? `leak above ${formatValue(metric.leakPerSample, metric.unit, 2)}/sample`
      : `shown only: ${metric.notJudged}`;
    return `| ${metric.label} (${judged}) | ${cells.join(" | ")} |`;
  });
  rows.push(
    `| generate call, median | ${
      runs.map((r) => `${r.verdict.msMedian.toFixed(1)} ms`).join(" | ")
    } |`,
    `| tensor scope reports | ${
      runs.map((r) =>
        r.end.leakyCalls === 0
          ? "none"
          : `${r.end.leakyCalls} calls, first at sample index ${r.end.firstLeakIndex}`
      ).join(" | ")
    } |`,
    `| **verdict** | ${
      runs.map((r) => r.verdict.leaking ? `**LEAK**: ${r.verdict.because.join("; ")}` : "no leak")
        .join(" | ")
    } |`,
  );
  return rows;
}

/** The markdown section of one backend. */
export function backendSection(result: BackendResult, leakBytes: number): string {
  if (result.skipped) return `## ${result.backend}\n\nNot run: ${result.skipped}\n`;
  if (result.failed) return `## ${result.backend}\n\n**FAILED**: ${result.failed}\n`;
  const start = result.runs[0].start;
  const cleared = result.runs.find((r) => r.start.mode === "cleared");
  const lines = [
    `## ${result.backend}: ${start.device}`,
    "",
    `![memory per sample on ${result.backend}](${result.backend}.svg)`,
    "",
    `| figure: start → peak → end; growth per sample (second half) | ${
      result.runs.map((r) => describeMode(r.start.mode, leakBytes)).join(" | ")
    } |`,
    `|---|${result.runs.map(() => "---").join("|")}|`,
    ...metricRows(result),
    "",
    `- Cache clearing: ${cacheClearingNote(result.backend, cleared)}`,
    ...start.notes.map((n) => `- Note: ${n}`),
    "",
  ];
  return lines.join("\n");
}

/** The verdict over every backend: plain runs must not leak, the injected leak must be seen. */
export function overallVerdict(results: BackendResult[]): { ok: boolean; lines: string[] } {
  const lines: string[] = results.filter((r) => r.failed).map((r) =>
    `${r.backend}: FAILED: ${r.failed}`
  );
  for (const result of results.filter((r) => !r.skipped && !r.failed)) {
    for (const run of result.runs) {
      const mode = run.start.mode;
      if (mode !== "leaking" && run.verdict.leaking) {
        lines.push(`${result.backend}/${mode}: LEAK: ${run.verdict.because.join("; ")}`);
      }
      if (mode === "leaking" && !run.verdict.leaking) {
        lines.push(
          `${result.backend}/leaking: the injected leak was NOT detected; the benchmark cannot be trusted`,
        );
      }
    }
  }
  return { ok: lines.length === 0, lines };
}

/** Whether CUDA device memory was recorded, and why not when it was not (said once). */
function deviceMemoryNote(results: BackendResult[]): string {
  const start = results.find((r) => r.runs.length > 0)?.runs[0].start;
  if (!start) return "not recorded, as no backend ran";
  return start.deviceMemoryReason
    ? `not recorded, as the native addon finds no CUDA here (${start.deviceMemoryReason})`
    : "recorded per sample through the native addon (NVML)";
}

/** The whole summary.md. */
export function summaryMarkdown(
  results: BackendResult[],
  opts: { samples: number; leakBytes: number; command: string; machine: string },
): string {
  const verdict = overallVerdict(results);
  const ran = results.filter((r) => !r.skipped && !r.failed).map((r) => r.backend);
  return [
    "# Memory benchmark: the bundled ShapesVLM on Shapes_MCQ",
    "",
    `${opts.samples} samples per run, three runs per backend, each in a fresh process: caches released after every sample (what the guard does after a failure), no cache release, and a deliberately leaking adapter (${
      opts.leakBytes / 1024
    } KiB kept per call) with caches released. Every generate call runs in its own tfjs tensor scope.`,
    "",
    `Command: \`${opts.command}\`; ${opts.machine}.`,
    "",
    `CUDA device memory: ${deviceMemoryNote(results)}.`,
    "",
    `**Verdict: ${
      verdict.ok
        ? `no leak in the plain runs on ${
          ran.join(" and ") || "no backend"
        }; the injected leak was detected on each`
        : verdict.lines.join("; ")
    }.**`,
    "",
    "Growth per sample is the least-squares slope over the second half of each run (the first half is warm-up: pools fill, the heap settles). Exact counters decide the verdict (live tensors and their bytes, WebGPU buffers, CUDA memory); RSS and the WebAssembly heap are shown, not judged.",
    "",
    ...results.map((r) => backendSection(r, opts.leakBytes)),
    "## Where cache clearing cannot work",
    "",
    "- wasm: WebAssembly memory grows but never shrinks; the allocator reuses the memory of disposed tensors, so clearing has nothing to give back.",
    "- cpu: tensor data are JavaScript arrays freed by the garbage collector once disposed.",
    "- tfjs-node (CPU): TensorFlow's own CPU allocator pools nothing, so there is nothing of TensorFlow's to clear; the free pages malloc keeps after tensors are disposed are returned by the release's `malloc_trim(0)`, and come back with the next sample (returning them after every sample costs time: see the generate-call medians). With `TF_CPU_ALLOCATOR_USE_BFC=true` TensorFlow would keep a BFC pool that nothing outside can shrink.",
    "- tfjs-node-gpu: tfjs has no call to release TensorFlow's allocator cache. The guard's native `emptyCache` (a CUDA memory-pool trim) only frees TensorFlow's memory under `TF_GPU_ALLOCATOR=cuda_malloc_async` (the backend sets it unless the user chose another allocator); with TensorFlow's default BFC allocator nothing can be released from outside and memory is held until the process exits. tfjs-node-gpu needs an NVIDIA driver and the CUDA 11 / cuDNN 8 libraries `deno task build:tfjs-node --gpu` lays out, and otherwise runs on the CPU; `selectBackend` says which device really runs.",
    "",
  ].join("\n");
}
