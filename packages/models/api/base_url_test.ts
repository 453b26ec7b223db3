import assert from "node:assert/strict";
import { apiRootOf, endpointUrl, withV1 } from "./base_url.ts";

Deno.test("apiRootOf() cuts a .../chat/completions URL back to its root, with a note", () => {
  const cut = apiRootOf("http://127.0.0.1:8000/v1/chat/completions/");
  assert.equal(cut.root, "http://127.0.0.1:8000/v1");
  assert.match(cut.note!, /names the chat endpoint itself \(VLMEvalKit's api_base style\)/);
  assert.equal(endpointUrl(cut, "chat/completions"), "http://127.0.0.1:8000/v1/chat/completions");
  const plain = apiRootOf(" https://api.openai.com/v1/ ");
  assert.deepEqual(plain, { root: "https://api.openai.com/v1", query: "", note: undefined });
});

Deno.test("apiRootOf() keeps a query string for every endpoint", () => {
  const api = apiRootOf("https://x.example/openai/deployments/d/chat/completions?api-version=1");
  assert.equal(api.root, "https://x.example/openai/deployments/d");
  assert.equal(
    endpointUrl(api, "models"),
    "https://x.example/openai/deployments/d/models?api-version=1",
  );
});

Deno.test("apiRootOf() refuses what is not an http(s) URL, through redact", () => {
  const redact = (t: string) => t.replaceAll("sk-secret", "[REDACTED]");
  assert.throws(
    () => apiRootOf("localhost:8000 sk-secret", redact),
    (err: Error) =>
      err instanceof TypeError && err.message.includes("[REDACTED]") &&
      !err.message.includes("sk-secret"),
  );
  assert.throws(() => apiRootOf("ftp://host/v1"), /must use http or https: current scheme is ftp:/);
});

Deno.test("withV1() adds /v1 only to a root without a version segment", () => {
  assert.equal(withV1(apiRootOf("http://127.0.0.1:8000"))?.root, "http://127.0.0.1:8000/v1");
  assert.equal(withV1(apiRootOf("http://host/api"))?.root, "http://host/api/v1");
  assert.equal(withV1(apiRootOf("http://host:8000/v1")), undefined);
  assert.equal(
    withV1(apiRootOf("https://generativelanguage.googleapis.com/v1beta/openai/")),
    undefined,
  );
  assert.equal(withV1(apiRootOf("https://dashscope.aliyuncs.com/compatible-mode/v1")), undefined);
});
