/**
 * The test log reads as what it is: tests that provoke a failure on purpose (a Rust panic in the
 * addon) capture and check its output, and probes of WebGPU print nothing that looks like an
 * error (libwayland's "XDG_RUNTIME_DIR is invalid", without a display). Runs the test files that
 * used to print such lines, in a child `deno test` without XDG_RUNTIME_DIR, as CI runs them.
 */
import assert from "node:assert/strict";
import { REPO } from "./helpers/distributed_cli.ts";

const FILES = [
  "packages/native/native_cuda_test.ts",
  "packages/models/backends/release_caches_test.ts",
  "packages/models/backends/select_backend_test.ts",
];

Deno.test("the tests that provoke panics and probe WebGPU print nothing that looks like a failure", async () => {
  const env = Deno.env.toObject();
  delete env.XDG_RUNTIME_DIR;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--quiet", ...FILES],
    cwd: REPO,
    env: { ...env, NO_COLOR: "1" },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  for (const alarming of [/panicked at/, /stack backtrace/, /XDG_RUNTIME_DIR is invalid/]) {
    assert.doesNotMatch(text, alarming);
  }
});
