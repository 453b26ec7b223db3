/**
 * `scripts/gpu_tfjs_node_check.ts` where no GPU is: without CUDA it exits 6 (a missing
 * prerequisite) unless --allow-cpu, which checks the guard, the injected failure and the
 * releases on tfjs-node; with the FaultInjection CUDA driver (a stand-in, named so) the guard's
 * hooks go through the native addon and read device memory around every release. The GPU
 * checks themselves need a GPU machine (`bash scripts/gpu_tfjs_node.sh run`).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildFaultInjectionLibraries,
  faultInjectionEnv,
  hasCompiler,
} from "@vlmeval/native/testing";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SCRIPT = join(ROOT, "scripts", "gpu_tfjs_node_check.ts");
const BINDING = join(ROOT, "node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node");

async function check(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    env: { TF_CPP_MIN_LOG_LEVEL: "2", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("gpu_tfjs_node_check.ts exits 6 without CUDA, and 2 for a failure not mid-run", async () => {
  const noCuda = await check([], { VLMEVAL_CUDA_LIB: "/nonexistent/libcuda.so.1" });
  assert.equal(noCuda.code, 6, noCuda.stdout + noCuda.stderr);
  assert.match(noCuda.stdout, /CUDA unavailable \(library-not-found\)/);
  const bad = await check(["--samples", "10", "--fail-at", "9"], {});
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--fail-at must be between 1 and 8 \(mid-run\): current value is 9/);
});

Deno.test("gpu_tfjs_node_check.ts --allow-cpu checks the guard and the injected failure on tfjs-node", async () => {
  assert.ok(existsSync(BINDING), `${BINDING} is missing: run \`deno task build:tfjs-node\``);
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-gpu-tfjs-test-" });
  try {
    const json = join(dir, "report.json");
    const out = await check(
      ["--allow-cpu", "--backend", "tfjs-node", "--samples", "8", "--json", json],
      { VLMEVAL_CUDA_LIB: "/nonexistent/libcuda.so.1" },
    );
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /model loaded on CPU through TensorFlow/);
    assert.match(
      out.stdout,
      /ok {3}exactly the injected sample is recorded as failed: 4: Failed to obtain answer: InjectedFailure injected failure on sample 4/,
    );
    assert.match(
      out.stdout,
      /PASS on the CPU only \(CPU through TensorFlow; CUDA unavailable \(library-not-found\)\): the guard and the injected failure were checked, the GPU checks did not run/,
    );
    const report = JSON.parse(await Deno.readTextFile(json));
    assert.equal(report.job.exitCode, 0);
    assert.equal(report.job.shard.failed, 1);
    assert.equal(report.releases.length, 8, "7 after answered samples, 1 after the failure");
    assert.equal(report.releases.filter((r: { kind: string }) => r.kind === "failure").length, 1);
    assert.equal(report.synchronize.length, 1);
    assert.equal(report.synchronize[0].afterSamples, 5);
    assert.ok(report.checks.every((c: { ok: boolean }) => c.ok));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "gpu_tfjs_node_check.ts reads device memory around every release through the addon",
  ignore: !hasCompiler() || !existsSync(BINDING),
  async fn() {
    const libs = await buildFaultInjectionLibraries();
    try {
      const json = join(libs.dir, "report.json");
      const out = await check(
        ["--allow-cpu", "--backend", "tfjs-node", "--samples", "6", "--json", json],
        faultInjectionEnv(libs, "pooled"),
      );
      assert.equal(out.code, 0, out.stdout + out.stderr);
      assert.match(
        out.stdout,
        /release after 4 sample\(s\) \(the failure\): free [\d.]+ MiB -> [\d.]+ MiB/,
      );
      assert.match(
        out.stdout,
        /PASS on the CPU only \(CPU through TensorFlow; TensorFlow found no GPU\)/,
      );
      const report = JSON.parse(await Deno.readTextFile(json));
      assert.equal(report.releases.length, 6);
      for (const r of report.releases) {
        assert.equal(r.before.available, true);
        assert.equal(typeof r.before.freeBytes, "number");
        assert.equal(typeof r.after.freeBytes, "number");
        assert.equal(r.emptyCache.available, true);
      }
      assert.equal(report.synchronize[0].available, true);
    } finally {
      await Deno.remove(libs.dir, { recursive: true });
    }
  },
});

/** Runs scripts/gpu_tfjs_node.sh with `carry` as its carry folder. */
async function carryScript(args: string[], carry: string) {
  const out = await new Deno.Command("bash", {
    args: [join(ROOT, "scripts", "gpu_tfjs_node.sh"), ...args],
    env: { VLMEVAL_TFJS_GPU_CARRY: carry },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("gpu_tfjs_node.sh check and run refuse an incomplete carry folder (exit 6) before any work", async () => {
  const carry = await Deno.makeTempDir({ prefix: "vlmeval-carry-" });
  try {
    const missing = await carryScript(["run"], carry);
    assert.equal(missing.code, 6);
    assert.match(
      missing.stderr,
      /MANIFEST is missing; run 'bash scripts\/gpu_tfjs_node\.sh prepare' first/,
    );

    const files: Record<string, string> = {
      "deno.xz": "deno",
      "cuda_addon.linux-x64-gnu.node": "addon",
      "node_modules.tar.gz": "modules",
      "libtensorflow/lib/libtensorflow_framework.so.2": "framework",
      "libtensorflow/lib/_pywrap_tensorflow_internal.so": "c api",
      "libtensorflow/lib/libtfjs_python_stub.so": "stub",
      "libtensorflow/lib/libcudart.so.11.0": "cudart",
    };
    await Deno.mkdir(join(carry, "libtensorflow", "lib"), { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(carry, path), text);
    }
    const manifest = Object.entries(files).map(([path, text]) => `${text.length} ${path}`);
    await Deno.writeTextFile(join(carry, "MANIFEST"), manifest.join("\n") + "\n");
    const noCudnn = await carryScript(["check"], carry);
    assert.equal(noCudnn.code, 6);
    assert.match(noCudnn.stderr, /MANIFEST does not list libtensorflow\/lib\/libcudnn\.so\.8/);

    await Deno.writeTextFile(join(carry, "libtensorflow/lib/libcudnn.so.8"), "cudnn");
    await Deno.writeTextFile(
      join(carry, "MANIFEST"),
      [...manifest, "5 libtensorflow/lib/libcudnn.so.8"].join("\n") + "\n",
    );
    const complete = await carryScript(["check"], carry);
    assert.equal(complete.code, 0, complete.stderr);
    assert.match(complete.stderr, /is complete \(8 files\)/);

    await Deno.writeTextFile(join(carry, "node_modules.tar.gz"), "cut");
    const cut = await carryScript(["run", "--allow-cpu"], carry);
    assert.equal(cut.code, 6);
    assert.match(cut.stderr, /node_modules\.tar\.gz: expected 7 bytes, found 3/);
    assert.match(cut.stderr, /is incomplete \(1 problem\(s\)\)/);
  } finally {
    await Deno.remove(carry, { recursive: true });
  }
});
