/**
 * End-to-end: Ctrl-C and SIGTERM through the real CLI, with real signals. The first interrupt
 * stops the run: no new sample starts, a sample in flight finishes or is dropped (never
 * recorded as a failure), exit 130 with a resume hint. Under `--nproc` the supervisor passes one
 * interrupt on once, workers stop cleanly and rank 0 records why the run stopped.
 */
import assert from "node:assert/strict";
import { EXIT_CODES } from "@vlmeval/schema";
import { readJournals } from "@vlmeval/pipeline";
import { startLoopbackVllmServer, vllmChatCompletion } from "@vlmeval/models/testing";
import {
  cliCommand,
  journalPath,
  pidsWithEnv,
  REPO,
  runProcess,
  waitFor,
  writeMcqTsv,
} from "./helpers/distributed_cli.ts";
import { cliArgs, faultModelEnv, tempDirRunner } from "./helpers/temp_dir.ts";

const withTemp = tempDirRunner("vlmeval-interrupt-");

const faults = (config: object) => faultModelEnv(config);

/** Records in every journal of the job, answers and failures. */
function journalRecords(dir: string, model: string, data = "Bench") {
  return [...readJournals(journalPath(`${dir}/out`, model, data)).records.values()];
}

/** Starts the CLI (its own process group when `group`), returning the child and its stderr. */
function start(args: string[], env: Record<string, string>, group = false) {
  const [command, ...prefix] = cliCommand();
  return new Deno.Command(command, {
    args: [...prefix, ...args],
    cwd: REPO,
    env,
    detached: group,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(child: Deno.ChildProcess) {
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("an interrupt inside generate drops the sample, records no failure, exits 130 and says how to resume", async (t) => {
  for (
    const [name, signal, extra] of [
      ["Ctrl-C (SIGINT)", "SIGINT", []],
      ["SIGTERM (a scheduler's pre-emption)", "SIGTERM", []],
      ["Ctrl-C under --skip-err", "SIGINT", ["--skip-err"]],
    ] as const
  ) {
    await t.step(name, () =>
      withTemp(async (dir) => {
        await writeMcqTsv(`${dir}/Bench.tsv`, 30);
        const args = cliArgs(dir, "FaultInjection", "--quiet", ...extra);
        // Each answer takes 300 ms inside generate: the interrupt lands in one.
        const child = start(args, faults({ delayMs: 300 }));
        await waitFor("two answers", () => journalRecords(dir, "FaultInjection").length >= 2);
        // The third sample starts after a turn of the event loop, which may run a periodic
        // collection first (a pause of milliseconds): 100 ms on, it is well inside its 300.
        await new Promise((resolve) => setTimeout(resolve, 100));
        child.kill(signal);
        const run = await finish(child);
        assert.equal(run.code, EXIT_CODES.interrupted, run.stderr);
        assert.match(run.stderr, /no new sample starts; samples in flight finish or are dropped/);
        assert.match(run.stderr, /dropped, not recorded; .*run the same command again to resume/);
        assert.doesNotMatch(run.stderr, /--skip-err to record failures/);
        const records = journalRecords(dir, "FaultInjection");
        assert.deepEqual(records.filter((r) => !r.ok), [], "nothing recorded as a failure");
        const kept = records.length;
        assert.ok(kept < 30, `${kept} answers: the run stopped early`);

        const rerun = await runProcess(args, { env: faults({}) });
        assert.equal(rerun.code, 0, rerun.stderr);
        assert.match(rerun.stderr, new RegExp(`${30 - kept} done, ${kept} reused, 0 failed`));
      }));
  }
});

Deno.test("an interrupt while a served model's requests are in flight drops them and exits 130", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 12);
    // The first four answers come at once, then every reply takes 5 s.
    const server = startLoopbackVllmServer((req) => ({
      body: vllmChatCompletion("A"),
      delayMs: req.n < 4 ? 0 : 5_000,
    }));
    try {
      const args = [
        "--model",
        "served-model",
        "--base-url",
        server.baseUrl,
        "--data",
        `${dir}/Bench.tsv`,
        "--work-dir",
        `${dir}/out`,
        "--api-nproc",
        "2",
        "--quiet",
      ];
      const child = start(args, {});
      await waitFor("four answers", () => journalRecords(dir, "served-model").length >= 4);
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill("SIGINT");
      const run = await finish(child);
      assert.equal(run.code, EXIT_CODES.interrupted, run.stderr);
      assert.match(run.stderr, /2 samples in flight were dropped, not recorded/);
      const records = journalRecords(dir, "served-model");
      assert.equal(records.length, 4);
      assert.ok(records.every((r) => r.ok), "no request in flight recorded as a failure");
    } finally {
      await server.close();
    }
  });
});

