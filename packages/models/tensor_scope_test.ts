import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import type { GenerateContext, Message, VisionLanguageModel } from "@vlmeval/schema";
import { selectBackend } from "./backends/select_backend.ts";
import { LeakingAdapterForBenchmarks } from "./leaking_adapter_for_benchmarks.ts";
import { bundledShapesModelDir, createShapesVlm } from "./shapes_vlm.ts";
import { mcqMessage, readTsv, SHAPES_MCQ_TSV, writeRowImages } from "./_shapes_testdata.ts";
import { describeTensorLeak, type TensorLeakReport, withTensorScope } from "./tensor_scope.ts";

type Tensor = ReturnType<typeof tf.tensor>;

/**
 * A real, small tfjs model: a dense layer scores the prompt's letter counts and the best of four
 * scores is the answer. Like many adapters it never disposes its tensors, and it reads the
 * prompt's image after computing, so a missing file makes it throw with its tensors alive.
 */
class LetterCountModel implements VisionLanguageModel {
  readonly name = "LetterCount";
  #net = tf.sequential({
    layers: [tf.layers.dense({
      inputShape: [26],
      units: 4,
      kernelInitializer: tf.initializers.randomNormal({ seed: 7 }),
    })],
  });

  async generate(message: Message, _ctx: GenerateContext): Promise<string> {
    const counts = new Float32Array(26);
    for (const item of message.filter((m) => m.type === "text")) {
      for (const c of item.value.toLowerCase()) {
        const k = c.charCodeAt(0) - 97;
        if (k >= 0 && k < 26) counts[k]++;
      }
    }
    const scores = this.#net.predict(tf.tensor2d(counts, [1, 26])) as Tensor;
    const image = message.find((m) => m.type === "image");
    if (image) await Deno.readFile(image.value);
    const values = await scores.data();
    return "ABCD"[values.indexOf(Math.max(...values))];
  }

  dispose(): void {
    this.#net.dispose();
  }
}

const text = (value: string): Message => [{ type: "text", value }];
const ctx = (index: string): GenerateContext => ({ dataset: "Unit", index });

Deno.test("withTensorScope() disposes the tensors of every call, also of one that throws", async () => {
  await selectBackend("cpu", tf);
  const model = new LetterCountModel();
  const bare = tf.memory().numTensors;
  await model.generate(text("a leaking call"), ctx("0"));
  assert.ok(tf.memory().numTensors > bare, "the unscoped model should leave tensors behind");

  const reports: TensorLeakReport[] = [];
  const scoped = withTensorScope(model, tf, { onLeak: (r) => reports.push(r) });
  const before = tf.memory().numTensors;
  const answer = await scoped.generate(text("what colour is it"), ctx("1"));
  assert.match(answer, /^[ABCD]$/);
  assert.equal(answer, await scoped.generate(text("what colour is it"), ctx("2")));
  const missing = [{ type: "image" as const, value: "/nonexistent/vlmeval/0.png" }];
  await assert.rejects(
    scoped.generate([...missing, ...text("a failing call")], ctx("3")),
    Deno.errors.NotFound,
  );
  assert.equal(tf.memory().numTensors, before);
  assert.equal(tf.engine().state.scopeStack.length, 0);
  assert.deepEqual(reports, []);
  assert.deepEqual(scoped.stats, { calls: 3, leakyCalls: 0, leakedTensors: 0, leakedBytes: 0 });
  model.dispose();
});

