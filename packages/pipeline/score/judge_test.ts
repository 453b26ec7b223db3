import assert from "node:assert/strict";
import type { VisionLanguageModel } from "@vlmeval/schema";
import {
  judgeApiRoot,
  judgeFileName,
  JudgeInterruptedError,
  judgeModelVersion,
  type JudgeSettings,
  JudgeUnavailableError,
  openJudge,
} from "./judge.ts";

const SETTINGS: JudgeSettings = { name: "gpt-4o-mini", baseUrl: "http://127.0.0.1:9/v1" };

/** A judge model answering `reply(text)`, recording what it was asked. */
function fakeModel(reply: (text: string) => string) {
  const asked: string[] = [];
  const model: VisionLanguageModel = {
    name: "fake",
    generate(message) {
      asked.push(message[0].value);
      return Promise.resolve(reply(message[0].value));
    },
  };
  return { asked, create: () => model };
}

async function withTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-judge-unit-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("judge names: VLMEvalKit's versions, LOCAL_LLM, file names and endpoints", () => {
  assert.equal(judgeModelVersion("gpt-4o-mini"), "gpt-4o-mini-2024-07-18");
  assert.equal(judgeModelVersion("chatgpt-0125"), "gpt-3.5-turbo-0125");
  assert.equal(judgeModelVersion("Qwen/Qwen2.5-7B"), "Qwen/Qwen2.5-7B");
  assert.equal(judgeModelVersion("gpt-4o-mini", "local-model"), "local-model");
  assert.equal(judgeFileName("chatgpt-0125"), "openai");
  assert.equal(judgeFileName("gpt-4-0125"), "gpt4");
  assert.equal(judgeFileName("Qwen/Qwen2.5 7B"), "Qwen_Qwen2.5_7B");
  assert.equal(
    judgeApiRoot("https://api.openai.com/v1/chat/completions"),
    "https://api.openai.com/v1",
  );
  assert.equal(judgeApiRoot("http://127.0.0.1:8000/v1/"), "http://127.0.0.1:8000/v1");
});

Deno.test("openJudge() checks once, caches answers, and never caches an API failure", async () => {
  await withTemp(async (dir) => {
    const cachePath = `${dir}/m_D_gpt-4o-mini_judge.jsonl`;
    const first = fakeModel((text) =>
      text === "hello" ? "Hi" : text === "p2" ? "Failed to obtain answer via API. HTTP 500" : "B"
    );
    const judge = await openJudge(SETTINGS, { dataset: "D", cachePath, createModel: first.create });
    const answers = await Promise.all([
      judge.ask("p1", { index: "1", attempt: 1 }),
      judge.ask("p2", { index: "2", attempt: 1 }),
      judge.ask("p1", { index: "3", attempt: 1 }),
    ]);
    await judge.close();
    assert.deepEqual(answers, ["B", "Failed to obtain answer via API. HTTP 500", "B"]);
    assert.deepEqual(first.asked.sort(), ["hello", "p1", "p1", "p2"]);
    assert.deepEqual(judge.stats, { asked: 3, cached: 0, apiFailures: 1 });
    assert.equal(judge.model, "gpt-4o-mini-2024-07-18");

    // A crash mid-write leaves a torn line: skipped, and the next record starts a new line.
    await Deno.writeTextFile(cachePath, '{"index":"9","prom', { append: true });
    const second = fakeModel((text) => (text === "hello" ? "Hi" : "C"));
    const again = await openJudge(SETTINGS, {
      dataset: "D",
      cachePath,
      createModel: second.create,
    });
    assert.equal(await again.ask("p1", { index: "1", attempt: 1 }), "B");
    assert.equal(await again.ask("p1", { index: "3", attempt: 1 }), "B");
    assert.deepEqual(second.asked, [], "answered from the cache: not even the check request");
    // Another attempt, another prompt or another index is another question.
    assert.equal(await again.ask("p1", { index: "1", attempt: 2 }), "C");
    assert.equal(await again.ask("p2", { index: "2", attempt: 1 }), "C");
    await again.close();
    assert.deepEqual(second.asked, ["hello", "p1", "p2"]);
    const lines = (await Deno.readTextFile(cachePath)).split("\n").filter(Boolean);
    assert.equal(lines.length, 5);
    assert.equal(
      lines.filter((l) => !l.startsWith('{"index":"9"')).every((l) => JSON.parse(l)),
      true,
    );

    // Another model behind the same judge name does not reuse these answers.
    const other = fakeModel((text) => (text === "hello" ? "Hi" : "D"));
    const swapped = await openJudge({ ...SETTINGS, model: "local-model" }, {
      dataset: "D",
      cachePath,
      createModel: other.create,
    });
    assert.equal(await swapped.ask("p1", { index: "1", attempt: 1 }), "D");
    await swapped.close();
  });
});

