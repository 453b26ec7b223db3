import assert from "node:assert/strict";
import { EXIT_CODES, exitCodeOf } from "./exit_codes.ts";

Deno.test("exitCodeOf() reads the code an error class carries, and nothing else", () => {
  class Malformed extends Error {
    readonly exitCode = EXIT_CODES.badInput;
  }
  class Subclass extends Malformed {}
  assert.equal(exitCodeOf(new Malformed("x")), 4);
  assert.equal(exitCodeOf(new Subclass("x")), 4, "inherited with the class");
  assert.equal(exitCodeOf(new Error("plain")), undefined);
  assert.equal(exitCodeOf(Object.assign(new Error("odd"), { exitCode: 42 })), undefined);
  assert.equal(exitCodeOf(Object.assign(new Error("text"), { exitCode: "4" })), undefined);
  assert.equal(exitCodeOf({ exitCode: 4 }), undefined, "not an Error");
});