Deno.test("withTensorScope() closes scopes a throwing call left open", async () => {
  await selectBackend("cpu", tf);
  const before = tf.memory().numTensors;
  const opensScopes: VisionLanguageModel = {
    name: "OpensScopes",
    generate() {
      tf.engine().startScope();
      tf.ones([8]);
      tf.engine().startScope();
      tf.zeros([8]);
      return Promise.reject(new Error("failed with two scopes open"));
    },
  };
  const scoped = withTensorScope(opensScopes, tf);
  await assert.rejects(scoped.generate(text("x"), ctx("0")), /two scopes open/);
  assert.equal(tf.engine().state.scopeStack.length, 0);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("withTensorScope() reports a leaking adapter with each sample's index", async () => {
  await selectBackend("cpu", tf);
  const inner = new LetterCountModel();
  const leaking = new LeakingAdapterForBenchmarks(inner, tf, 1024);
  const reports: TensorLeakReport[] = [];
  const scoped = withTensorScope(leaking, tf, { onLeak: (r) => reports.push(r) });
  const before = tf.memory().numTensors;
  for (const index of ["q-7", "q-8"]) await scoped.generate(text("shape"), ctx(index));
  await assert.rejects(
    scoped.generate([{ type: "image", value: "/nonexistent/1.png" }], ctx("q-9")),
    Deno.errors.NotFound,
  );
  assert.equal(tf.memory().numTensors, before + 3);
  assert.deepEqual(
    reports.map((r) => [r.index, r.call, r.grewBy, r.bytesGrewBy, r.failed]),
    [["q-7", 0, 1, 1024, false], ["q-8", 1, 1, 1024, false], ["q-9", 2, 1, 1024, true]],
  );
  assert.equal(reports[1].tensorsAfter, reports[1].tensorsBefore + 1);
  assert.equal(reports[0].model, "LetterCount");
  assert.match(
    describeTensorLeak(reports[2]),
    /^Model LetterCount left 1 tensor\(s\) \(1024 bytes\) alive after sample q-9 of Unit \(call 2, which threw; live tensors \d+ -> \d+\)/,
  );
  assert.deepEqual(scoped.stats, { calls: 3, leakyCalls: 3, leakedTensors: 3, leakedBytes: 3072 });

  const tolerant = withTensorScope(leaking, tf, {
    leakThreshold: 1,
    onLeak: () => assert.fail("one tensor per call is within the threshold"),
  });
  await tolerant.generate(text("shape"), ctx("q-10"));
  await scoped.dispose();
  assert.equal(leaking.keptTensors, 0);
  assert.equal(tf.memory().numTensors, before - 2, "the kept tensors and the 2 weights are freed");
});

Deno.test("withTensorScope() warns by default and rejects a bad threshold", async () => {
  await selectBackend("cpu", tf);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => void warnings.push(message);
  const leaking = new LeakingAdapterForBenchmarks(new LetterCountModel(), tf, 4);
  try {
    await withTensorScope(leaking, tf).generate(text("x"), ctx("17"));
  } finally {
    console.warn = warn;
    await leaking.dispose();
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /after sample 17 of Unit/);
  assert.throws(
    () => withTensorScope(leaking, tf, { leakThreshold: -1 }),
    /^RangeError: Cannot scope the tensors of model LetterCount as 'leakThreshold' must be a non-negative integer: current value is -1$/,
  );
  assert.throws(() => new LeakingAdapterForBenchmarks(leaking, tf, 6), RangeError);
});

Deno.test("withTensorScope() runs overlapping calls one at a time, each in its own scope", async () => {
  await selectBackend("cpu", tf);
  const order: string[] = [];
  const slow: VisionLanguageModel = {
    name: "Slow",
    async generate(_message, { index }) {
      order.push(`start ${index}`);
      const t = tf.ones([4]);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`end ${index} depth ${tf.engine().state.scopeStack.length}`);
      return String((await t.data()).length);
    },
  };
  const before = tf.memory().numTensors;
  const scoped = withTensorScope(slow, tf, { onLeak: () => assert.fail("no call leaks") });
  const answers = await Promise.all(["a", "b", "c"].map((i) => scoped.generate(text(i), ctx(i))));
  assert.deepEqual(answers, ["4", "4", "4"]);
  assert.deepEqual(order, [
    "start a",
    "end a depth 1",
    "start b",
    "end b depth 1",
    "start c",
    "end c depth 1",
  ]);
  assert.equal(tf.memory().numTensors, before);
});

const NO_WEBGPU = await selectBackend("webgpu", tf).then(() => "", (err: Error) => err.message);

Deno.test({
  name:
    `TensorScopedModel.releaseCaches() empties webgpu's buffer pool after the model's own release${
      NO_WEBGPU ? ` (skipped: ${NO_WEBGPU})` : ""
    }`,
  ignore: NO_WEBGPU !== "",
  async fn() {
    await selectBackend("webgpu", tf);
    const inner = new LetterCountModel();
    let innerReleases = 0;
    const model = Object.assign(inner, { releaseCaches: () => void innerReleases++ });
    const scoped = withTensorScope(model, tf, { onLeak: () => assert.fail("no leak") });
    const pool = () =>
      (tf.backend() as unknown as { bufferManager: { getNumFreeBuffers(): number } })
        .bufferManager.getNumFreeBuffers();
    await scoped.generate(text("which shape is left of the circle"), ctx("0"));
    assert.ok(pool() > 0, "the scope's disposed tensors should have gone to the pool");
    await scoped.releaseCaches();
    assert.equal(innerReleases, 1);
    assert.equal(scoped.lastCacheRelease?.tfBackend, "webgpu");
    assert.equal(scoped.lastCacheRelease?.released, true);
    assert.ok(scoped.lastCacheRelease.freedBytes > 0);
    assert.equal(pool(), 0);
    const memory = tf.memory() as unknown as {
      numBytesInGPU: number;
      numBytesAllocatedInGPU: number;
    };
    assert.equal(memory.numBytesAllocatedInGPU, memory.numBytesInGPU);
    inner.dispose();
  },
});

const NO_WEIGHTS = existsSync(`${bundledShapesModelDir()}/shapes_vlm/model.json`)
  ? ""
  : `the bundled ShapesVLM weights are not in ${bundledShapesModelDir()} yet`;

Deno.test({
  name:
    `withTensorScope() keeps the bundled ShapesVLM flat over 24 samples and catches a leak around it${
      NO_WEIGHTS ? ` (skipped: ${NO_WEIGHTS})` : ""
    }`,
  ignore: NO_WEIGHTS !== "",
  async fn() {
    const vlm = await createShapesVlm({ backend: "wasm" });
    const rows = (await readTsv(SHAPES_MCQ_TSV)).slice(0, 12);
    const dir = await Deno.makeTempDir({ prefix: "tensor_scope_test_" });
    try {
      const images = await writeRowImages(rows, dir);
      const messages = rows.map((row) => mcqMessage(row, images.get(row.index)!));
      const scoped = withTensorScope(vlm, tf, {
        onLeak: (r) => assert.fail(describeTensorLeak(r)),
      });
      const counts: number[] = [];
      for (let i = 0; i < 24; i++) {
        await scoped.generate(messages[i % 12], ctx(rows[i % 12].index));
        counts.push(tf.memory().numTensors);
      }
      assert.ok(counts[0] > 0, "the model's weights are live tensors");
      assert.deepEqual(new Set(counts), new Set([counts[0]]));

      const reports: TensorLeakReport[] = [];
      const leaking = withTensorScope(new LeakingAdapterForBenchmarks(vlm, tf), tf, {
        onLeak: (r) => reports.push(r),
      });
      for (const i of [3, 5]) await leaking.generate(messages[i], ctx(rows[i].index));
      assert.deepEqual(reports.map((r) => [r.index, r.grewBy]), [[rows[3].index, 1], [
        rows[5].index,
        1,
      ]]);
      await leaking.dispose();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