Deno.test("openJudge() passes each request's temperature and max tokens on; attempts are cached apart", async () => {
  await withTemp(async (dir) => {
    const cachePath = `${dir}/m_MME_j_judge.jsonl`;
    const seen: (number | undefined)[] = [];
    const limits: (number | undefined)[] = [];
    const model: VisionLanguageModel = {
      name: "fake",
      generate(message, ctx) {
        if (message[0].value !== "hello") seen.push(ctx.temperature);
        if (message[0].value !== "hello") limits.push(ctx.maxTokens);
        return Promise.resolve(ctx.temperature === 1 ? "Yes" : "Not sure");
      },
    };
    const judge = await openJudge(SETTINGS, {
      dataset: "MME",
      cachePath,
      createModel: () => model,
    });
    const answers = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      answers.push(await judge.ask("p", { index: "1", attempt, temperature: 0.5 * (attempt - 1) }));
    }
    await judge.ask("q", { index: "2", attempt: 1 });
    await judge.ask("r", { index: "3", attempt: 1, temperature: 0, maxTokens: 128 });
    await judge.close();
    assert.deepEqual(answers, ["Not sure", "Not sure", "Yes"]);
    assert.deepEqual(seen, [0, 0.5, 1, undefined, 0]);
    assert.deepEqual(limits, [undefined, undefined, undefined, undefined, 128]);
    const records = (await Deno.readTextFile(cachePath)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.deepEqual(records.map((r) => [r.attempt, r.temperature, r.max_tokens]), [
      [1, 0, undefined],
      [2, 0.5, undefined],
      [3, 1, undefined],
      [1, undefined, undefined],
      [1, 0, 128],
    ]);

    // A rerun gets each attempt's own answer back, never attempt 1's for attempt 3.
    const none = fakeModel(() => "unused");
    const again = await openJudge(SETTINGS, {
      dataset: "MME",
      cachePath,
      createModel: none.create,
    });
    assert.equal(await again.ask("p", { index: "1", attempt: 3, temperature: 1 }), "Yes");
    assert.equal(await again.ask("p", { index: "1", attempt: 1, temperature: 0 }), "Not sure");
    await again.close();
    assert.deepEqual(none.asked, []);
  });
});

Deno.test("openJudge(): a judge that does not answer its check rejects every question", async () => {
  await withTemp(async (dir) => {
    const broken = fakeModel(() => "Failed to obtain answer via API. HTTP 401 (not retried)");
    const judge = await openJudge(SETTINGS, {
      dataset: "MyBench",
      cachePath: `${dir}/c.jsonl`,
      createModel: broken.create,
    });
    // Settled together, so no rejection is left unobserved while an earlier one is checked.
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map((i) => judge.ask(`p${i}`, { index: String(i), attempt: 1 })),
    );
    for (const outcome of outcomes) {
      assert.equal(outcome.status, "rejected");
      const err = (outcome as PromiseRejectedResult).reason;
      assert.ok(err instanceof JudgeUnavailableError);
      assert.match(
        err.message,
        /^Cannot score MyBench with judge gpt-4o-mini \(model gpt-4o-mini-2024-07-18 at http:\/\/127\.0\.0\.1:9\) as it did not answer a check request: Failed to obtain answer via API\. HTTP 401/,
      );
    }
    assert.deepEqual(broken.asked, ["hello"]);
    await judge.close();
    assert.equal(await Deno.stat(`${dir}/c.jsonl`).then(() => 1, () => 0), 0);
  });
});

Deno.test("openJudge(): after an abort no question is asked and answers so far stay cached", async () => {
  await withTemp(async (dir) => {
    const controller = new AbortController();
    const model = fakeModel((text) => (text === "hello" ? "hi" : "B"));
    const open = () =>
      openJudge(SETTINGS, {
        dataset: "MyBench",
        cachePath: `${dir}/c.jsonl`,
        createModel: model.create,
        signal: controller.signal,
      });
    const judge = await open();
    assert.equal(await judge.ask("p1", { index: "1", attempt: 1 }), "B");
    controller.abort(new Error("interrupted"));
    await assert.rejects(
      judge.ask("p2", { index: "2", attempt: 1 }),
      (err: Error) =>
        err instanceof JudgeInterruptedError &&
        /answers so far are kept in .*c\.jsonl/.test(err.message),
    );
    await judge.close();
    assert.deepEqual(model.asked, ["hello", "p1"]);
    // The cached answer is still served after the interruption.
    const again = await open();
    assert.equal(await again.ask("p1", { index: "1", attempt: 1 }), "B");
    await again.close();
    assert.deepEqual(model.asked, ["hello", "p1"]);
  });
});
