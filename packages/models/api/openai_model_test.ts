import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import pngjs from "pngjs";
import { API_FAIL_MSG, isFailure, type Message } from "@vlmeval/schema";
import {
  type ReceivedRequest,
  type ScriptedReply,
  startLoopbackVllmServer,
  vllmChatCompletion,
} from "../testing/fake_vllm_server.ts";
import { createOpenAIModel, type OpenAIModelOptions } from "./openai_model.ts";

const KEY_ENV = "VLMEVAL_TEST_OPENAI_KEY";
const KEY = "sk-test-4f9c2e7a1b3d5f60secretvalue";
const CTX = { dataset: "Shapes_MCQ", index: "7" };
const FAST_BACKOFF = { baseMs: 5, capMs: 20 };

function modelFor(baseUrl: string, extra: Partial<OpenAIModelOptions> = {}) {
  return createOpenAIModel({
    model: "Qwen/Qwen2-VL-2B-Instruct",
    baseUrl,
    apiKeyEnv: KEY_ENV,
    backoff: FAST_BACKOFF,
    timeoutMs: 5000,
    ...extra,
  });
}

/** Replies from a list, one per request, repeating the last one. */
function sequence(...replies: ScriptedReply[]): (req: ReceivedRequest) => ScriptedReply {
  return (req) => replies[Math.min(req.n, replies.length - 1)];
}

async function writePng(dir: string): Promise<{ path: string; bytes: Uint8Array }> {
  const png = new pngjs.PNG({ width: 3, height: 2 });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) % 256;
  const bytes = new Uint8Array(pngjs.PNG.sync.write(png));
  const path = `${dir}/shape.png`;
  await Deno.writeFile(path, bytes);
  return { path, bytes };
}

function withKey(fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    Deno.env.set(KEY_ENV, KEY);
    try {
      await fn();
    } finally {
      Deno.env.delete(KEY_ENV);
    }
  };
}