Deno.test("--nproc 2: one Ctrl-C reaches each worker once, they stop cleanly and rank 0 records it", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 40);
    const marker = crypto.randomUUID();
    const args = cliArgs(dir, "FaultInjection", "--nproc", "2");
    // The supervisor leads its own process group, as a shell's foreground job does.
    const child = start(args, { ...faults({ delayMs: 300 }), VLMEVAL_TEST_RUN: marker }, true);
    await waitFor("answers on both ranks", () => {
      const ranks = new Set(journalRecords(dir, "FaultInjection").map((r) => r.rank));
      return ranks.size === 2;
    });
    // A terminal's Ctrl-C under `deno task`: the whole group, then the task runner's forward.
    Deno.kill(-child.pid, "SIGINT");
    child.kill("SIGINT");
    const run = await finish(child);
    assert.equal(run.code, EXIT_CODES.interrupted, run.stderr);
    // Each worker saw one interrupt: it stopped cleanly, it did not quit at once.
    assert.doesNotMatch(run.stderr, /again: quitting at once/);
    assert.equal(run.stderr.match(/\[rank \d\] vlmeval: SIGINT: stopping/g)?.length, 2, run.stderr);
    assert.deepEqual(journalRecords(dir, "FaultInjection").filter((r) => !r.ok), []);
    const status = JSON.parse(Deno.readTextFileSync(`${dir}/out/FaultInjection/status.json`));
    assert.equal(status.datasets.Bench.status, "incomplete");
    assert.equal(status.datasets.Bench.exit_code, EXIT_CODES.interrupted);
    assert.match(status.datasets.Bench.error_message, /^Interrupted/);
    assert.deepEqual(pidsWithEnv({ VLMEVAL_TEST_RUN: marker }), [], "no worker is left");
  });
});

Deno.test("--nproc 2: a rank whose sample fails is not restarted, and status.json records its cause", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 20);
    // Index 5 sits at position 5: rank 1's shard.
    const run = await runProcess(cliArgs(dir, "FaultInjection", "--nproc", "2"), {
      env: faults({ delayMs: 100, failOn: ["5"] }),
    });
    assert.equal(run.code, EXIT_CODES.sampleFailed, run.stderr);
    assert.equal(run.stderr.match(/\[supervisor\] rank 1 started/g)?.length, 1, run.stderr);
    assert.match(run.stderr, /rank 1 exited with code 1; not restarting/);
    const status = JSON.parse(Deno.readTextFileSync(`${dir}/out/FaultInjection/status.json`));
    assert.equal(status.datasets.Bench.exit_code, EXIT_CODES.sampleFailed);
    assert.match(
      status.datasets.Bench.error_message,
      /^rank 1 of 2 stopped: Sample 5 failed \(RangeError: injected failure on sample 5\)/,
    );
    // Sample 5's failure is recorded once (no restart tried it again).
    const failures = journalRecords(dir, "FaultInjection").filter((r) => !r.ok);
    assert.deepEqual(failures.map((r) => r.index), ["5"]);
  });
});

Deno.test("a Ctrl-C under deno task (the terminal's and the task runner's SIGINT at once) is one interrupt", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 30);
    const args = cliArgs(dir, "FaultInjection", "--quiet");
    const child = start(args, faults({ delayMs: 300 }), true);
    await waitFor("two answers", () => journalRecords(dir, "FaultInjection").length >= 2);
    Deno.kill(-child.pid, "SIGINT");
    child.kill("SIGINT");
    const run = await finish(child);
    assert.equal(run.code, EXIT_CODES.interrupted, run.stderr);
    assert.doesNotMatch(run.stderr, /again: quitting at once/);
    assert.match(run.stderr, /run the same command again to resume/);
    assert.match(run.stdout, /Summary:/, "the run ended cleanly, with its summary");
  });
});
