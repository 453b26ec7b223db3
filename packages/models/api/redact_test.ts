import assert from "node:assert/strict";
import { redactSecret } from "./redact.ts";

Deno.test("redactSecret() replaces every plain and URL-encoded occurrence", () => {
  assert.equal(redactSecret("Bearer k/y+1 and k/y+1", "k/y+1"), "Bearer [REDACTED] and [REDACTED]");
  assert.equal(redactSecret("?key=k%2Fy%2B1", "k/y+1"), "?key=[REDACTED]");
  assert.equal(redactSecret("nothing here", undefined), "nothing here");
  assert.equal(redactSecret("nothing here", ""), "nothing here");
});
