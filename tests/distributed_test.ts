/**
 * `vlmeval eval --nproc N` end to end, with the real CLI and real worker processes: the merged
 * predictions of 2 and 3 ranks equal a single process's cell by cell; a worker killed with
 * SIGKILL mid-run is restarted, resumes from its journal and the result is still exact; Ctrl-C
 * stops every worker and a rerun with another world size finishes exactly; rank 0 alone times
 * out naming the missing rank.
 */
import assert from "node:assert/strict";
import { EXIT_CODES } from "@vlmeval/schema";
import {
  cliCommand,
  journalLines,
  journalPath,
  pidsWithEnv,
  predictionCells,
  predictionPath,
  REPO,
  runProcess,
  waitFor,
  writeMcqTsv,
} from "./helpers/distributed_cli.ts";

const MODEL = "BusyLoop";
const DATA = "Dist_MCQ";
const ROWS = 240;

/**
 * Every run uses the same work dir, so the decoded images have the same paths and the prompts
 * are byte-identical (BusyLoop hashes the prompt, image paths included); after a run its model
 * folder is moved to `<dir>/<label>` with {@link keep}.
 */
function evalArgs(dir: string, ...extra: string[]): string[] {
  return [
    "eval",
    "--model",
    MODEL,
    "--data",
    `${dir}/${DATA}.tsv`,
    "--work-dir",
    `${dir}/work`,
    "--quiet",
    ...extra,
  ];
}

/** Moves the last run's outputs to `<dir>/<label>/<model>`; returns `<dir>/<label>`. */
function keep(dir: string, label: string): string {
  Deno.mkdirSync(`${dir}/${label}`);
  Deno.renameSync(`${dir}/work/${MODEL}`, `${dir}/${label}/${MODEL}`);
  return `${dir}/${label}`;
}

function journalFiles(workDir: string): string[] {
  return [...Deno.readDirSync(journalPath(workDir, MODEL, DATA))]
    .map((e) => e.name).filter((n) => n.endsWith(".jsonl")).sort();
}

/** Parseable records and distinct indices in one rank's journal. */
function journalRecords(dir: string, rank: number, worldSize: number) {
  const text = Deno.readTextFileSync(`${dir}/rank${rank}of${worldSize}.jsonl`);
  const records = text.split("\n").flatMap((line) => {
    try {
      return [JSON.parse(line) as { index: string }];
    } catch {
      return [];
    }
  });
  return { records: records.length, indices: new Set(records.map((r) => r.index)) };
}

function spawnCli(args: string[], env: Record<string, string>) {
  const [command, ...prefix] = cliCommand();
  return new Deno.Command(command, {
    args: [...prefix, ...args],
    cwd: REPO,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function equalForTwoAndThreeRanks(dir: string, expected: string[][]) {
  for (const nproc of [2, 3]) {
    const out = await runProcess(evalArgs(dir, "--nproc", String(nproc)), {
      env: { LMUData: dir },
    });
    assert.equal(out.code, 0, out.stderr);
    const kept = keep(dir, `nproc${nproc}`);
    assert.deepEqual(
      await predictionCells(predictionPath(kept, MODEL, DATA)),
      expected,
      `--nproc ${nproc}`,
    );
    assert.deepEqual(
      journalFiles(kept),
      Array.from({ length: nproc }, (_, r) => `rank${r}of${nproc}.jsonl`),
    );
  }
}

async function killedWorkerRestarts(dir: string, expected: string[][]) {
  const tag = crypto.randomUUID();
  const journals = journalPath(`${dir}/work`, MODEL, DATA);
  const child = spawnCli(evalArgs(dir, "--nproc", "2"), {
    LMUData: dir,
    VLMEVAL_TEST_TAG: tag,
  });
  const output = child.output();
  await waitFor("rank 1 to journal 3 samples", () => journalLines(journals, 1, 2) >= 3);
  const [pid] = pidsWithEnv({ VLMEVAL_TEST_TAG: tag, VLMEVAL_WORKER: "1", VLMEVAL_RANK: "1" });
  assert.ok(pid, "the rank 1 worker was not found");
  Deno.kill(pid, "SIGKILL");
  const done = journalLines(journals, 1, 2);
  const out = await output;
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  assert.match(stderr, /rank 1 was killed by SIGKILL; restarting/);
  const kept = keep(dir, "killed");
  assert.deepEqual(await predictionCells(predictionPath(kept, MODEL, DATA)), expected);
  // Resumed, not redone: every sample of rank 1's shard is journaled exactly once.
  const rank1 = journalRecords(journalPath(kept, MODEL, DATA), 1, 2);
  assert.equal(rank1.indices.size, ROWS / 2);
  assert.equal(rank1.records, ROWS / 2);
  assert.ok(done < ROWS / 2, "rank 1 had finished before it was killed; make the run longer");
}

async function interruptThenResumeWithTwo(dir: string, expected: string[][]) {
  const tag = crypto.randomUUID();
  const journals = journalPath(`${dir}/work`, MODEL, DATA);
  const child = spawnCli(evalArgs(dir, "--nproc", "3"), {
    LMUData: dir,
    VLMEVAL_TEST_TAG: tag,
  });
  const output = child.output();
  await waitFor(
    "every rank to journal a sample",
    () => [0, 1, 2].every((r) => journalLines(journals, r, 3) >= 1),
  );
  child.kill("SIGINT");
  const out = await output;
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, EXIT_CODES.interrupted, stderr);
  assert.deepEqual(pidsWithEnv({ VLMEVAL_TEST_TAG: tag }), [], "a worker outlived Ctrl-C");
  assert.ok(
    [0, 1, 2].some((r) => journalLines(journals, r, 3) < ROWS / 3),
    "the run finished before Ctrl-C; make it longer",
  );

  const rerun = await runProcess(evalArgs(dir, "--nproc", "2"), { env: { LMUData: dir } });
  assert.equal(rerun.code, 0, rerun.stderr);
  const kept = keep(dir, "interrupted");
  assert.deepEqual(await predictionCells(predictionPath(kept, MODEL, DATA)), expected);
}

async function aloneTimesOut(dir: string) {
  const out = await runProcess(
    evalArgs(dir, "--rank", "0", "--world-size", "2", "--rank-timeout", "1"),
    { env: { LMUData: dir } },
  );
  assert.equal(out.code, EXIT_CODES.rankTimeout, out.stderr);
  assert.match(out.stderr, /ranks 1 \(120 samples missing\) of 2/);
  keep(dir, "alone");
}

Deno.test("vlmeval eval --nproc: exact results with 1, 2, 3 ranks, restarts and interrupts", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_distributed_" });
  try {
    await writeMcqTsv(`${dir}/${DATA}.tsv`, ROWS);
    const single = await runProcess(evalArgs(dir), { env: { LMUData: dir } });
    assert.equal(single.code, 0, single.stderr);
    const expected = await predictionCells(predictionPath(keep(dir, "single"), MODEL, DATA));
    assert.equal(expected.length, ROWS + 1);
    await t.step(
      "--nproc 2 and --nproc 3 give exactly the single-process predictions",
      () => equalForTwoAndThreeRanks(dir, expected),
    );
    await t.step(
      "--nproc 2: a worker killed with SIGKILL is restarted, resumes, exact",
      () => killedWorkerRestarts(dir, expected),
    );
    await t.step(
      "--nproc 3: Ctrl-C stops every worker; a rerun with --nproc 2 is exact",
      () => interruptThenResumeWithTwo(dir, expected),
    );
    await t.step("rank 0 of 2 alone times out naming the missing rank", () => aloneTimesOut(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
