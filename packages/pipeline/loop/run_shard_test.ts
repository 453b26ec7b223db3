import assert from "node:assert/strict";
import { ConstantAnswerModel, FaultInjectionModel } from "@vlmeval/models";
import type { GenerateContext, Message, VisionLanguageModel } from "@vlmeval/schema";
import { rowsOf, textTask } from "../_test_helpers.ts";
import { type GpuHooks, NO_GPU } from "./guard.ts";
import { readJournals } from "./journal.ts";
import { runShard, type ShardOptions, shardPositions } from "./run_shard.ts";

class CountingModel extends ConstantAnswerModel {
  calls: string[] = [];
  override generate(m: Message, ctx: GenerateContext): Promise<string> {
    this.calls.push(ctx.index);
    return super.generate(m, ctx);
  }
}

function options(dir: string, model: VisionLanguageModel, extra: Partial<ShardOptions> = {}) {
  return {
    task: textTask("T", rowsOf(12)),
    getModel: () => Promise.resolve(model),
    journalDir: dir,
    rank: 0,
    worldSize: 1,
    skipErr: false,
    keepFailed: false,
    gpu: NO_GPU,
    warn: () => {},
    ...extra,
  } satisfies ShardOptions;
}

Deno.test("shardPositions() splits units by position, rank::world_size", () => {
  assert.deepEqual([...shardPositions(7, 0, 3)], [0, 3, 6]);
  assert.deepEqual([...shardPositions(7, 2, 3)], [2, 5]);
  assert.deepEqual([...shardPositions(2, 2, 3)], []);
});

