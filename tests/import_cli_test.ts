/**
 * End-to-end: resuming from a prediction file whose journals are gone (a VLMEvalKit result, or
 * ours copied elsewhere). Its answers are imported once, whole or not at all, before any rank
 * computes: a `kill -9` during the import, or two ranks starting at once, recompute nothing.
 */
import assert from "node:assert/strict";
import { writePredictions } from "@vlmeval/report";
import {
  cliCommand,
  journalLines,
  journalPath,
  predictionPath,
  REPO,
  runProcess,
  writeMcqTsv,
} from "./helpers/distributed_cli.ts";
import { cliArgs, tempDirRunner } from "./helpers/temp_dir.ts";

const withTemp = tempDirRunner("vlmeval-import-");

/** Rows enough that importing them takes a moment a kill can land in. */
const ROWS = 40_000;

/**
 * A prediction file of an earlier run (as VLMEvalKit writes it: the benchmark's columns and a
 * `prediction`) and no journals: what an import starts from. Returns the command line.
 */
async function predictionsWithoutJournals(dir: string): Promise<string[]> {
  await writeMcqTsv(`${dir}/Bench.tsv`, ROWS);
  const columns = ["index", "question", "A", "B", "C", "D", "answer", "category", "prediction"];
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    index: String(i),
    question: `Question ${i}: which shape is number ${(i * 7919) % 101}?`,
    A: "circle",
    B: "square",
    C: "triangle",
    D: "star",
    answer: "ABCD"[i % 4],
    category: `cat${i % 3}`,
    prediction: "A",
  }));
  const file = predictionPath(`${dir}/out`, "ConstantAnswer", "Bench", "tsv");
  await Deno.mkdir(`${dir}/out/ConstantAnswer`, { recursive: true });
  await writePredictions(file, columns, rows);
  return cliArgs(dir, "ConstantAnswer", "--mode", "infer", "--format", "tsv", "--quiet");
}

/** Answers the ranks of `worldSize` computed (their journals' lines): 0 when all were reused. */
function recomputed(dir: string, worldSize: number): number {
  const journal = journalPath(`${dir}/out`, "ConstantAnswer", "Bench");
  let lines = 0;
  for (let rank = 0; rank < worldSize; rank++) lines += journalLines(journal, rank, worldSize);
  return lines;
}

Deno.test("kill -9 during the one-time import of a prediction file recomputes nothing", async () => {
  await withTemp(async (dir) => {
    const args = await predictionsWithoutJournals(dir);
    const journal = journalPath(`${dir}/out`, "ConstantAnswer", "Bench");
    const [command, ...prefix] = cliCommand();
    const child = new Deno.Command(command, {
      args: [...prefix, ...args],
      cwd: REPO,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    // The import has begun once its lock (or, without one, its file) appears: kill it there.
    let seen = false;
    while (!seen) {
      try {
        seen = [...Deno.readDirSync(journal)].some((e) =>
          /^(import\.lock|prev\.jsonl)$/.test(e.name)
        );
      } catch { /* not there yet */ }
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    child.kill("SIGKILL");
    await child.status;

    const rerun = await runProcess(args);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(recomputed(dir, 1), 0, "every answer came from the imported file");
    assert.match(rerun.stderr, new RegExp(`0 done, ${ROWS} reused`));
    const prev = Deno.readTextFileSync(`${journal}/prev.jsonl`).trim().split("\n");
    assert.equal(prev.length, ROWS, "the import is whole");
  });
});

Deno.test("--nproc 2: the ranks import a prediction file once and recompute nothing", async () => {
  await withTemp(async (dir) => {
    const args = await predictionsWithoutJournals(dir);
    const run = await runProcess([...args, "--nproc", "2"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(recomputed(dir, 2), 0, "neither rank computed an answer the file held");
    assert.match(run.stderr, new RegExp(`\\[rank 0\\] .*0 done, ${ROWS / 2} reused`));
    assert.match(run.stderr, new RegExp(`\\[rank 1\\] .*0 done, ${ROWS / 2} reused`));
    assert.equal(run.stderr.match(/reusing \d+ predictions from/g)?.length, 1, "imported once");
    assert.ok(Deno.statSync(predictionPath(`${dir}/out`, "ConstantAnswer", "Bench", "tsv")).isFile);
  });
});
