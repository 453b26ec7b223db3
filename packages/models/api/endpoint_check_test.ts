import assert from "node:assert/strict";
import { EXIT_CODES, exitCodeOf } from "@vlmeval/schema";
import { startLoopbackVllmServer, vllmChatCompletion } from "../testing/fake_vllm_server.ts";
import {
  checkEndpoint,
  closest,
  EndpointCheckError,
  type EndpointProblem,
} from "./endpoint_check.ts";
import { redactSecret } from "./redact.ts";

const KEY = "sk-loopback-0123456789abcdef";

function check(
  baseUrl: string,
  extra: { apiKey?: string; model?: string; timeoutMs?: number } = {},
) {
  return checkEndpoint({
    model: extra.model ?? "Qwen/Qwen2-VL-7B-Instruct",
    baseUrl,
    apiKey: extra.apiKey,
    apiKeyEnv: "VLLM_KEY",
    fields: { max_tokens: 2048, temperature: 0 },
    timeoutMs: extra.timeoutMs ?? 5000,
    fetch: globalThis.fetch,
    redact: (text) => redactSecret(text, extra.apiKey),
    retryDelayMs: 5,
  });
}

async function failure(pending: Promise<unknown>, problem: EndpointProblem): Promise<string> {
  const err = await pending.then(() => undefined, (e) => e);
  assert.ok(err instanceof EndpointCheckError, `expected an EndpointCheckError, got ${err}`);
  assert.equal(err.problem, problem, err.message);
  assert.equal(exitCodeOf(err), EXIT_CODES.endpoint);
  return err.message;
}

const SERVED = { servedModels: ["Qwen/Qwen2-VL-7B-Instruct"] };

Deno.test("checkEndpoint() lists the models, sends one small request and keeps the root", async () => {
  const server = startLoopbackVllmServer(undefined, SERVED);
  try {
    const result = await check(server.baseUrl);
    assert.deepEqual(result.served, ["Qwen/Qwen2-VL-7B-Instruct"]);
    assert.equal(result.api.root, server.baseUrl);
    assert.deepEqual(result.notes, []);
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), [
      "GET /v1/models",
      "POST /v1/chat/completions",
    ]);
    const body = JSON.parse(server.requests[1].body);
    assert.deepEqual(body.messages, [{ role: "user", content: "hello" }]);
    assert.equal(body.max_tokens, 16);
    assert.equal(body.temperature, 0);
  } finally {
    await server.close();
  }
});

Deno.test("checkEndpoint() cuts .../chat/completions and finds a missing /v1 by trying", async () => {
  const server = startLoopbackVllmServer(undefined, SERVED);
  try {
    const cut = await check(`${server.baseUrl}/chat/completions`);
    assert.equal(cut.api.root, server.baseUrl);
    assert.match(cut.notes[0], /names the chat endpoint itself/);
    const origin = server.baseUrl.replace(/\/v1$/, "");
    const found = await check(origin);
    assert.equal(found.api.root, server.baseUrl);
    assert.deepEqual(found.served, ["Qwen/Qwen2-VL-7B-Instruct"]);
    assert.equal(
      found.notes[0],
      `${origin} does not serve /chat/completions but ${server.baseUrl} does: using it (add ` +
        `/v1 to --base-url to silence this note)`,
    );
  } finally {
    await server.close();
  }
});

Deno.test("checkEndpoint() names a refused key, and a missing one, with the variable to set", async () => {
  const server = startLoopbackVllmServer(undefined, { ...SERVED, apiKey: KEY });
  try {
    const wrong = await failure(
      check(server.baseUrl, { apiKey: "sk-wrong-key-000000000" }),
      "auth",
    );
    assert.equal(
      wrong,
      `Cannot evaluate model "Qwen/Qwen2-VL-7B-Instruct" at ${server.baseUrl}/chat/completions ` +
        `as the server refused the key (HTTP 401: {"error":"Unauthorized"}): set $VLLM_KEY to a ` +
        `key this server accepts (vLLM: the value of its --api-key)`,
    );
    const none = await failure(check(server.baseUrl), "auth");
    assert.match(none, /no key was sent as \$VLLM_KEY is unset or empty/);
    assert.ok((await check(server.baseUrl, { apiKey: KEY })).served);
  } finally {
    await server.close();
  }
});

Deno.test("checkEndpoint() keeps a key written into the URL out of its message", async () => {
  const server = startLoopbackVllmServer(undefined, { ...SERVED, apiKey: KEY });
  try {
    const url = `${server.baseUrl.replace("/v1", "")}/${KEY}/v1`;
    const message = await failure(check(url, { apiKey: KEY }), "path");
    assert.ok(!message.includes(KEY), message);
    assert.match(message, /\/\[REDACTED\]\/v1\/chat\/completions/);
  } finally {
    await server.close();
  }
});

Deno.test("checkEndpoint() lists the served models and suggests the closest for an unknown one", async () => {
  const server = startLoopbackVllmServer(undefined, {
    servedModels: ["Qwen/Qwen2-VL-7B-Instruct", "OpenGVLab/InternVL3-8B"],
  });
  try {
    const message = await failure(
      check(server.baseUrl, { model: "Qwen2-VL-7B-Instruct" }),
      "model",
    );
    assert.equal(
      message,
      `Cannot evaluate model "Qwen2-VL-7B-Instruct" at ${server.baseUrl}/chat/completions as ` +
        "the server does not serve it (HTTP 404: " +
        '{"object":"error","message":"The model `Qwen2-VL-7B-Instruct` does not exist.",' +
        '"type":"NotFoundError","param":null,"code":404}): it serves Qwen/Qwen2-VL-7B-Instruct, ' +
        "OpenGVLab/InternVL3-8B; did you mean --model Qwen/Qwen2-VL-7B-Instruct?",
    );
  } finally {
    await server.close();
  }
  assert.equal(
    closest("internvl3-8b", ["Qwen/Qwen2-VL-7B-Instruct", "OpenGVLab/InternVL3-8B"]),
    "OpenGVLab/InternVL3-8B",
  );
});

