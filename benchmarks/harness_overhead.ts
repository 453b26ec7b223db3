/**
 * Harness overhead per sample at 10k and 100k rows, with a model that answers at once: the
 * cost of the evaluation loop itself (prompt building with image decoding, journaling every
 * sample, merge into the prediction file, scoring). Each size runs in a fresh process, so the
 * peak RSS is that run's own. Prints ms per sample, the 100k/10k time ratio (10 means linear)
 * and peak RSS.
 *
 * With `--baseline DIR` (a checkout of an earlier commit, set up with `deno install`), each
 * size also runs DIR's own worker, alternating with this tree's, and the ratios are printed:
 * before/after in one run on the same machine load. With `--runs N` each size runs N times
 * (alternating with the baseline's) and every figure is the median of its N runs: on a shared
 * machine one run of a size can be off by a third.
 *
 * With `--vlmevalkit DIR` (a VLMEvalKit checkout; `--python PATH` names a Python that imports it,
 * torch included) VLMEvalKit's own harness runs once on the same benchmark at the sizes of
 * `--vlmevalkit-sizes` (default 10000: its loop grows quadratically, so 100k rows take the better
 * part of an hour): `build_dataset`, `infer_data_job` and `evaluate` with exact matching
 * (`_vlmevalkit_harness.py`). Its peak RSS is printed beside its RSS once its imports are loaded.
 *
 * With `--tmp DIR` the runs work under DIR instead of the system's temporary folder: `/dev/shm`
 * (memory) takes the disk out of the figures, where a virtual disk busy writing back an earlier
 * run's files can double a run's time.
 *
 * With `--answer-chars N` the model answers N characters ("A. because because ..."), as a model
 * that explains itself does: memory should not grow with the answers' length. A baseline's
 * worker from before this option ignores it and answers "A": to compare, copy this tree's
 * worker into the baseline.
 *
 * Each run gets its benchmark file from a process of its own, so the measured
 * process holds only the harness's work; its RSS once its modules are loaded is printed as
 * "start RSS" (what any run pays), the peak beside it. Each tree's worker runs with the V8
 * settings its CLI runs with (`CLI_V8_FLAGS`; none before issue 19 added them), and this tree's
 * with the CLI's periodic full collections (`VLMEVAL_GC_EVERY_MS=0` measures without them).
 *
 * Usage: deno run -A benchmarks/harness_overhead.ts [--baseline DIR] [--runs N] [--tmp DIR]
 *          [--answer-chars N] [--vlmevalkit DIR [--python PATH] [--vlmevalkit-sizes N,...]]
 *          [format=xlsx] [sizes=10000,100000]
 *   format  prediction file format: xlsx, tsv or json
 *   sizes   comma-separated row counts, one fresh process each
 * Exit: 0 measured; 1 when a run fails; 2 for a bad argument.
 */
import { CLI_V8_FLAGS } from "@vlmeval/cli/testing";
import { parseScriptArgs, usageError } from "../scripts/_script_help.ts";

const FORMATS = ["xlsx", "tsv", "json"];
const { values, positionals } = parseScriptArgs(import.meta, {
  baseline: { type: "string" },
  runs: { type: "string" },
  vlmevalkit: { type: "string" },
  python: { type: "string", default: "python3" },
  "vlmevalkit-sizes": { type: "string", default: "10000" },
  tmp: { type: "string" },
  "answer-chars": { type: "string", default: "1" },
}, { positionals: 2 });
const baseline = values.baseline as string | undefined;
const runsText = (values.runs as string | undefined) ?? "1";
const runs = Number(runsText);
if (!Number.isInteger(runs) || runs < 1) {
  usageError(import.meta, `--runs must be a positive integer: current value is ${runsText}`);
}
const answerChars = Number(values["answer-chars"]);
if (!Number.isInteger(answerChars) || answerChars < 1) {
  usageError(
    import.meta,
    `--answer-chars must be a positive integer: current value is ${values["answer-chars"]}`,
  );
}
const format = positionals[0] ?? "xlsx";
if (!FORMATS.includes(format)) {
  usageError(
    import.meta,
    `format must be one of ${FORMATS.join(", ")}: current value is ${format}`,
  );
}
const sizesText = positionals[1] ?? "10000,100000";
const sizes = sizesText.split(",").map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
  usageError(
    import.meta,
    `sizes must be comma-separated positive integers: current value is ${sizesText}`,
  );
}
const vlmevalkit = values.vlmevalkit as string | undefined;
const vlmevalkitSizes = String(values["vlmevalkit-sizes"]).split(",").map(Number);
if (vlmevalkitSizes.some((n) => !Number.isInteger(n) || n < 1)) {
  usageError(import.meta, `--vlmevalkit-sizes must be comma-separated positive integers`);
}
const worker = new URL("./_harness_worker.ts", import.meta.url).pathname;
const baselineWorker = baseline ? `${baseline}/benchmarks/_harness_worker.ts` : undefined;

