import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./build_native.ts", import.meta.url));

async function buildNative(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("build_native.ts --if-stale does nothing when the build is up to date", async () => {
  const { code, stderr } = await buildNative(["--if-stale"]);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /cuda_addon\.linux-x64-gnu\.node is up to date/);
  assert.equal((await buildNative(["--if-stale", "--quiet"])).stderr, "");
});

Deno.test("build_native.ts says how to get cargo when it is not on PATH", async () => {
  const { code, stderr } = await buildNative([], { PATH: "/nonexistent" });
  assert.equal(code, 1);
  assert.match(
    stderr,
    /Cannot build the CUDA addon as cargo is not on PATH: install Rust \(https:\/\/rustup\.rs\), then run `deno task build:native`/,
  );
});