Deno.test("checkEndpoint() takes a 4xx for a model the server does not list as the model", async () => {
  // `transformers serve MODEL` (5.25) lists MODEL alone and refuses any other with a 400 whose
  // words name no "model": the list tells.
  const pinned = startLoopbackVllmServer(undefined, {
    servedModels: ["/models/tiny-smolvlm"],
    unknownModel: "transformers",
  });
  // A server that lists nothing (it loads models on demand) gives no such hint: noted only.
  const unlisted = startLoopbackVllmServer(() => ({
    status: 400,
    body: { detail: "Server is pinned to 'x'; requested 'y'." },
  }));
  try {
    const message = await failure(check(pinned.baseUrl, { model: "tiny-smolvlm" }), "model");
    assert.equal(
      message,
      `Cannot evaluate model "tiny-smolvlm" at ${pinned.baseUrl}/chat/completions as the server ` +
        `does not serve it (HTTP 400: {"detail":"Server is pinned to '/models/tiny-smolvlm'; ` +
        `requested 'tiny-smolvlm'."}): it serves /models/tiny-smolvlm; did you mean --model ` +
        `/models/tiny-smolvlm?`,
    );
    assert.deepEqual((await check(pinned.baseUrl, { model: "/models/tiny-smolvlm" })).notes, []);
    assert.match(
      (await check(unlisted.baseUrl)).notes[0],
      /got HTTP 400 .*Server is pinned to 'x'; requested 'y'.*; going on/,
    );
  } finally {
    await pinned.close();
    await unlisted.close();
  }
});

Deno.test("checkEndpoint() names a wrong path, and a reply that is not a chat completion", async () => {
  const server = startLoopbackVllmServer(undefined, SERVED);
  const page = startLoopbackVllmServer(() => ({ body: "<html>dashboard</html>" }));
  try {
    const message = await failure(check(`${server.baseUrl}/extra`), "path");
    assert.match(
      message,
      /as nothing answers chat completions there \(HTTP 404: \{"detail":"Not Found"\}\): --base-url must be the API root/,
    );
    const html = await failure(check(page.baseUrl), "path");
    assert.match(
      html,
      /answered HTTP 200 with something other than a chat completion \(<html>dashboard<\/html>\)/,
    );
  } finally {
    await server.close();
    await page.close();
  }
});

Deno.test("checkEndpoint() names refused connections, DNS, TLS and timeouts", async () => {
  const closed = startLoopbackVllmServer();
  const closedUrl = closed.baseUrl;
  await closed.close();
  const refused = await failure(check(closedUrl), "refused");
  assert.match(
    refused,
    /as the check request failed: connection refused \(TypeError: fetch failed; caused by .*Connection refused.*\): is the server running/,
  );

  const dns = await failure(check("http://no-such-host.invalid:8000/v1"), "dns");
  assert.match(dns, /host name not found \(DNS\).*: check the host name in --base-url/);

  const plain = startLoopbackVllmServer();
  const slow = startLoopbackVllmServer(() => ({ delayMs: 3000 }));
  try {
    const tls = await failure(check(plain.baseUrl.replace("http:", "https:")), "tls");
    assert.match(tls, /TLS handshake failed .*: check the scheme \(http or https\)/);
    const timeout = await failure(check(slow.baseUrl, { timeoutMs: 200 }), "timeout");
    assert.match(
      timeout,
      /the check request failed: timeout after 200 ms: the server did not answer in time/,
    );
  } finally {
    await plain.close();
    await slow.close();
  }
});

Deno.test("checkEndpoint() asks again after 5xx, then goes on with a note", async () => {
  const flaky = startLoopbackVllmServer((req) => req.n === 1 ? { status: 503 } : {});
  const broken = startLoopbackVllmServer(() => ({ status: 500, body: "CUDA out of memory" }));
  const picky = startLoopbackVllmServer(() => ({
    status: 400,
    body: { error: "top_k is not supported" },
  }));
  try {
    assert.deepEqual((await check(flaky.baseUrl)).notes, []);
    assert.equal(flaky.requests.filter((r) => r.method === "POST").length, 2);
    const noted = await check(broken.baseUrl);
    assert.equal(broken.requests.filter((r) => r.method === "POST").length, 3);
    assert.match(
      noted.notes[0],
      /got HTTP 500 \(CUDA out of memory\); going on, but samples may fail the same way/,
    );
    assert.match((await check(picky.baseUrl)).notes[0], /got HTTP 400 .*top_k is not supported/);
  } finally {
    await flaky.close();
    await broken.close();
    await picky.close();
  }
});

Deno.test("checkEndpoint() refuses a base URL that is not an http(s) URL, as a path problem", async () => {
  const message = await failure(check("localhost:8000/v1"), "path");
  assert.match(message, /^Cannot use base URL "localhost:8000\/v1" as it must use http or https/);
});

Deno.test("checkEndpoint() needs no model list: a server without one passes on its answer", async () => {
  const server = startLoopbackVllmServer(() => ({ body: vllmChatCompletion("Hi") }), {
    prefix: "/openai/v1",
  });
  try {
    const result = await check(server.baseUrl);
    assert.deepEqual(result.served, []);
    assert.deepEqual(result.notes, []);
  } finally {
    await server.close();
  }
});
