import assert from "node:assert/strict";
import { EXIT_CODES } from "@vlmeval/schema";
import { PROGRESS_MARKER, type ProgressReport } from "./progress_marker.ts";
import {
  exitAction,
  type LocalRanksOptions,
  runLocalRanks,
  type SupervisorEvent,
} from "./supervisor.ts";

/**
 * A real worker process (`deno eval`): it logs its start (pid and rank variables) to
 * `$TEST_DIR/rank<r>.log`, then does step `attempt` of its rank's plan in `$TEST_PLAN`:
 * an exit code, "KILL"/"ABRT" (kills itself with that signal; Deno survives a SIGSEGV sent by
 * kill(2), so ABRT stands in for a native crash), "hang" (until SIGTERM, then exits
 * 130) or "stubborn" (ignores SIGTERM).
 */
const WORKER = `
const dir = Deno.env.get("TEST_DIR");
const rank = Deno.env.get("VLMEVAL_RANK");
const plan = JSON.parse(Deno.env.get("TEST_PLAN"))[rank] ?? [0];
const log = dir + "/rank" + rank + ".log";
let attempt = 0;
try { attempt = Deno.readTextFileSync(log).split("\\n").filter(Boolean).length; } catch {}
const step = plan[Math.min(attempt, plan.length - 1)];
if (step === "hang") Deno.addSignalListener("SIGTERM", () => Deno.exit(130));
if (step === "stubborn") Deno.addSignalListener("SIGTERM", () => {});
const names = ["VLMEVAL_RANK", "VLMEVAL_WORLD_SIZE", "VLMEVAL_LOCAL_RANK",
  "VLMEVAL_LOCAL_WORLD_SIZE", "VLMEVAL_WORKER", "CUDA_VISIBLE_DEVICES", "TEST_EXTRA"];
const env = Object.fromEntries(names.map((n) => [n, Deno.env.get(n)]));
Deno.writeTextFileSync(log, JSON.stringify({ pid: Deno.pid, env }) + "\\n", { append: true });
console.log("hello from rank " + rank);
// A SIGABRT may dump core into the working directory: keep it inside the temp folder.
if (step === "KILL" || step === "ABRT") { Deno.chdir(dir); Deno.kill(Deno.pid, "SIG" + step); }
else if (step === "hang" || step === "stubborn") setInterval(() => {}, 1000);
else Deno.exit(step);
`;

