import assert from "node:assert/strict";
import { excerpt, readChatReply } from "./chat_reply.ts";

Deno.test("readChatReply() takes choices[0].message.content", () => {
  const body = JSON.stringify({ choices: [{ message: { role: "assistant", content: "B" } }] });
  assert.deepEqual(readChatReply(body), { ok: true, content: "B", usage: {} });
});

Deno.test("readChatReply() keeps the token counts of usage", () => {
  const body = JSON.stringify({
    choices: [{ message: { content: "B" } }],
    usage: { prompt_tokens: 17, completion_tokens: 3, total_tokens: 20 },
  });
  assert.deepEqual(readChatReply(body), {
    ok: true,
    content: "B",
    usage: { promptTokens: 17, completionTokens: 3 },
  });
  const odd = JSON.stringify({
    choices: [{ message: { content: "B" } }],
    usage: { prompt_tokens: "x" },
  });
  assert.deepEqual(readChatReply(odd), { ok: true, content: "B", usage: {} });
});

Deno.test("readChatReply() joins text parts of a list content", () => {
  const content = [{ type: "text", text: "A" }, { type: "image_url" }, { type: "text", text: "." }];
  const body = JSON.stringify({ choices: [{ message: { content } }] });
  assert.deepEqual(readChatReply(body), { ok: true, content: "A.", usage: {} });
});

Deno.test("readChatReply() reports malformed bodies with a short reason", () => {
  const cases: [string, string][] = [
    [
      "<html><h1>Bad Gateway</h1></html>",
      "malformed reply (not JSON): <html><h1>Bad Gateway</h1></html>",
    ],
    ['{"choices":[{"mess', 'malformed reply (not JSON): {"choices":[{"mess'],
    ['{"id":"x"}', 'malformed reply (no choices): {"id":"x"}'],
    ['{"choices":[]}', 'malformed reply (no choices): {"choices":[]}'],
    [
      '{"choices":[{"message":{"content":null}}]}',
      "malformed reply (no choices[0].message.content)",
    ],
    ['{"choices":[{"message":{"content":"  "}}]}', "empty answer"],
    ["", "malformed reply (not JSON): (empty body)"],
  ];
  for (const [body, reason] of cases) {
    const reply = readChatReply(body);
    assert.equal(reply.ok, false, body);
    if (!reply.ok) assert.ok(reply.reason.startsWith(reason), `${reply.reason} for ${body}`);
  }
});

Deno.test("excerpt() makes one line and trims long text", () => {
  assert.equal(excerpt("a\n\n  b\tc"), "a b c");
  assert.equal(excerpt("x".repeat(300), 10), "xxxxxxxxxx...");
});
