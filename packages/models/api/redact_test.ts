import assert from "node:assert/strict";
import { MIN_SECRET_LENGTH, redactSecret } from "./redact.ts";

Deno.test("redactSecret() replaces every plain and URL-encoded occurrence of a long key", () => {
  const key = "sk/live+12345";
  assert.equal(redactSecret(`got ${key} and ${key}`, key), "got [REDACTED] and [REDACTED]");
  assert.equal(redactSecret("?key=sk%2Flive%2B12345", key), "?key=[REDACTED]");
  assert.equal(redactSecret("nothing here", undefined), "nothing here");
  assert.equal(redactSecret("nothing here", ""), "nothing here");
});

Deno.test("redactSecret() leaves text alone for a placeholder key shorter than the minimum", () => {
  for (const key of ["A", "x", "1", "EMPTY", "sk-123", "ollama"]) {
    assert.ok(key.length < MIN_SECRET_LENGTH);
    const text = `model EMPTY answered A, x1 and sk-123 (ollama)`;
    assert.equal(redactSecret(text, key), text, key);
  }
});

Deno.test("redactSecret() hides an echoed Authorization header whatever the key's length", () => {
  assert.equal(
    redactSecret("Incorrect API key provided: Bearer x", "x"),
    "Incorrect API key provided: Bearer [REDACTED]",
  );
  assert.equal(
    redactSecret(`{"headers": {"Authorization": "Bearer EMPTY", "x-api-key": "k1"}}`, "EMPTY"),
    `{"headers": {"Authorization": "[REDACTED]", "x-api-key": "[REDACTED]"}}`,
  );
  assert.equal(
    redactSecret("authorization: Basic dXNlcg==", undefined),
    "authorization: [REDACTED]",
  );
  assert.equal(
    redactSecret("Bearer sk-abcdefghijkl", "sk-abcdefghijkl"),
    "Bearer [REDACTED]",
  );
});
