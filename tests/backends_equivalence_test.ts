/**
 * End-to-end: the bundled ShapesVLM gives the same answers on every tfjs backend that runs here
 * (cpu, wasm, tfjs-node on TensorFlow's kernels, and webgpu where an adapter exists), each
 * backend in its own process, on the first rows of Shapes_MCQ and the first clips of
 * Shapes_Video; a backend that cannot run fails clearly (exit 6), also through the CLI.
 * tfjs-node is built by `deno task build:tfjs-node` (run by `deno task test`'s set-up).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { BackendAnswers } from "./helpers/backend_answers.ts";
import { REPO, runProcess } from "./helpers/distributed_cli.ts";

const IMAGE_ROWS = 40;
const VIDEO_UNITS = 4;
const HELPER = `${REPO}/tests/helpers/backend_answers.ts`;
const WEIGHTS = `${REPO}/packages/models/bundled/shapes_vlm/model.json`;
const NO_WEIGHTS = existsSync(WEIGHTS)
  ? ""
  : `the bundled ShapesVLM weights are missing (${WEIGHTS})`;
const GPU_BINDING = `${REPO}/node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node`;
const GPU_BUILT = existsSync(GPU_BINDING)
  ? `the tfjs-node-gpu binding is built on this machine (${GPU_BINDING})`
  : "";

/** The helper's answers on `backend`, or undefined when the backend cannot run here (exit 6). */
async function answersOn(backend: string, workDir: string): Promise<BackendAnswers | undefined> {
  const out = await runProcess([backend, workDir, String(IMAGE_ROWS), String(VIDEO_UNITS)], {
    command: [Deno.execPath(), "run", "-A", HELPER],
  });
  if (out.code === 6 && backend === "webgpu") {
    console.warn(`webgpu left out, it cannot run here: ${out.stderr.trim()}`);
    return undefined;
  }
  assert.equal(out.code, 0, `${backend} answers failed with exit ${out.code}: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").at(-1)!);
}

Deno.test({
  name:
    `ShapesVLM answers the same on cpu, wasm, tfjs-node and webgpu (${IMAGE_ROWS} Shapes_MCQ rows, ${VIDEO_UNITS} Shapes_Video questions)${
      NO_WEIGHTS ? ` (skipped: ${NO_WEIGHTS})` : ""
    }`,
  ignore: NO_WEIGHTS !== "",
  async fn() {
    const workDir = await Deno.makeTempDir({ prefix: "vlmeval_backends_" });
    try {
      const results: BackendAnswers[] = [];
      for (const backend of ["cpu", "wasm", "tfjs-node", "webgpu"]) {
        const answers = await answersOn(backend, workDir);
        if (answers) results.push(answers);
      }
      const [cpu, ...others] = results;
      assert.equal(cpu.answers.length, IMAGE_ROWS + VIDEO_UNITS);
      const letters = new Set(cpu.answers.map(([, , a]) => a));
      assert.ok([...letters].every((a) => /^[A-D]$/.test(a)), [...letters].join());
      assert.ok(letters.size >= 3, `cpu answers only ${[...letters]}: a degenerate model`);
      assert.deepEqual(others.slice(0, 2).map((o) => o.backend), ["wasm", "tfjs-node"]);
      assert.equal(others[1].device, "CPU through TensorFlow");
      for (const other of others) {
        assert.equal(other.answers.length, cpu.answers.length, other.backend);
        const differ = other.answers.filter(([, key, a], i) =>
          cpu.answers[i][1] !== key || cpu.answers[i][2] !== a
        );
        assert.deepEqual(
          differ,
          [],
          `${other.backend} (${other.device}) answers differently from cpu on ${differ.length} unit(s)`,
        );
      }
    } finally {
      await Deno.remove(workDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    `tfjs-node-gpu without its binding fails clearly with exit 6, from the model and from the CLI${
      GPU_BUILT ? ` (skipped: ${GPU_BUILT})` : ""
    }`,
  ignore: GPU_BUILT !== "",
  async fn() {
    const workDir = await Deno.makeTempDir({ prefix: "vlmeval_backends_" });
    try {
      const helper = await runProcess(["tfjs-node-gpu", workDir, "1", "0"], {
        command: [Deno.execPath(), "run", "-A", HELPER],
      });
      assert.equal(helper.code, 6, helper.stderr);
      assert.match(
        helper.stderr,
        /^Cannot use the tfjs-node-gpu backend as @tensorflow\/tfjs-node-gpu is installed without its native binding/,
      );
      const cli = await runProcess([
        "--backend",
        "tfjs-node-gpu",
        "--data",
        "Shapes_MCQ",
        "--work-dir",
        workDir,
      ]);
      assert.equal(cli.code, 6, cli.stderr);
      assert.match(cli.stderr, /Run `deno task build:tfjs-node --gpu`/);
      assert.match(cli.stderr, /Otherwise use --backend wasm, webgpu or cpu/);
      assert.doesNotMatch(cli.stderr, /\n\s+at /, "no stack trace for a missing prerequisite");
    } finally {
      await Deno.remove(workDir, { recursive: true });
    }
  },
});