Deno.test(
  "createOpenAIModel() sends system, user parts with the image as a data URL, and a prefill",
  withKey(async () => {
    const dir = await Deno.makeTempDir();
    const server = startLoopbackVllmServer(() => ({ body: vllmChatCompletion("B") }));
    try {
      const image = await writePng(dir);
      const model = modelFor(server.baseUrl, { maxTokens: 64 });
      const message: Message = [
        { type: "text", value: "You are a careful grader.", role: "system" },
        { type: "image", value: image.path },
        { type: "text", value: "Which shape is red? A. circle B. square" },
        { type: "text", value: "Answer:", role: "assistant" },
      ];
      const answer = await model.generate(message, CTX);
      assert.equal(answer, "B");
      assert.equal(model.name, "Qwen_Qwen2-VL-2B-Instruct");
      assert.equal(server.requests.length, 1);
      const req = server.requests[0];
      assert.equal(req.headers.get("authorization"), `Bearer ${KEY}`);
      const body = JSON.parse(req.body);
      assert.equal(body.model, "Qwen/Qwen2-VL-2B-Instruct");
      assert.equal(body.max_tokens, 64);
      assert.equal(body.temperature, 0);
      assert.deepEqual(body.messages.map((m: { role: string }) => m.role), [
        "system",
        "user",
        "assistant",
      ]);
      assert.equal(body.messages[0].content, "You are a careful grader.");
      assert.equal(body.messages[2].content, "Answer:");
      const [imagePart, textPart] = body.messages[1].content;
      assert.equal(textPart.type, "text");
      assert.equal(textPart.text, "Which shape is red? A. circle B. square");
      assert.equal(imagePart.type, "image_url");
      const url: string = imagePart.image_url.url;
      assert.ok(url.startsWith("data:image/png;base64,"), url.slice(0, 40));
      const decoded = new Uint8Array(Buffer.from(url.slice(url.indexOf(",") + 1), "base64"));
      assert.deepEqual(decoded, image.bytes);
    } finally {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  }),
);

Deno.test("createOpenAIModel() sends no Authorization header when the key variable is unset", async () => {
  const server = startLoopbackVllmServer();
  try {
    const answer = await modelFor(server.baseUrl).generate([{ type: "text", value: "hi" }], CTX);
    assert.equal(answer, "A");
    assert.equal(server.requests[0].headers.get("authorization"), null);
  } finally {
    await server.close();
  }
});

Deno.test("createOpenAIModel() sends a call's own temperature, else the model's", async () => {
  const server = startLoopbackVllmServer();
  try {
    const model = modelFor(server.baseUrl, { temperature: 0.2 });
    const prompt: Message = [{ type: "text", value: "hi" }];
    await model.generate(prompt, CTX);
    await model.generate(prompt, { ...CTX, temperature: 1.5 });
    await model.generate(prompt, { ...CTX, temperature: 0 });
    const sent = server.requests.map((req) => JSON.parse(req.body).temperature);
    assert.deepEqual(sent, [0.2, 1.5, 0]);
    await assert.rejects(
      model.generate(prompt, { ...CTX, temperature: -1 }),
      /'temperature' must be a number >= 0: current value is -1/,
    );
    await assert.rejects(model.generate(prompt, { ...CTX, temperature: NaN }), RangeError);
    assert.equal(server.requests.length, 3, "a bad temperature sends nothing");
  } finally {
    await server.close();
  }
});
Deno.test("createOpenAIModel() sends a call's own max_tokens, else the model's", async () => {
  const server = startLoopbackVllmServer();
  try {
    const model = modelFor(server.baseUrl, { maxTokens: 512 });
    const prompt: Message = [{ type: "text", value: "hi" }];
    await model.generate(prompt, CTX);
    await model.generate(prompt, { ...CTX, maxTokens: 128 });
    await model.generate(prompt, { ...CTX, maxTokens: 2048, temperature: 0.5 });
    const sent = server.requests.map((req) => JSON.parse(req.body));
    assert.deepEqual(sent.map((b) => b.max_tokens), [512, 128, 2048]);
    assert.equal(sent[2].temperature, 0.5);
    for (const bad of [0, 1.5, NaN]) {
      await assert.rejects(
        model.generate(prompt, { ...CTX, maxTokens: bad }),
        /'maxTokens' must be an integer >= 1: current value is /,
      );
    }
    assert.equal(server.requests.length, 3, "a bad max_tokens sends nothing");
  } finally {
    await server.close();
  }
});

Deno.test(
  "createOpenAIModel() waits for Retry-After after a 429, then succeeds",
  withKey(async () => {
    const server = startLoopbackVllmServer(sequence(
      { status: 429, headers: { "retry-after": "1" }, body: { error: "rate limited" } },
      {},
    ));
    try {
      const model = modelFor(server.baseUrl, { backoff: { baseMs: 1, capMs: 1 } });
      const answer = await model.generate([{ type: "text", value: "hi" }], CTX);
      assert.equal(answer, "A");
      assert.equal(server.requests.length, 2);
      const waited = server.requests[1].arrivedMs - server.requests[0].repliedMs!;
      assert.ok(waited >= 1000 - 25, `waited only ${waited} ms after Retry-After: 1`);
    } finally {
      await server.close();
    }
  }),
);

Deno.test(
  "createOpenAIModel() returns the API failure message after the last of retries+1 attempts",
  withKey(async () => {
    const server = startLoopbackVllmServer(() => ({
      status: 500,
      body: { object: "error", message: "CUDA out of memory", code: 500 },
    }));
    try {
      const model = modelFor(server.baseUrl, { retries: 3 });
      const answer = await model.generate([{ type: "text", value: "hi" }], CTX);
      assert.equal(server.requests.length, 4);
      assert.ok(answer.startsWith(`${API_FAIL_MSG} HTTP 500: `), answer);
      assert.match(answer, /CUDA out of memory/);
      assert.match(answer, /\(4 attempts\)$/);
      assert.ok(isFailure(answer));
    } finally {
      await server.close();
    }
  }),
);

Deno.test(
  "createOpenAIModel() abandons a slow reply after timeoutMs and retries",
  withKey(async () => {
    const server = startLoopbackVllmServer(
      sequence({ delayMs: 3000 }, { body: vllmChatCompletion("C") }),
    );
    try {
      const model = modelFor(server.baseUrl, { timeoutMs: 300 });
      const answer = await model.generate([{ type: "text", value: "hi" }], CTX);
      assert.equal(answer, "C");
      assert.equal(server.requests.length, 2);
      assert.ok(server.requests[1].arrivedMs < server.requests[0].arrivedMs + 3000);
    } finally {
      await server.close();
    }
  }),
);

Deno.test(
  "createOpenAIModel() reports a timeout when every attempt is too slow",
  withKey(async () => {
    const server = startLoopbackVllmServer(() => ({ delayMs: 3000 }));
    try {
      const model = modelFor(server.baseUrl, { timeoutMs: 200, retries: 1 });
      const answer = await model.generate([{ type: "text", value: "hi" }], CTX);
      assert.equal(answer, `${API_FAIL_MSG} timeout after 200 ms (2 attempts)`);
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  }),
);

Deno.test(
  "createOpenAIModel() retries malformed replies until a good one arrives",
  withKey(async () => {
    const html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    const server = startLoopbackVllmServer(sequence(
      { body: html, headers: { "content-type": "text/html" } },
      { body: { id: "x", object: "chat.completion", usage: {} } },
      { body: '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"mess' },
      { body: { choices: [{ message: { role: "assistant", content: null } }] } },
      { body: vllmChatCompletion("D") },
    ));
    try {
      const model = modelFor(server.baseUrl, { retries: 4 });
      const answer = await model.generate([{ type: "text", value: "hi" }], CTX);
      assert.equal(answer, "D");
      assert.equal(server.requests.length, 5);
    } finally {
      await server.close();
    }
  }),
);

Deno.test(
  "createOpenAIModel() names the malformed reply in the failure message",
  withKey(async () => {
    for (
      const [body, expected] of [
        ["<html>oops</html>", "not JSON"],
        [JSON.stringify({ id: "x" }), "no choices"],
        ['{"choices":[{"message":{"content":"trunc', "not JSON"],
      ]
    ) {
      const server = startLoopbackVllmServer(() => ({ body }));
      try {
        const model = modelFor(server.baseUrl, { retries: 1 });
        const answer = await model.generate([{ type: "text", value: "hi" }], CTX);
        assert.ok(
          answer.startsWith(`${API_FAIL_MSG} HTTP 200 malformed reply (${expected})`),
          answer,
        );
        assert.equal(server.requests.length, 2);
      } finally {
        await server.close();
      }
    }
  }),
);

Deno.test(
  "createOpenAIModel() does not retry 400, 401, 403 or 404",
  withKey(async () => {
    for (const status of [400, 401, 403, 404]) {
      const server = startLoopbackVllmServer(() => ({
        status,
        body: {
          error: { message: `status ${status} for this request`, type: "invalid_request_error" },
        },
      }));
      try {
        const model = modelFor(server.baseUrl, { retries: 5 });
        const answer = await model.generate([{ type: "text", value: "hi" }], CTX);
        assert.equal(server.requests.length, 1, `status ${status} was retried`);
        assert.ok(answer.startsWith(`${API_FAIL_MSG} HTTP ${status}: `), answer);
        assert.match(answer, new RegExp(`status ${status} for this request`));
        assert.match(answer, /\(not retried\)$/);
      } finally {
        await server.close();
      }
    }
  }),
);

Deno.test(
  "createOpenAIModel() keeps at most nproc requests in flight",
  withKey(async () => {
    const server = startLoopbackVllmServer(() => ({ delayMs: 150 }));
    try {
      const model = modelFor(server.baseUrl, { nproc: 3 });
      const answers = await Promise.all(
        Array.from(
          { length: 10 },
          (_, i) => model.generate([{ type: "text", value: `q${i}` }], { ...CTX, index: `${i}` }),
        ),
      );
      assert.deepEqual(answers, Array(10).fill("A"));
      assert.equal(server.requests.length, 10);
      assert.equal(server.maxInFlight, 3);
    } finally {
      await server.close();
    }
  }),
);

Deno.test(
  "createOpenAIModel() retries network errors and reports them",
  withKey(async () => {
    const closed = startLoopbackVllmServer();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const answer = await modelFor(baseUrl, { retries: 2 }).generate(
      [{ type: "text", value: "hi" }],
      CTX,
    );
    assert.ok(
      answer.startsWith(`${API_FAIL_MSG} connection refused (TypeError: fetch failed; caused by `),
      answer,
    );
    assert.match(answer, /Connection refused \(os error 111\)/);
    assert.match(answer, /\(3 attempts\)$/);
  }),
);

Deno.test(
  "createOpenAIModel() throws when the context's signal aborts during backoff",
  withKey(async () => {
    const server = startLoopbackVllmServer(() => ({
      status: 503,
      headers: { "retry-after": "30" },
    }));
    try {
      const controller = new AbortController();
      const model = modelFor(server.baseUrl);
      const pending = model.generate([{ type: "text", value: "hi" }], {
        ...CTX,
        signal: controller.signal,
      });
      while (server.requests.length === 0 || server.requests[0].repliedMs === undefined) {
        await new Promise((r) => setTimeout(r, 10));
      }
      controller.abort(new DOMException("run cancelled", "AbortError"));
      await assert.rejects(pending, { name: "AbortError", message: "run cancelled" });
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  }),
);

Deno.test(
  "createOpenAIModel() throws a clear error for an unreadable image",
  withKey(async () => {
    const server = startLoopbackVllmServer();
    try {
      const model = modelFor(server.baseUrl);
      await assert.rejects(
        model.generate([{ type: "image", value: "/nonexistent/dir/img.png" }], CTX),
        (err: Error) => err.message.includes('Cannot read image "/nonexistent/dir/img.png"'),
      );
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  }),
);

Deno.test("createOpenAIModel() rejects bad options before any request", () => {
  assert.throws(() => modelFor("ftp://example.org/v1"), /must use http or https/);
  assert.throws(() => modelFor("not a url"), /"not a url" as it is not a URL/);
  assert.throws(() => modelFor("http://127.0.0.1:1/v1", { topP: 0 }), RangeError);
  assert.throws(() => modelFor("http://127.0.0.1:1/v1", { maxTokens: 0 }), RangeError);
  assert.throws(
    () => modelFor("http://127.0.0.1:1/v1", { extraBody: { messages: [] } }),
    /extra request field 'messages' as vlmeval sets it itself/,
  );
  assert.throws(() => modelFor("http://127.0.0.1:1/v1", { nproc: 0 }), RangeError);
  assert.throws(() => modelFor("http://127.0.0.1:1/v1", { retries: -1 }), RangeError);
  assert.throws(() => modelFor("http://127.0.0.1:1/v1", { apiKeyEnv: "A B" }), TypeError);
});

Deno.test(
  "createOpenAIModel() never shows the key in logs, failure messages or errors, and keeps answers as sent",
  withKey(async () => {
    const captured: string[] = [];
    const original = { ...console };
    for (const level of ["log", "error", "warn", "info", "debug"] as const) {
      console[level] = (...args: unknown[]) => captured.push(args.map(String).join(" "));
    }
    const echo = (req: ReceivedRequest) => req.headers.get("authorization") ?? "";
    const echoingReplies = [
      (req: ReceivedRequest): ScriptedReply => ({
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${echo(req)}` } },
      }),
      (req: ReceivedRequest): ScriptedReply => ({ status: 500, body: `upstream saw ${echo(req)}` }),
      (req: ReceivedRequest): ScriptedReply => ({ body: vllmChatCompletion(`echo ${echo(req)}`) }),
    ];
    const outputs: string[] = [];
    try {
      for (const reply of echoingReplies) {
        const server = startLoopbackVllmServer(reply);
        try {
          const model = modelFor(server.baseUrl, { verbose: true, retries: 1 });
          outputs.push(await model.generate([{ type: "text", value: "hi" }], CTX));
        } finally {
          await server.close();
        }
      }
      try {
        modelFor(`not a url ${KEY}`, { verbose: true });
      } catch (err) {
        outputs.push(String(err), (err as Error).stack ?? "");
      }
      const unreachable = modelFor(`http://127.0.0.1:1/${KEY}/v1`, { verbose: true, retries: 0 });
      outputs.push(Deno.inspect(unreachable, { depth: 10, showHidden: true }));
      outputs.push(await unreachable.generate([{ type: "text", value: "hi" }], CTX));
    } finally {
      Object.assign(console, original);
    }
    assert.equal(outputs.length, 7);
    assert.match(outputs[0], /Incorrect API key provided: Bearer \[REDACTED\]/);
    assert.match(outputs[1], /upstream saw Bearer \[REDACTED\]/);
    // An answer is data: even one that repeats the key is returned exactly as the server sent it.
    assert.equal(outputs[2], `echo Bearer ${KEY}`);
    outputs.splice(2, 1);
    assert.ok(captured.length >= 6, `expected verbose lines, got ${captured.length}`);
    assert.ok(captured.some((line) => line.includes("[REDACTED]")));
    for (const text of [...outputs, ...captured]) {
      assert.ok(!text.includes(KEY), `key leaked in: ${text}`);
      assert.ok(!text.includes(KEY.slice(8)), `key fragment leaked in: ${text}`);
    }
  }),
);

Deno.test("createOpenAIModel() halves its concurrency in a 429 burst and grows it back after", async () => {
  // Requests 10 to 29 are turned away with 429: a burst of rate limiting, then a healthy server.
  const server = startLoopbackVllmServer((req) =>
    req.n >= 10 && req.n < 30 ? { status: 429, body: { error: "rate limited" } } : { delayMs: 20 }
  );
  try {
    const model = modelFor(server.baseUrl, { nproc: 8, retries: 12 });
    const limits: number[] = [];
    const answers = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        model.generate([{ type: "text", value: `q${i}` }], {
          ...CTX,
          index: `${i}`,
          onUsage: (u) => limits.push(u.concurrency!),
        })),
    );
    assert.deepEqual(answers, Array(80).fill("A"));
    const report = model.concurrency();
    assert.ok(report.lowest <= 2, `shrank only to ${report.lowest}`);
    assert.ok(report.decreases >= 2, `halved ${report.decreases} times`);
    assert.equal(report.current, 8, "grew back to --api-nproc once the server kept up");
    assert.equal(limits.at(-1), 8, "the last calls report the regrown limit");
    assert.ok(Math.min(...limits) <= 2);
  } finally {
    await server.close();
  }
});

Deno.test("createOpenAIModel() with adaptiveConcurrency: false keeps nproc through 429s", async () => {
  const server = startLoopbackVllmServer((req) => req.n < 6 ? { status: 429 } : { delayMs: 10 });
  try {
    const model = modelFor(server.baseUrl, { nproc: 4, retries: 8, adaptiveConcurrency: false });
    await Promise.all(
      Array.from(
        { length: 12 },
        (_, i) => model.generate([{ type: "text", value: `q${i}` }], { ...CTX, index: `${i}` }),
      ),
    );
    assert.deepEqual(model.concurrency(), { max: 4, current: 4, lowest: 4, decreases: 0 });
  } finally {
    await server.close();
  }
});

Deno.test("createOpenAIModel() sends the generation settings and reports each call's usage", async () => {
  const server = startLoopbackVllmServer((req) =>
    req.n === 0 ? { status: 503 } : { body: vllmChatCompletion("B") }
  );
  try {
    const model = modelFor(server.baseUrl, {
      maxTokens: 64,
      temperature: 0.3,
      topP: 0.9,
      seed: 11,
      systemPrompt: "Be brief.",
      extraBody: { chat_template_kwargs: { enable_thinking: false } },
    });
    const usages: unknown[] = [];
    const answer = await model.generate([{ type: "text", value: "hi" }], {
      ...CTX,
      onUsage: (u) => usages.push({ ...u, latencyMs: typeof u.latencyMs }),
    });
    assert.equal(answer, "B");
    const body = JSON.parse(server.requests[1].body);
    assert.deepEqual(Object.keys(body), [
      "model",
      "messages",
      "max_tokens",
      "temperature",
      "top_p",
      "seed",
      "chat_template_kwargs",
    ]);
    assert.deepEqual(body.messages[0], { role: "system", content: "Be brief." });
    assert.deepEqual(
      [body.max_tokens, body.temperature, body.top_p, body.seed],
      [64, 0.3, 0.9, 11],
    );
    assert.deepEqual(body.chat_template_kwargs, { enable_thinking: false });
    assert.deepEqual(usages, [{
      promptTokens: 17,
      completionTokens: 1,
      requests: 2,
      retries: 1,
      latencyMs: "number",
      concurrency: 16, // the 503 halved the default 32
    }]);
  } finally {
    await server.close();
  }
});
