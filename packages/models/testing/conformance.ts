/**
 * The conformance suite every model adapter passes (hono's router suite, for models): one
 * {@linkcode runModelConformance} call per adapter registers the same tests for the contract
 * the evaluation loop relies on: its name and pack flag, answering a message, a pack prompt,
 * failures, cache release, dispose and an aborted signal.
 *
 * @module
 */
import assert from "node:assert/strict";
import { jsonObjectEnd } from "@vlmeval/internal";
import { isFailure, type Message, type VisionLanguageModel } from "@vlmeval/schema";

/** The tests of the suite, by name (for {@linkcode ModelConformanceOptions.skip}). */
export type ConformanceTest =
  | "identity"
  | "message"
  | "deterministic"
  | "pack"
  | "failure"
  | "release-caches"
  | "dispose"
  | "signal";

/** A message, built when the test runs (it may write files). */
export type MessageSource = () => Message | Promise<Message>;

/** What {@linkcode runModelConformance} needs of an adapter. */
export interface ModelConformanceOptions {
  /** Names the adapter in the test names, e.g. `ShapesVLM (wasm)`. */
  name: string;
  /** Builds a fresh model; each test builds its own and disposes it. */
  create: () => Promise<VisionLanguageModel>;
  /** A prompt the model answers (the message contract). */
  message: MessageSource;
  /**
   * A pack prompt asking `indices` at once, for a model that declares `supportsPack`; absent,
   * the model must not declare pack support (the loop then refuses pack mode up front).
   */
  pack?: { message: MessageSource; indices: readonly string[] };
  /**
   * How to make `generate` fail: a message this model cannot answer, or a model built to fail
   * (`create`, e.g. an API model whose server answers 500).
   */
  failure?: { message?: MessageSource; create?: () => Promise<VisionLanguageModel> };
  /** Tests that do not apply, each with its reason (hono's rule: never a silent skip). */
  skip?: readonly { test: ConformanceTest; reason: string }[];
  /** Registers every test as ignored, with this reason (a backend that cannot run here). */
  unavailable?: string;
}

const CTX = { dataset: "Conformance", index: "0" } as const;

/**
 * Registers the conformance tests of one adapter (`Deno.test`, one per rule):
 *
 * - `identity`: a non-empty `name`; `supportsPack` a boolean or absent;
 * - `message`: `generate` answers a message with a non-empty string, and `ctx` is passed
 *   through untouched;
 * - `deterministic`: the same message gets the same answer;
 * - `pack`: with `opts.pack`, `supportsPack` is true and one answer holds a JSON object with
 *   every question's index; without it, `supportsPack` is not true;
 * - `failure`: a failing `generate` rejects with an `Error` (with a name) or answers a recorded
 *   failure (`Failed to obtain answer...`), and the model answers normally afterwards;
 * - `release-caches`: `releaseCaches()` (when there is one) resolves and the model answers the
 *   same as before it;
 * - `dispose`: `dispose()` resolves and the model no longer answers (a model without one skips
 *   this test, saying why it needs none);
 * - `signal`: an aborted signal makes `generate` reject with the signal's reason.
 */
export function runModelConformance(opts: ModelConformanceOptions): void {
  const skipped = new Map(opts.skip?.map((s) => [s.test, s.reason]));
  const test = (name: ConformanceTest, title: string, fn: () => Promise<void>) => {
    const reason = opts.unavailable ?? skipped.get(name);
    Deno.test({
      name: `runModelConformance(${opts.name}): ${title}${reason ? ` (skipped: ${reason})` : ""}`,
      ignore: reason !== undefined,
      fn,
    });
  };
  const withModel = async (
    fn: (model: VisionLanguageModel) => Promise<void>,
    create = opts.create,
  ) => {
    const model = await create();
    try {
      await fn(model);
    } finally {
      await model.dispose?.();
    }
  };

  test(
    "identity",
    "names itself and declares pack support as a boolean",
    () =>
      withModel((model) => {
        assert.equal(typeof model.name, "string");
        assert.notEqual(model.name, "");
        assert.ok(
          model.supportsPack === undefined || typeof model.supportsPack === "boolean",
          `supportsPack is ${model.supportsPack}`,
        );
        return Promise.resolve();
      }),
  );

  test("message", "answers a message with text", () =>
    withModel(async (model) => {
      const ctx = { ...CTX };
      const answer = await model.generate(await opts.message(), ctx);
      assert.equal(typeof answer, "string");
      assert.notEqual(answer.trim(), "", "the answer is empty");
      assert.ok(!isFailure(answer), `the answer records a failure: ${answer}`);
      assert.deepEqual(ctx, CTX, "generate changed its context");
    }));

  test("deterministic", "answers the same message the same way", () =>
    withModel(async (model) => {
      const message = await opts.message();
      assert.equal(await model.generate(message, CTX), await model.generate(message, CTX));
    }));

  test(
    "pack",
    opts.pack ? "answers a pack prompt with one JSON object" : "claims no pack",
    () =>
      withModel(async (model) => {
        if (!opts.pack) {
          assert.notEqual(model.supportsPack, true, "supportsPack without a pack prompt to test");
          return;
        }
        assert.equal(model.supportsPack, true);
        const answer = await model.generate(await opts.pack.message(), CTX);
        const start = answer.indexOf("{");
        assert.ok(start >= 0, `no JSON object in ${JSON.stringify(answer)}`);
        const parsed = JSON.parse(answer.slice(start, jsonObjectEnd(answer, start) + 1));
        assert.deepEqual(Object.keys(parsed).sort(), [...opts.pack.indices].sort());
      }),
  );

  test(
    "failure",
    "fails as an Error or a recorded failure, then answers again",
    () =>
      withModel(async (model) => {
        const failing = opts.failure?.create ? await opts.failure.create() : model;
        try {
          const message = await (opts.failure?.message ?? opts.message)();
          const outcome = await failing.generate(message, CTX).then(
            (answer) => ({ answer }),
            (error: unknown) => ({ error }),
          );
          if ("error" in outcome) {
            assert.ok(outcome.error instanceof Error, `rejected with ${outcome.error}`);
            assert.notEqual(outcome.error.name, "");
          } else {
            assert.ok(isFailure(outcome.answer), `no failure recorded: ${outcome.answer}`);
          }
        } finally {
          if (failing !== model) await failing.dispose?.();
        }
        assert.ok(!isFailure(await model.generate(await opts.message(), CTX)));
      }),
  );

  test(
    "release-caches",
    "answers the same after releasing its caches",
    () =>
      withModel(async (model) => {
        const message = await opts.message();
        const before = await model.generate(message, CTX);
        await model.releaseCaches?.();
        assert.equal(await model.generate(message, CTX), before);
      }),
  );

  test("dispose", "no longer answers once disposed", async () => {
    const model = await opts.create();
    assert.ok(model.dispose, "no dispose(): skip this test, saying why the model needs none");
    const message = await opts.message();
    await model.dispose();
    await assert.rejects(Promise.resolve().then(() => model.generate(message, CTX)));
  });

  test("signal", "rejects with the reason of an aborted signal", () =>
    withModel(async (model) => {
      const reason = new Error("stopped by the conformance suite");
      const signal = AbortSignal.abort(reason);
      await assert.rejects(
        Promise.resolve().then(async () =>
          model.generate(await opts.message(), { ...CTX, signal })
        ),
        (error) => error === reason,
      );
    }));
}
