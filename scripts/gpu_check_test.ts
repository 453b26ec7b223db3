import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import {
  buildFaultInjectionLibraries,
  faultInjectionEnv,
  type FaultInjectionScenario,
  hasCompiler,
} from "@vlmeval/native/testing";

const script = fileURLToPath(new URL("./gpu_check.ts", import.meta.url));

async function check(env: Record<string, string>, args: string[] = []) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-ffi", "--allow-read", "--allow-env", "--allow-write", script, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, stdout: new TextDecoder().decode(output.stdout) };
}

Deno.test("gpu_check.ts exits 6 with the real reason when CUDA is unavailable", async () => {
  const { code, stdout } = await check({ VLMEVAL_CUDA_LIB: "/nonexistent/libcuda.so.1" });
  assert.equal(code, 6, stdout);
  assert.match(
    stdout,
    /CUDA unavailable \(library-not-found\): CUDA driver library cannot be opened/,
  );
});

Deno.test({
  name: "gpu_check.ts passes when emptyCache returns the pooled memory, and fails on a fault",
  ignore: !hasCompiler(),
  async fn() {
    const libs = await buildFaultInjectionLibraries();
    try {
      const env = (scenario: FaultInjectionScenario) => faultInjectionEnv(libs, scenario);
      const json = join(libs.dir, "report.json");
      const pass = await check(env("inactive"), [
        "--bytes",
        String(32 * 1024 * 1024),
        "--json",
        json,
      ]);
      assert.equal(pass.code, 0, pass.stdout);
      assert.match(pass.stdout, /synchronize before any CUDA use: ran=false/);
      assert.match(pass.stdout, /PASS: emptyCache returned 32\.0 MiB of pooled memory to device 0/);
      const report = JSON.parse(await Deno.readTextFile(json));
      assert.equal(report.emptyCache.releasedBytes, 32 * 1024 * 1024);
      assert.match(report.verdict, /^PASS/);

      const fault = await check(env("sync-error"));
      assert.equal(fault.code, 1, fault.stdout);
      assert.match(
        fault.stdout,
        /FAIL: Cannot synchronize CUDA device 0 as cuCtxSynchronize failed/,
      );
    } finally {
      await Deno.remove(libs.dir, { recursive: true });
    }
  },
});