/**
 * The V8 settings the CLI of `dir` runs with (`CLI_V8_FLAGS`), so that each tree is measured as
 * its users run it; none for a tree from before they existed.
 */
async function cliV8Flags(dir: string): Promise<string[]> {
  try {
    const module = await import(new URL(`file://${dir}/packages/cli/permissions.ts`).href);
    return typeof module.CLI_V8_FLAGS === "string" ? [module.CLI_V8_FLAGS] : [];
  } catch {
    return [];
  }
}
const baselineV8Flags = baseline ? await cliV8Flags(baseline) : [];

/**
 * Every run's work dir stays until the end: ext4 skips inodes freed in the last 30 seconds when
 * it places a new file (`recently_deleted`), so a run that starts right after the previous run's
 * 10k image files were deleted pays a bitmap scan per file it creates (measured: 0.3-0.9 ms a
 * file instead of 0.03) and its time says more about the deletion than about the harness.
 */
const workRoot = await Deno.makeTempDir({
  prefix: "vlmeval-harness-",
  dir: values.tmp as string | undefined,
});

/**
 * Flushes what the last run wrote (`sync`): its thousands of image files would otherwise be
 * written back while the next run works, and slow that run's own file calls (measured: a run
 * after the pre-issue-19 worker's took twice as long as one after its own).
 */
function settleDisk(): void {
  try {
    new Deno.Command("sync").outputSync();
  } catch {
    // no sync command: runs may disturb each other a little more
  }
}

interface Measure {
  rows: number;
  totalMs: number;
  inferMs: number;
  openMs: number;
  peakRssMiB: number;
  exitCode: number;
  /** VLMEvalKit's runs: scoring time, and RSS once its imports are loaded. */
  evalMs?: number;
  importsRssMiB?: number;
  /** This tree's runs: RSS once the modules are loaded, before any work. */
  startRssMiB?: number;
}

async function measure(
  rows: number,
  script: string,
  cwd?: string,
  python?: { command: string; checkout: string },
): Promise<Measure> {
  const dir = await Deno.makeTempDir({ dir: workRoot, prefix: "run-" });
  const command = python
    ? new Deno.Command(python.command, {
      args: [script, python.checkout, String(rows), dir, format],
      cwd: dir,
      stderr: "null",
    })
    : new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        ...(script === worker ? [CLI_V8_FLAGS] : baselineV8Flags),
        script,
        String(rows),
        dir,
        format,
        String(answerChars),
      ],
      cwd,
      stderr: "inherit",
    });
  if (!python) {
    // This tree's worker makes the file for both trees (a worker from before --generate makes
    // its own again).
    const made = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", worker, "--generate", String(rows), dir],
      stderr: "inherit",
    }).output();
    if (!made.success) throw new Error(`Making the ${rows}-row benchmark exited with ${made.code}`);
  }
  const out = await command.output();
  if (!out.success) throw new Error(`The ${rows}-row run of ${script} exited with ${out.code}`);
  settleDisk();
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!;
  const m = JSON.parse(line) as Measure;
  if (m.exitCode !== 0) throw new Error(`The ${rows}-row run exited with ${m.exitCode}`);
  return m;
}

