/**
 * End-to-end: one writer per (work dir, model, benchmark), through the real CLI. A second run
 * of the same benchmark while the first is alive refuses with the first named (pid, host) and
 * computes nothing; a lock whose holder is dead is taken over; a lock from another host of a
 * shared filesystem is respected while it is refreshed and taken over once it is not.
 */
import assert from "node:assert/strict";
import { EXIT_CODES } from "@vlmeval/schema";
import { WRITER_LOCK_STALE_MS } from "@vlmeval/pipeline";
import {
  cliCommand,
  journalPath,
  REPO,
  runProcess,
  waitFor,
  writeMcqTsv,
} from "./helpers/distributed_cli.ts";
import { journalIndices } from "./helpers/kill_resume.ts";
import { faultModelEnv, tempDirRunner } from "./helpers/temp_dir.ts";

const withTemp = tempDirRunner("vlmeval-lock-");

const faults = (config: object) => faultModelEnv(config);

function args(dir: string): string[] {
  const data = `${dir}/Bench.tsv`;
  return ["--model", "FaultInjection", "--data", data, "--work-dir", `${dir}/out`, "--quiet"];
}

function journalFile(dir: string): string {
  return `${journalPath(`${dir}/out`, "FaultInjection", "Bench")}/rank0of1.jsonl`;
}

Deno.test("a second run of a busy benchmark refuses, naming the first (pid, host), and computes nothing", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 60);
    const [command, ...prefix] = cliCommand();
    // 60 answers of 150 ms: longer than the few seconds a second run waits.
    const first = new Deno.Command(command, {
      args: [...prefix, ...args(dir)],
      cwd: REPO,
      env: faults({ delayMs: 150 }),
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await waitFor("the first run's answers", () => {
      try {
        return journalIndices(journalFile(dir)).length >= 2;
      } catch {
        return false;
      }
    });
    const second = await runProcess(args(dir), { env: faults({}) });
    assert.equal(second.code, EXIT_CODES.busy, second.stderr);
    assert.match(second.stderr, /is being written by pid \d+ .*: waiting up to 5 s/);
    assert.match(
      second.stderr,
      new RegExp(
        `Cannot run FaultInjection on Bench as another run is writing it in this work dir: ` +
          `pid ${first.pid} on ${Deno.hostname()} \\(rank 0 of 1, FaultInjection on Bench\\) ` +
          `since \\d{4}-`,
      ),
    );
    const firstRun = await first.output();
    assert.equal(firstRun.code, 0, new TextDecoder().decode(firstRun.stderr));
    // Every sample computed once, by the first run alone.
    const indices = journalIndices(journalFile(dir));
    assert.equal(indices.length, 60);
    assert.equal(new Set(indices).size, 60);
    const status = JSON.parse(Deno.readTextFileSync(`${dir}/out/FaultInjection/status.json`));
    assert.equal(status.datasets.Bench.status, "done", "the refused run left the entry alone");
  });
});

Deno.test("a writer lock left by a dead process is taken over", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 5);
    const journal = journalPath(`${dir}/out`, "FaultInjection", "Bench");
    await Deno.mkdir(journal, { recursive: true });
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    await Deno.writeTextFile(
      `${journal}/rank0of1.lock`,
      `${gone.pid}\n${Deno.hostname()}\ntoken\n2026-01-01T00:00:00.000Z\nrank 0 of 1\n`,
    );
    const run = await runProcess(args(dir), { env: faults({}) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`its holder, pid ${gone.pid} on this host, no longer`));
    assert.equal(journalIndices(journalFile(dir)).length, 5);
  });
});

Deno.test("a writer lock of another host is respected while fresh, taken over once stale", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 5);
    const journal = journalPath(`${dir}/out`, "FaultInjection", "Bench");
    await Deno.mkdir(journal, { recursive: true });
    const lock = `${journal}/rank0of1.lock`;
    await Deno.writeTextFile(lock, `4242\nnode17.cluster\ntoken\n`);
    const refused = await runProcess(args(dir), { env: faults({}) });
    assert.equal(refused.code, EXIT_CODES.busy, refused.stderr);
    assert.match(refused.stderr, /pid 4242 on node17\.cluster, refreshed \d+ s ago/);
    await Deno.writeTextFile(
      lock,
      `4242\nnode17.cluster\ntoken\n2026-01-01T00:00:00.000Z\nrank 0 of 1\n`,
    );
    const refusedAgain = await runProcess(args(dir), { env: faults({}) });
    assert.equal(refusedAgain.code, EXIT_CODES.busy, refusedAgain.stderr);
    assert.match(
      refused.stderr + refusedAgain.stderr,
      /pid 4242 on node17\.cluster \(rank 0 of 1\) since 2026-01-01T00:00:00\.000Z, refreshed/,
    );

    const old = new Date(Date.now() - WRITER_LOCK_STALE_MS - 60_000);
    await Deno.utime(lock, old, old);
    const run = await runProcess(args(dir), { env: faults({}) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /took over .*rank0of1\.lock: it was not refreshed for \d+ s/);
  });
});

Deno.test("a run with another world size beside a live run of the benchmark refuses", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 5);
    const journal = journalPath(`${dir}/out`, "FaultInjection", "Bench");
    await Deno.mkdir(journal, { recursive: true });
    // Rank 1 of a 2-rank run, alive on this host (this test process stands for it).
    await Deno.writeTextFile(
      `${journal}/rank1of2.lock`,
      `${Deno.pid}\n${Deno.hostname()}\ntoken\n2026-01-01T00:00:00.000Z\n` +
        `rank 1 of 2, FaultInjection on Bench\n`,
    );
    const run = await runProcess(args(dir), { env: faults({}) });
    assert.equal(run.code, EXIT_CODES.busy, run.stderr);
    assert.match(run.stderr, /\(rank 1 of 2, FaultInjection on Bench\)/);
    assert.throws(() => Deno.statSync(journalFile(dir)), Deno.errors.NotFound);
  });
});