interface Started {
  pid: number;
  env: Record<string, string | undefined>;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_supervisor_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function starts(dir: string, rank: number): Started[] {
  try {
    return Deno.readTextFileSync(`${dir}/rank${rank}.log`).split("\n").filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    return !Deno.readTextFileSync(`/proc/${pid}/stat`).split(" ")[2].startsWith("Z");
  } catch {
    return false;
  }
}

function options(
  dir: string,
  nproc: number,
  plan: Record<number, (number | string)[]>,
  extra: Partial<LocalRanksOptions> = {},
): LocalRanksOptions & { events: SupervisorEvent[] } {
  const events: SupervisorEvent[] = [];
  return {
    nproc,
    command: Deno.execPath(),
    args: ["eval", WORKER],
    env: { TEST_DIR: dir, TEST_PLAN: JSON.stringify(plan), TEST_EXTRA: "passed on" },
    restartDelayMs: 10,
    graceMs: 3000,
    handleSignals: false,
    output: "inherit",
    onEvent: (e) => events.push(e),
    events,
    ...extra,
  };
}

/** Resolves once every rank has logged `count` starts. */
async function started(dir: string, ranks: number[], count = 1): Promise<void> {
  while (!ranks.every((r) => starts(dir, r).length >= count)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("exitAction() restarts crashes, sticky CUDA and kills; not usage, bad input, interrupts", () => {
  assert.equal(exitAction(0, null), "done");
  for (const code of [1, 3, 101, 137]) assert.equal(exitAction(code, null), "restart");
  for (const code of [2, 4, 5, 6]) assert.equal(exitAction(code, null), "fatal");
  for (const code of [129, 130, 143]) assert.equal(exitAction(code, null), "interrupted");
  assert.equal(exitAction(137, "SIGKILL"), "restart");
  assert.equal(exitAction(139, "SIGSEGV"), "restart");
  assert.equal(exitAction(130, "SIGINT"), "interrupted");
  assert.equal(exitAction(143, "SIGTERM"), "interrupted");
});

Deno.test("runLocalRanks() starts one worker per rank with its rank variables", async () => {
  await withDir(async (dir) => {
    const opts = options(dir, 3, {});
    const result = await runLocalRanks(opts);
    assert.deepEqual(result, { exitCode: 0, restarts: [0, 0, 0] });
    for (const rank of [0, 1, 2]) {
      const [only, ...more] = starts(dir, rank);
      assert.equal(more.length, 0);
      assert.deepEqual(only.env, {
        ...(Deno.env.has("CUDA_VISIBLE_DEVICES")
          ? { CUDA_VISIBLE_DEVICES: Deno.env.get("CUDA_VISIBLE_DEVICES") }
          : {}),
        VLMEVAL_RANK: String(rank),
        VLMEVAL_WORLD_SIZE: "3",
        VLMEVAL_LOCAL_RANK: String(rank),
        VLMEVAL_LOCAL_WORLD_SIZE: "3",
        VLMEVAL_WORKER: "1",
        TEST_EXTRA: "passed on",
      });
    }
    assert.equal(opts.events.filter((e) => e.kind === "start").length, 3);
  });
});

Deno.test("runLocalRanks() gives each rank its share of the GPUs", async () => {
  await withDir(async (dir) => {
    const result = await runLocalRanks(options(dir, 2, {}, { gpuIds: ["4", "5", "6", "7"] }));
    assert.equal(result.exitCode, 0);
    assert.equal(starts(dir, 0)[0].env.CUDA_VISIBLE_DEVICES, "4,5");
    assert.equal(starts(dir, 1)[0].env.CUDA_VISIBLE_DEVICES, "6,7");
  });
});

Deno.test("runLocalRanks() restarts a worker after a sticky CUDA exit, SIGKILL or SIGABRT", async () => {
  await withDir(async (dir) => {
    const opts = options(dir, 2, { 0: [3, 0], 1: ["KILL", "ABRT", 0] });
    const result = await runLocalRanks(opts);
    assert.deepEqual(result, { exitCode: 0, restarts: [1, 2] });
    assert.equal(starts(dir, 1).length, 3);
    const exits = opts.events.filter((e) => e.kind === "exit" && e.rank === 1);
    assert.deepEqual(
      exits.map((e) => e.kind === "exit" && [e.signal, e.action]),
      [["SIGKILL", "restart"], ["SIGABRT", "restart"], [null, "done"]],
    );
  });
});

Deno.test("runLocalRanks() gives up after maxRestarts and stops the other ranks", async () => {
  await withDir(async (dir) => {
    const opts = options(dir, 2, { 0: ["hang"], 1: [3] }, { maxRestarts: 2 });
    const result = await runLocalRanks(opts);
    assert.deepEqual(result, { exitCode: EXIT_CODES.stickyCuda, restarts: [0, 2] });
    assert.equal(starts(dir, 1).length, 3);
    const last = opts.events.findLast((e) => e.kind === "exit" && e.rank === 1);
    assert.equal(last?.kind === "exit" && last.action, "give-up");
    const rank0 = opts.events.find((e) => e.kind === "exit" && e.rank === 0);
    assert.equal(rank0?.kind === "exit" && rank0.action, "stopped");
    assert.equal(alive(starts(dir, 0)[0].pid), false);
  });
});

Deno.test("runLocalRanks() reports 1 for a worker that keeps dying by signal", async () => {
  await withDir(async (dir) => {
    const result = await runLocalRanks(options(dir, 1, { 0: ["KILL"] }, { maxRestarts: 1 }));
    assert.deepEqual(result, { exitCode: EXIT_CODES.sampleFailed, restarts: [1] });
  });
});

Deno.test("runLocalRanks() does not restart bad input and returns its code", async () => {
  await withDir(async (dir) => {
    const opts = options(dir, 2, { 0: ["hang"], 1: [EXIT_CODES.badInput, 0] });
    const result = await runLocalRanks(opts);
    assert.deepEqual(result, { exitCode: EXIT_CODES.badInput, restarts: [0, 0] });
    assert.equal(starts(dir, 1).length, 1);
    assert.ok(opts.events.some((e) => e.kind === "stop" && /rank 1 failed/.test(e.reason)));
  });
});

Deno.test("runLocalRanks() stops every worker when aborted and exits 130", async () => {
  await withDir(async (dir) => {
    const controller = new AbortController();
    const opts = options(dir, 3, { 0: ["hang"], 1: ["hang"], 2: ["hang"] }, {
      signal: controller.signal,
    });
    const running = runLocalRanks(opts);
    await started(dir, [0, 1, 2]);
    controller.abort();
    const result = await running;
    assert.deepEqual(result, { exitCode: EXIT_CODES.interrupted, restarts: [0, 0, 0] });
    for (const rank of [0, 1, 2]) assert.equal(alive(starts(dir, rank)[0].pid), false);
    assert.equal(opts.events.filter((e) => e.kind === "kill").length, 0);
  });
});

Deno.test("runLocalRanks() SIGKILLs a worker that ignores SIGTERM after the grace period", async () => {
  await withDir(async (dir) => {
    const controller = new AbortController();
    const opts = options(dir, 2, { 0: ["hang"], 1: ["stubborn"] }, {
      signal: controller.signal,
      graceMs: 300,
    });
    const running = runLocalRanks(opts);
    await started(dir, [0, 1]);
    controller.abort();
    const result = await running;
    assert.equal(result.exitCode, EXIT_CODES.interrupted);
    assert.deepEqual(
      opts.events.filter((e) => e.kind === "kill").map((e) => e.kind === "kill" && e.rank),
      [1],
    );
    assert.equal(alive(starts(dir, 1)[0].pid), false);
  });
});

Deno.test("runLocalRanks() treats a worker's own interrupt as the end of the run", async () => {
  await withDir(async (dir) => {
    const opts = options(dir, 2, { 0: ["hang"], 1: [EXIT_CODES.interrupted] });
    const result = await runLocalRanks(opts);
    assert.deepEqual(result, { exitCode: EXIT_CODES.interrupted, restarts: [0, 0] });
    assert.equal(starts(dir, 1).length, 1);
  });
});

Deno.test("runLocalRanks() with an already aborted signal starts nothing", async () => {
  await withDir(async (dir) => {
    const opts = options(dir, 2, {}, { signal: AbortSignal.abort() });
    const result = await runLocalRanks(opts);
    assert.equal(result.exitCode, EXIT_CODES.interrupted);
    assert.deepEqual(starts(dir, 0), []);
  });
});

Deno.test("runLocalRanks() reports a worker command that cannot start", async () => {
  await withDir(async (dir) => {
    const opts = options(dir, 2, {}, { command: `${dir}/no-such-program` });
    const result = await runLocalRanks(opts);
    assert.equal(result.exitCode, EXIT_CODES.missingPrerequisite);
    assert.ok(opts.events.some((e) => e.kind === "stop" && /cannot start rank 0/.test(e.reason)));
  });
});

Deno.test("runLocalRanks() rejects bad settings before starting anything", async () => {
  await withDir(async (dir) => {
    await assert.rejects(() => runLocalRanks(options(dir, 0, {})), {
      name: "RangeError",
      message: /--nproc must be a positive integer: current value is 0/,
    });
    await assert.rejects(() => runLocalRanks(options(dir, 2, {}, { maxRestarts: -1 })), {
      name: "RangeError",
    });
    await assert.rejects(() => runLocalRanks(options(dir, 3, {}, { gpuIds: ["0", "1"] })), {
      name: "RangeError",
      message: /each of 3 local ranks a GPU as only 2 are visible/,
    });
    const nested = options(dir, 2, {});
    nested.env = { ...nested.env, VLMEVAL_WORKER: "1" };
    await assert.rejects(() => runLocalRanks(nested), { message: /itself a worker/ });
    assert.deepEqual(starts(dir, 0), []);
  });
});

Deno.test("runLocalRanks() in a real process: prefixed output, SIGINT stops all, exit 130", async () => {
  await withDir(async (dir) => {
    const supervisorUrl = new URL("./supervisor.ts", import.meta.url).href;
    const script = `
      const { runLocalRanks } = await import(${JSON.stringify(supervisorUrl)});
      const result = await runLocalRanks({
        nproc: 2, command: Deno.execPath(), args: ["eval", ${JSON.stringify(WORKER)}],
        env: { TEST_DIR: ${JSON.stringify(dir)}, TEST_PLAN: '{"0":["hang"],"1":["hang"]}' },
        graceMs: 3000,
      });
      Deno.exit(result.exitCode);
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    await started(dir, [0, 1]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill("SIGINT");
    const { code, stdout, stderr } = await child.output();
    const out = new TextDecoder().decode(stdout);
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, EXIT_CODES.interrupted, err);
    assert.match(out, /^\[rank 0\] hello from rank 0$/m);
    assert.match(out, /^\[rank 1\] hello from rank 1$/m);
    assert.match(err, /stopping every rank: received SIGINT/);
    for (const rank of [0, 1]) assert.equal(alive(starts(dir, rank)[0].pid), false);
  });
});

/**
 * A worker that reports progress as markers (through the real encoder) on a shard of 3, with a
 * marker split over two writes 50 ms apart, between ordinary lines on stdout and stderr. Rank
 * 1's first attempt finishes 2 units and exits 3; its restart reports them as already done.
 */
const MARKER_WORKER = `
const { encodeProgressMarker } = await import(${
  JSON.stringify(new URL("./progress_marker.ts", import.meta.url).href)
});
const rank = Number(Deno.env.get("VLMEVAL_RANK"));
const log = Deno.env.get("TEST_DIR") + "/rank" + rank + ".log";
let attempt = 0;
try { attempt = Deno.readTextFileSync(log).split("\\n").filter(Boolean).length; } catch {}
Deno.writeTextFileSync(log, "started\\n", { append: true });
const bytes = new TextEncoder();
const write = (s) => {
  const b = bytes.encode(s);
  for (let n = 0; n < b.length;) n += Deno.stderr.writeSync(b.subarray(n));
};
const restart = rank === 1 && attempt === 0;
const report = { task: "M/T", rank, total: 3, already: rank === 1 && attempt > 0 ? 2 : 0,
  done: 0, failed: 0, final: false };
console.error("warning from rank " + rank + " markers=" + Deno.env.get("VLMEVAL_PROGRESS_MARKERS"));
const first = encodeProgressMarker(report);
write(first.slice(0, 9));
await new Promise((resolve) => setTimeout(resolve, 50));
write(first.slice(9));
for (let i = report.already; i < (restart ? 2 : 3); i++) {
  report.done++;
  if (rank === 0 && i === 1) report.failed++;
  write(encodeProgressMarker(report));
}
if (restart) Deno.exit(3);
report.final = true;
write(encodeProgressMarker(report));
console.log("summary from rank " + rank);
`;

Deno.test("runLocalRanks() passes progress markers to onProgress, a restart's included", async () => {
  await withDir(async (dir) => {
    const reports: ProgressReport[] = [];
    const opts = options(dir, 2, {}, {
      args: ["eval", MARKER_WORKER],
      output: "prefix",
      onProgress: (r) => reports.push(r),
    });
    // The workers' ordinary lines go to this process's stdout/stderr, prefixed.
    const result = await runLocalRanks(opts);
    assert.deepEqual(result, { exitCode: 0, restarts: [0, 1] });
    // already+done of rank 1: its first attempt, then its restart.
    const rank1 = reports.filter((r) => r.rank === 1).map((r) =>
      `${r.already}+${r.done}${r.final ? " final" : ""}`
    );
    assert.deepEqual(rank1, ["0+0", "0+1", "0+2", "2+0", "2+1", "2+1 final"]);
    assert.deepEqual(reports.findLast((r) => r.rank === 0), {
      task: "M/T",
      rank: 0,
      total: 3,
      already: 0,
      done: 3,
      failed: 1,
      final: true,
    });
  });
});

Deno.test("runLocalRanks() in a real process: one merged display, markers never printed", async () => {
  await withDir(async (dir) => {
    const supervisorUrl = new URL("./supervisor.ts", import.meta.url).href;
    const script = `
      const { runLocalRanks } = await import(${JSON.stringify(supervisorUrl)});
      const result = await runLocalRanks({
        nproc: 2, command: Deno.execPath(), args: ["eval", ${JSON.stringify(MARKER_WORKER)}],
        env: { TEST_DIR: ${JSON.stringify(dir)} }, restartDelayMs: 10, handleSignals: false,
      });
      Deno.exit(result.exitCode);
    `;
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(stdout);
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, err);
    for (const text of [out, err]) {
      assert.ok(!text.includes(PROGRESS_MARKER.trim()), text);
      assert.ok(!text.includes('"already"'), text);
    }
    assert.match(out, /^\[rank 0\] summary from rank 0$/m);
    assert.match(out, /^\[rank 1\] summary from rank 1$/m);
    assert.match(err, /^\[rank 0\] warning from rank 0 markers=1$/m);
    assert.equal(err.match(/^\[rank 1\] warning from rank 1 markers=1$/gm)?.length, 2);
    assert.match(err, /rank 1 exited with code 3; restarting/);
    // Rank 1's two units before its restart are counted once: 6 of 6, not 8.
    assert.match(err, /^M\/T: 6 samples on 2 ranks, 0 already done$/m);
    assert.match(err, /^M\/T: 6\/6 on 2 ranks in \d+s \([\d.]+\/s, failed 1\)$/m);
    assert.doesNotMatch(err, /M\/T: [7-9]\/6/);
  });
});
