/**
 * Distributed inference costs.
 *
 * - `ranks`: wall time of a whole `vlmeval eval` run with the CPU-bound BusyLoop model (about
 *   20 s of inference in one process), one process against `--nproc 2` (the speed-up of 2 ranks
 *   over 1 on this machine's cores). Every run starts from an empty work dir, so nothing is
 *   resumed.
 * - `start-up`: the same for 10 rows: what a run costs besides inference (Deno start-up, the
 *   supervisor and its two workers, the merge and scoring), paid once per run.
 * - `merge`: rank 0's work after inference for 100k rows in two ranks' journals: reading the
 *   journals, the completeness check of the shard wait, and writing the prediction file.
 *
 *   deno bench -A benchmarks/ranks_bench.ts
 *   deno bench -A benchmarks/ranks_bench.ts --filter merge
 */
import { mergePredictions, openTask, readJournals, waitForShards } from "@vlmeval/pipeline";
import { writePredictions } from "@vlmeval/report";
import { runCli } from "@vlmeval/cli/testing";
import { writeMcqTsv } from "@vlmeval/datasets/testing";

const SPEEDUP_ROWS = 5000;
const STARTUP_ROWS = 10;
const MERGE_ROWS = 100_000;

const dir = await Deno.makeTempDir({ prefix: "vlmeval_ranks_bench_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

await writeMcqTsv(`${dir}/Bench_MCQ.tsv`, SPEEDUP_ROWS);
await writeMcqTsv(`${dir}/Tiny_MCQ.tsv`, STARTUP_ROWS);
let runs = 0;

async function evalRun(extra: string[], data = "Bench_MCQ"): Promise<void> {
  const workDir = `${dir}/run${runs++}`;
  const out = await runCli(
    [
      "eval",
      "--model",
      "BusyLoop",
      "--data",
      `${dir}/${data}.tsv`,
      "--work-dir",
      workDir,
      "--quiet",
      ...extra,
    ],
    { env: { LMUData: dir } },
  );
  if (out.code !== 0) throw new Error(`vlmeval exited with ${out.code}: ${out.stderr}`);
  await Deno.remove(workDir, { recursive: true });
}

Deno.bench({
  name: `1 process, BusyLoop, ${SPEEDUP_ROWS} rows`,
  group: "ranks",
  baseline: true,
  n: 3,
  warmup: 1,
  // An async function, not one returning a promise: deno bench awaits only the former.
  fn: async () => await evalRun([]),
});

Deno.bench({
  name: `--nproc 2, BusyLoop, ${SPEEDUP_ROWS} rows`,
  group: "ranks",
  n: 3,
  warmup: 1,
  fn: async () => await evalRun(["--nproc", "2"]),
});

Deno.bench({
  name: `1 process, BusyLoop, ${STARTUP_ROWS} rows`,
  group: "start-up",
  baseline: true,
  n: 5,
  warmup: 1,
  fn: async () => await evalRun([], "Tiny_MCQ"),
});

Deno.bench({
  name: `--nproc 2, BusyLoop, ${STARTUP_ROWS} rows`,
  group: "start-up",
  n: 5,
  warmup: 1,
  fn: async () => await evalRun(["--nproc", "2"], "Tiny_MCQ"),
});

await writeMcqTsv(`${dir}/Merge_MCQ.tsv`, MERGE_ROWS);
const task = await openTask(`${dir}/Merge_MCQ.tsv`, { workDir: dir });
const journals = `${dir}/merge.journal`;
writeJournals(journals, MERGE_ROWS, 2);

/** Two ranks' journals, every row answered, as the shard loop writes them. */
function writeJournals(path: string, rows: number, worldSize: number): void {
  Deno.mkdirSync(path, { recursive: true });
  for (let rank = 0; rank < worldSize; rank++) {
    const lines: string[] = [];
    for (let i = rank; i < rows; i += worldSize) {
      lines.push(JSON.stringify({
        index: String(i),
        prediction: `The answer is ${"ABCD"[i % 4]}: the shape in the picture is a ${"circle"}.`,
        ok: true,
        ms: 8,
        rank,
        worldSize,
        time: 1_700_000_000_000 + i,
      }));
    }
    Deno.writeTextFileSync(`${path}/rank${rank}of${worldSize}.jsonl`, lines.join("\n") + "\n");
  }
}

Deno.bench({
  name: "read 2 journals, 100k records",
  group: "merge",
  n: 5,
  warmup: 1,
  fn: () => {
    const { records } = readJournals(journals);
    if (records.size !== MERGE_ROWS) throw new Error(`read ${records.size} records`);
  },
});

Deno.bench({
  name: "shard wait: read + completeness check, 100k rows",
  group: "merge",
  n: 5,
  warmup: 1,
  fn: async () => {
    await waitForShards({
      task,
      journalDir: journals,
      worldSize: 2,
      keepFailed: false,
      timeoutMs: 1000,
      since: 0,
    });
  },
});

for (const format of ["tsv", "xlsx"] as const) {
  Deno.bench({
    name: `merge 100k rows into ${format} (read journals, check, write)`,
    group: "merge",
    n: 3,
    warmup: 1,
    fn: async () => {
      const { records } = readJournals(journals);
      const out = `${dir}/merged.${format}`;
      await mergePredictions(
        task,
        records,
        out,
        (path, columns, rows) => writePredictions(path, columns, rows, format),
      );
    },
  });
}
