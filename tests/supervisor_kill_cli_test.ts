/**
 * End-to-end: `kill -9` of the `--nproc` supervisor alone, under `--quiet` as batch jobs run it.
 * Its workers end with it (their stdin closes), a rerun started at once never runs beside one
 * of them (the writer lock), no sample is computed twice and no temporary file is left.
 */
import assert from "node:assert/strict";
import { walk } from "./helpers/walk.ts";
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
import { journalIndices, runWithRandomKills } from "./helpers/kill_resume.ts";
import { faultModelEnv, tempDirRunner } from "./helpers/temp_dir.ts";

const withTemp = tempDirRunner("vlmeval-supervisor-kill-");

const faults = (config: object) => faultModelEnv(config, "BusyLoop");

/** Every index journaled by the 2-rank run, in order of the files. */
function computed(journal: string): string[] {
  return [0, 1].flatMap((rank) => {
    try {
      return journalIndices(`${journal}/rank${rank}of2.jsonl`);
    } catch {
      return [];
    }
  });
}

/** Temporary files anywhere under `dir` (what a killed writer leaves). */
function temporaryFiles(dir: string): string[] {
  return walk(dir).filter((path) => path.endsWith(".tmp"));
}

function startSupervisor(args: string[], env: Record<string, string>): Deno.ChildProcess {
  const [command, ...prefix] = cliCommand();
  return new Deno.Command(command, {
    args: [...prefix, ...args],
    cwd: REPO,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

Deno.test("kill -9 of the --nproc supervisor under --quiet ends its workers; the rerun computes nothing twice", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 120);
    const marker = crypto.randomUUID();
    const env = { ...faults({ delayMs: 100 }), VLMEVAL_TEST_RUN: marker };
    const work = `${dir}/out`;
    const args = [
      "--model",
      "FaultInjection",
      "--data",
      `${dir}/Bench.tsv`,
      "--work-dir",
      work,
      "--nproc",
      "2",
      "--quiet",
    ];
    const journal = journalPath(work, "FaultInjection", "Bench");
    const supervisor = startSupervisor(args, env);
    await waitFor(
      "answers on both ranks",
      () => journalLines(journal, 0, 2) >= 3 && journalLines(journal, 1, 2) >= 3,
    );
    supervisor.kill("SIGKILL");
    await supervisor.status;
    // Rerun at once, as a batch system's retry does: never beside a worker of the killed run.
    const rerun = await runProcess(args, { env });
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.deepEqual(pidsWithEnv({ VLMEVAL_TEST_RUN: marker }), [], "no worker outlived its run");
    const indices = computed(journal);
    assert.equal(indices.length, 120, "each sample computed once");
    assert.equal(new Set(indices).size, 120);
    assert.deepEqual(temporaryFiles(dir), []);
  });
});

Deno.test("kill-and-resume: the supervisor alone killed at random instants, rerun at once each time", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 80);
    const marker = crypto.randomUUID();
    const env = { ...faults({ delayMs: 40 }), VLMEVAL_TEST_RUN: marker };
    const base = ["--model", "FaultInjection", "--data", `${dir}/Bench.tsv`, "--quiet"];
    const clean = await runProcess([...base, "--work-dir", `${dir}/clean`], { env: faults({}) });
    assert.equal(clean.code, 0, clean.stderr);

    const work = `${dir}/killed`;
    const journal = journalPath(work, "FaultInjection", "Bench");
    const answered = () => journalLines(journal, 0, 2) + journalLines(journal, 1, 2);
    const args = [...base, "--work-dir", work, "--nproc", "2"];
    const kills = await runWithRandomKills(args, env, {
      attempts: 5,
      minMs: 600,
      maxMs: 2600,
      progress: { answered, total: 80 },
    });
    const final = await runProcess(args, { env });
    assert.equal(final.code, 0, final.stderr);
    assert.ok(kills >= 1, "at least one supervisor was killed");
    await waitFor("no worker left", () => pidsWithEnv({ VLMEVAL_TEST_RUN: marker }).length === 0);
    const indices = computed(journal);
    assert.equal(indices.length, 80, "no sample computed twice");
    assert.equal(new Set(indices).size, 80);
    assert.deepEqual(temporaryFiles(dir), []);
    assert.deepEqual(
      await predictionCells(predictionPath(work, "FaultInjection", "Bench")),
      await predictionCells(predictionPath(`${dir}/clean`, "FaultInjection", "Bench")),
    );
  });
});