/** Each figure's median over the runs of one size. */
function median(list: Measure[]): Measure {
  const mid = (pick: (m: Measure) => number) => {
    const sorted = list.map(pick).sort((a, b) => a - b);
    const k = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[k] : (sorted[k - 1] + sorted[k]) / 2;
  };
  return {
    rows: list[0].rows,
    totalMs: mid((m) => m.totalMs),
    inferMs: mid((m) => m.inferMs),
    openMs: mid((m) => m.openMs),
    peakRssMiB: mid((m) => m.peakRssMiB),
    startRssMiB: list[0].startRssMiB === undefined ? undefined : mid((m) => m.startRssMiB ?? 0),
    exitCode: 0,
  };
}

const results: Measure[] = [];
const before: Measure[] = [];
const vlmevalkitResults: Measure[] = [];
try {
  for (const rows of sizes) {
    const ours: Measure[] = [];
    const theirs: Measure[] = [];
    for (let run = 0; run < runs; run++) {
      if (baselineWorker) theirs.push(await measure(rows, baselineWorker, baseline));
      ours.push(await measure(rows, worker));
    }
    if (baselineWorker) before.push(median(theirs));
    results.push(median(ours));
  }
  if (vlmevalkit) {
    const script = new URL("./_vlmevalkit_harness.py", import.meta.url).pathname;
    const python = { command: String(values.python), checkout: vlmevalkit };
    for (const rows of vlmevalkitSizes) {
      vlmevalkitResults.push(await measure(rows, script, undefined, python));
    }
  }
} finally {
  await Deno.remove(workRoot, { recursive: true });
}

function table(title: string, list: Measure[]): void {
  console.log(title);
  console.log(
    "rows      total s   ms/sample (all)   ms/sample (infer loop)   peak RSS MiB   start RSS MiB",
  );
  for (const m of list) {
    console.log(
      `${String(m.rows).padEnd(9)} ${(m.totalMs / 1000).toFixed(2).padStart(7)}   ${
        (m.totalMs / m.rows).toFixed(3).padStart(15)
      }   ${(m.inferMs / m.rows).toFixed(3).padStart(22)}   ${
        m.peakRssMiB.toFixed(0).padStart(12)
      }   ${(m.startRssMiB?.toFixed(0) ?? "-").padStart(13)}`,
    );
  }
  if (list.length === 2) {
    const [a, b] = list;
    console.log(
      `time ratio ${b.rows}/${a.rows} rows: ${(b.totalMs / a.totalMs).toFixed(2)} ` +
        `(rows ratio ${(b.rows / a.rows).toFixed(0)}; equal means linear)`,
    );
  }
}

const load = Deno.loadavg().map((l) => l.toFixed(1)).join(" ");
const of = runs > 1 ? `, median of ${runs} runs` : "";
const answered = answerChars > 1 ? `, ${answerChars}-character answers` : "";
table(
  `harness overhead, format ${format}, ConstantAnswer model${answered}${of} (load ${load})`,
  results,
);
if (before.length > 0) {
  table(`baseline ${baseline}`, before);
  for (const [k, m] of results.entries()) {
    const b = before[k];
    console.log(
      `${m.rows} rows: total ${(b.totalMs / m.totalMs).toFixed(2)}x faster, infer loop ${
        (b.inferMs / m.inferMs).toFixed(2)
      }x faster, peak RSS ${b.peakRssMiB.toFixed(0)} -> ${m.peakRssMiB.toFixed(0)} MiB`,
    );
  }
}
if (vlmevalkitResults.length > 0) {
  table(`VLMEvalKit ${vlmevalkit} (one run each)`, vlmevalkitResults);
  for (const v of vlmevalkitResults) {
    const m = results.find((r) => r.rows === v.rows);
    const growth = v.peakRssMiB - (v.importsRssMiB ?? 0);
    console.log(
      `${v.rows} rows: VLMEvalKit scoring ${(v.evalMs! / 1000).toFixed(1)} s, RSS ${
        v.importsRssMiB!.toFixed(0)
      } MiB once imported, +${growth.toFixed(0)} MiB to its peak` +
        (m
          ? `; ours ${(v.totalMs / m.totalMs).toFixed(1)}x faster in all, ${
            (v.inferMs / m.inferMs).toFixed(1)
          }x in the infer loop, peak RSS ${m.peakRssMiB.toFixed(0)} against ${
            v.peakRssMiB.toFixed(0)
          } MiB`
          : ""),
    );
  }
}
