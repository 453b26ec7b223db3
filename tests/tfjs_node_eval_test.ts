/**
 * End-to-end: `vlmeval --backend tfjs-node` (TensorFlow 2.9.1's kernels, built from its PyPI
 * wheel by `deno task build:tfjs-node`, which `deno task test` runs first) evaluates the embedded
 * default, the bundled ShapesVLM on both bundled benchmarks, and gives the same prediction on
 * every row and the same score files as the default wasm backend.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readPredictions } from "@vlmeval/report";
import { REPO, runProcess } from "./helpers/distributed_cli.ts";

const BINDING = `${REPO}/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node`;
const DATASETS = ["Shapes_MCQ", "Shapes_Video_8frame_nopack"];

async function predictions(dir: string, dataset: string): Promise<Map<string, string>> {
  const table = await readPredictions(`${dir}/ShapesVLM/ShapesVLM_${dataset}.xlsx`);
  return new Map(table.rows.map((row) => [row.index, row.prediction]));
}

function summary(stdout: string): string[] {
  return stdout.split("\n").filter((l) => DATASETS.some((d) => l.startsWith(`${d} `)));
}

Deno.test("the embedded default on tfjs-node predicts and scores exactly as on wasm", async () => {
  assert.ok(
    existsSync(BINDING),
    `${BINDING} is missing: run \`deno task build:tfjs-node\` (\`deno task test\` does it in its set-up)`,
  );
  const workDir = await Deno.makeTempDir({ prefix: "vlmeval_tfjs_node_" });
  try {
    const runs: Record<string, { stdout: string; stderr: string }> = {};
    for (const backend of ["wasm", "tfjs-node"]) {
      const out = await runProcess([
        "--backend",
        backend,
        "--work-dir",
        `${workDir}/${backend}`,
        "--quiet",
      ]);
      assert.equal(out.code, 0, `${backend}: ${out.stderr}`);
      assert.match(
        out.stderr,
        new RegExp(`running the embedded default \\(.*backend ${backend}\\)`),
      );
      runs[backend] = out;
    }
    assert.doesNotMatch(runs["tfjs-node"].stderr, /cpu_feature_guard|Cannot use/);
    const lines = summary(runs["tfjs-node"].stdout);
    assert.equal(lines.length, 2, runs["tfjs-node"].stdout);
    assert.deepEqual(lines, summary(runs.wasm.stdout));

    for (const dataset of DATASETS) {
      const wasm = await predictions(`${workDir}/wasm`, dataset);
      const node = await predictions(`${workDir}/tfjs-node`, dataset);
      assert.ok(wasm.size >= 128, `${dataset}: ${wasm.size} rows`);
      assert.deepEqual([...node.keys()], [...wasm.keys()], `${dataset}: same rows`);
      const differ = [...wasm].filter(([index, answer]) => node.get(index) !== answer);
      assert.deepEqual(differ, [], `${dataset}: rows answered differently on tfjs-node`);
      assert.ok(new Set(wasm.values()).size >= 3, `${dataset}: a degenerate model`);
      const acc = `ShapesVLM/ShapesVLM_${dataset}_acc.csv`;
      assert.equal(
        await Deno.readTextFile(`${workDir}/tfjs-node/${acc}`),
        await Deno.readTextFile(`${workDir}/wasm/${acc}`),
        `${dataset}: accuracy tables differ`,
      );
    }
    const rating = "ShapesVLM/ShapesVLM_Shapes_Video_8frame_nopack_rating.json";
    assert.equal(
      await Deno.readTextFile(`${workDir}/tfjs-node/${rating}`),
      await Deno.readTextFile(`${workDir}/wasm/${rating}`),
    );
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
});