Deno.test("runShard() journals every sample and reuses them on the next run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = new CountingModel();
    const first = await runShard(options(dir, model));
    assert.equal(first.done, 12);
    assert.equal(first.reused, 0);
    assert.equal(model.calls.length, 12);
    const second = await runShard(options(dir, model));
    assert.equal(second.done, 0);
    assert.equal(second.reused, 12);
    assert.equal(model.calls.length, 12, "finished samples are never recomputed");
    assert.equal(readJournals(dir).records.size, 12);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runShard() under SKIP_ERR records failures, cleans up and goes on", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const calls: string[] = [];
    const gpu: GpuHooks = {
      synchronize: () => void calls.push("sync"),
      emptyCache: () => void calls.push("empty"),
    };
    const model = new FaultInjectionModel(new ConstantAnswerModel(), {
      failOn: ["3", "7"],
      errorType: "RangeError",
      failTimes: 1,
    });
    let released = 0;
    model.releaseCaches = () => void released++;
    const warnings: string[] = [];
    const summary = await runShard(
      options(dir, model, { skipErr: true, gpu, warn: (m) => warnings.push(m) }),
    );
    assert.equal(summary.stopped, undefined);
    assert.equal(summary.failed, 2);
    const records = readJournals(dir).records;
    assert.equal(
      records.get("3")?.prediction,
      "Failed to obtain answer: RangeError injected failure on sample 3",
    );
    assert.equal(records.get("3")?.ok, false);
    assert.equal(records.get("4")?.prediction, "A");
    assert.deepEqual(calls, ["sync", "empty", "sync", "empty"]);
    assert.equal(released, 2);
    assert.ok(warnings.some((w) => w.includes("sample 7")), "the warning names the sample");

    // The next run retries exactly the failed samples (the fault fires only once).
    const again = await runShard(options(dir, model, { skipErr: true }));
    assert.equal(again.done, 2);
    assert.equal(again.reused, 10);
    assert.equal(readJournals(dir).records.get("3")?.prediction, "A");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runShard() without SKIP_ERR stops at the failure and keeps finished work", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = new FaultInjectionModel(new ConstantAnswerModel(), { failOn: ["5"] });
    const summary = await runShard(options(dir, model));
    assert.equal(summary.stopped?.reason, "error");
    assert.equal(summary.stopped?.key, "5");
    const records = readJournals(dir).records;
    assert.equal([...records.values()].filter((r) => r.ok).length, 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runShard() stops on a sticky CUDA error even under SKIP_ERR", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = new FaultInjectionModel(new ConstantAnswerModel(), { stickyOn: ["2"] });
    const summary = await runShard(options(dir, model, { skipErr: true }));
    assert.equal(summary.stopped?.reason, "sticky");
    assert.equal(readJournals(dir).records.get("2")?.errorType, "CudaError");
    assert.equal(readJournals(dir).records.size, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runShard() stops when synchronize after a failure reveals a sticky error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const gpu: GpuHooks = {
      synchronize: () => {
        throw Object.assign(new Error("illegal address"), { name: "CudaError", sticky: true });
      },
      emptyCache: () => {},
    };
    const model = new FaultInjectionModel(new ConstantAnswerModel(), { failOn: ["1"] });
    const summary = await runShard(options(dir, model, { skipErr: true, gpu }));
    assert.equal(summary.stopped?.reason, "sticky");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runShard() with keepFailed does not retry recorded failures", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = new FaultInjectionModel(new ConstantAnswerModel(), { failOn: ["0"] });
    await runShard(options(dir, model, { skipErr: true }));
    const kept = await runShard(options(dir, model, { skipErr: true, keepFailed: true }));
    assert.equal(kept.done, 0);
    assert.equal(kept.reused, 12);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runShard() stops its progress when the model cannot be built", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const calls: string[] = [];
    const progress = {
      start: () => void calls.push("start"),
      tick: () => void calls.push("tick"),
      stop: () => void calls.push("stop"),
    };
    await assert.rejects(
      runShard(options(dir, new ConstantAnswerModel(), {
        getModel: () => Promise.reject(new Error("no weights")),
        progress,
      })),
      /no weights/,
    );
    assert.deepEqual(calls, ["start", "stop"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Answers like a served model: records a failure text after `okFirst` answers, reports usage. */
class ServedLike implements VisionLanguageModel {
  name = "ServedLike";
  calls = 0;
  constructor(
    private okFirst: number,
    private failure = "Failed to obtain answer via API. HTTP 500: dead (6 attempts)",
  ) {}
  generate(_m: Message, ctx: GenerateContext): Promise<string> {
    const n = ++this.calls;
    ctx.onUsage?.({
      promptTokens: 5,
      completionTokens: 1,
      requests: 2,
      retries: 1,
      latencyMs: 3,
      concurrency: 4,
    });
    return Promise.resolve(n <= this.okFirst ? "A" : this.failure.replace("#", String(n)));
  }
}

Deno.test("runShard() stops at identical failures in a row and keeps every answer before them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = new ServedLike(4);
    const summary = await runShard(options(dir, model, {
      task: textTask("T", rowsOf(40)),
      failurePolicy: { limit: { fraction: 0.5 }, identicalInARow: 3 },
    }));
    assert.equal(summary.stopped?.reason, "failures");
    assert.match(
      summary.stopped!.message!,
      /^3 samples in a row failed the same way: Failed to obtain answer via API\. HTTP 500: dead/,
    );
    assert.equal(model.calls, 7, "no sample starts once the shard stops");
    const records = readJournals(dir).records;
    assert.equal([...records.values()].filter((r) => r.ok).length, 4);
    assert.equal(records.size, 7);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runShard() stops once failures pass the threshold, counting failures kept from earlier runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const policy = { limit: { fraction: 0.1 } };
    // Distinct failures: only the threshold can stop them.
    const first = await runShard(
      options(dir, new ServedLike(8, "Failed to obtain answer via API. sample #"), {
        task: textTask("T", rowsOf(20)),
        failurePolicy: policy,
      }),
    );
    assert.equal(first.stopped?.reason, "failures");
    assert.match(
      first.stopped!.message!,
      /^3 of 20 samples failed, more than 10% \(--fail-on-error 0\.1\); the last: .*sample 11$/,
    );
    assert.equal(first.done, 11);
    // Kept failures count: with --keep-failed the 3 recorded ones already pass the threshold.
    const second = await runShard(
      options(dir, new ServedLike(0, "Failed to obtain answer via API. again #"), {
        task: textTask("T", rowsOf(20)),
        failurePolicy: policy,
        keepFailed: true,
      }),
    );
    assert.equal(second.stopped?.reason, "failures");
    assert.equal(second.done, 1);
    assert.match(second.stopped!.message!, /^4 of 20 samples failed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runShard() journals each call's usage and sums this run's", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const summary = await runShard(options(dir, new ServedLike(100)));
    assert.deepEqual(summary.usage, {
      samples: 12,
      promptTokens: 60,
      completionTokens: 12,
      requests: 24,
      retries: 12,
      meanLatencyMs: 3,
      p95LatencyMs: 3,
    });
    assert.deepEqual(summary.concurrency, { lowest: 4, last: 4 });
    const record = readJournals(dir).records.get("0")!;
    assert.deepEqual(record.usage, {
      promptTokens: 5,
      completionTokens: 1,
      requests: 2,
      retries: 1,
      latencyMs: 3,
    });
    const local = await runShard(options(`${dir}/local`, new ConstantAnswerModel()));
    assert.equal(local.usage, undefined, "a local model reports no usage");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runShard() applies the sticky CUDA rule on every path that touches CUDA", async (t) => {
  const sticky = () =>
    Object.assign(new Error("illegal address"), { name: "CudaError", sticky: true });
  const cases: { name: string; extra: Partial<ShardOptions>; model: () => VisionLanguageModel }[] =
    [
      {
        name: "the model's cache release after a failure",
        extra: { skipErr: true },
        model: () =>
          Object.assign(new FaultInjectionModel(new ConstantAnswerModel(), { failOn: ["1"] }), {
            releaseCaches: () => {
              throw sticky();
            },
          }),
      },
      {
        name: "emptyCache after a failure",
        extra: {
          skipErr: true,
          gpu: {
            synchronize: () => {},
            emptyCache: () => {
              throw sticky();
            },
          },
        },
        model: () => new FaultInjectionModel(new ConstantAnswerModel(), { failOn: ["1"] }),
      },
      {
        name: "emptyCache after every sample (--empty-cache always)",
        extra: {
          emptyCache: "always",
          gpu: {
            synchronize: () => {},
            emptyCache: () => {
              throw sticky();
            },
          },
        },
        model: () => new ConstantAnswerModel(),
      },
      {
        name: "the model's cache release after every sample (--empty-cache always)",
        extra: { emptyCache: "always" },
        model: () =>
          Object.assign(new ConstantAnswerModel(), {
            releaseCaches: () => {
              throw sticky();
            },
          }),
      },
    ];
  for (const { name, extra, model } of cases) {
    await t.step(name, async () => {
      const dir = await Deno.makeTempDir();
      try {
        const summary = await runShard(options(dir, model(), extra));
        assert.equal(summary.stopped?.reason, "sticky");
        assert.ok(readJournals(dir).records.size < 12, "the shard stopped");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
});

Deno.test("runShard() drops a unit that fails once the run is interrupted, recording nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const controller = new AbortController();
    const model = new FaultInjectionModel(new ConstantAnswerModel(), { delayMs: 30 });
    // Interrupted while two units are in flight: 5 ms after the sixth call starts, the fifth
    // and sixth are both waiting out their 30 ms (a fixed 100 ms timer could land between
    // units, as the loop's speed moved where units start).
    const generate = model.generate.bind(model);
    let calls = 0;
    model.generate = (message, ctx) => {
      if (++calls === 6) setTimeout(() => controller.abort(new Error("interrupted")), 5);
      return generate(message, ctx);
    };
    const progress = { start() {}, tick() {}, stop() {} };
    const summary = await runShard(
      options(dir, model, { signal: controller.signal, progress, concurrency: 2 }),
    );
    assert.equal(summary.stopped?.reason, "aborted");
    assert.equal(summary.dropped, 2, "both units in flight were dropped");
    assert.equal(summary.failed, 0);
    const records = [...readJournals(dir).records.values()];
    assert.ok(records.every((r) => r.ok), "no failure recorded");
    assert.equal(records.length, summary.done);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Answers after spinning for `ms` without yielding, as a model computing on the CPU does. */
class SpinningModel extends CountingModel {
  constructor(readonly ms: number) {
    super();
  }
  override generate(m: Message, ctx: GenerateContext): Promise<string> {
    const until = performance.now() + this.ms;
    while (performance.now() < until) { /* busy */ }
    return super.generate(m, ctx);
  }
}

Deno.test("runShard() serves timers while units run synchronously, and concurrent workers finish cleanly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = new SpinningModel(4);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const summary = await runShard(
      options(dir, model, { task: textTask("T", rowsOf(40)), concurrency: 3 }),
    );
    clearInterval(timer);
    assert.equal(summary.stopped, undefined, String(summary.stopped?.error));
    assert.equal(summary.done, 40);
    assert.equal(new Set(model.calls).size, 40, "every unit ran exactly once");
    assert.ok(ticks >= 2, `the event loop got turns during 160 ms of units: ${ticks} timer ticks`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
