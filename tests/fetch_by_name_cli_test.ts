/**
 * End to end through the CLI: benchmarks fetched on demand. A `--config` file (VLMEvalKit's
 * format) names a served model with its settings and a benchmark outside the catalog by `url`
 * and `md5`, which is fetched from a loopback server, inferred and scored; `--data
 * MMBench_DEV_EN` is fetched through `VLMEVAL_DATA_MIRROR` (MD5 from a test catalog file,
 * `$VLMEVAL_CATALOG`), once for two ranks, and a file that is not the catalog's fails loudly.
 */
import assert from "node:assert/strict";
import { isCheckRequest } from "@vlmeval/models/testing";
import { readPredictions } from "@vlmeval/report";
import { runProcess } from "./helpers/distributed_cli.ts";
import {
  csvByRow,
  md5Hex,
  PNG,
  requestText,
  runEnv,
  startFileServer,
  startServedModel,
  tsv,
  withTemp,
} from "./helpers/benchmark_servers.ts";

const LAB = tsv(["index", "image", "question", "answer"], [
  ["0", PNG, "Q-lv0 Which animal?", "['cat', 'cat', 'cat', 'cat']"],
  ["1", PNG, "Q-lv1 Which other animal?", "['dog', 'dog', 'dog', 'dog']"],
  ["2", PNG, "Q-lv2 Which colour?", "['red', 'red', 'red', 'red']"],
]);

const KEY = "sk-config-secret-0123456789";

Deno.test("--config: a benchmark outside the catalog is fetched by url and md5, inferred and scored", async () => {
  await withTemp(async (dir) => {
    const server = startFileServer({ "/lab/LabVQA_v1.tsv": LAB });
    const model = startServedModel({ lv0: "cat", lv1: "A dog.", lv2: "blue" });
    const config = (md5: string, extra: Record<string, unknown> = {}) => ({
      model: {
        Served: {
          class: "OpenAIWrapper",
          model: "served-vlm",
          api_base: `${model.baseUrl}/chat/completions`,
          key: KEY,
          max_tokens: 64,
          temperature: 0.3,
          retry: 2,
          ...extra,
        },
      },
      data: {
        LabVQA: { class: "ImageVQADataset", url: `${server.origin}/lab/LabVQA_v1.tsv`, md5 },
      },
    });
    const path = `${dir}/run.json`;
    const run = async (content: unknown) => {
      await Deno.writeTextFile(path, JSON.stringify(content));
      return await runProcess(["--config", path, "--work-dir", `${dir}/out`, "--quiet"], {
        env: runEnv(dir),
      });
    };
    try {
      const unmapped = await run(config(md5Hex(LAB), { img_detail: "medium" }));
      assert.equal(unmapped.code, 2, unmapped.stderr);
      assert.match(unmapped.stderr, new RegExp(`key "img_detail" of model "Served" of ${path}`));
      assert.equal(server.requests.length + model.requests.length, 0, "nothing ran");

      const wrong = await run(config("f".repeat(32)));
      assert.equal(wrong.code, 4, wrong.stderr);
      assert.match(wrong.stderr, new RegExp(`f{32}.*${md5Hex(LAB)}|${md5Hex(LAB)}.*f{32}`));
      assert.equal(await Deno.stat(`${dir}/LMUData/LabVQA.tsv`).catch(() => null), null);
      assert.equal(model.requests.length, 0, "no inference on a file that is not the one named");

      const done = await run(config(md5Hex(LAB)));
      assert.equal(done.code, 0, done.stdout + done.stderr);
      assert.deepEqual(await Deno.readFile(`${dir}/LMUData/LabVQA.tsv`), LAB);
      // The endpoint is checked first (the model list, one "hello"), then the three questions.
      const asked = model.requests.filter((r) => r.method === "POST" && !isCheckRequest(r));
      assert.equal(model.requests.length - asked.length, 2, "the endpoint check");
      assert.equal(asked.length, 3);
      for (const { body } of asked.map(requestText)) {
        assert.deepEqual([body.model, body.max_tokens, body.temperature], ["served-vlm", 64, 0.3]);
      }
      for (const req of model.requests) {
        assert.equal(req.headers.get("authorization"), `Bearer ${KEY}`);
      }
      // Files are named by the config's keys; ImageVQADataset's default rule is the VQA score.
      const stem = `${dir}/out/Served/Served_LabVQA`;
      assert.equal((await readPredictions(`${stem}.xlsx`)).rows.length, 3);
      assert.ok((await Deno.stat(`${stem}_results.xlsx`)).isFile);
      const [acc] = (await csvByRow(`${stem}_acc.csv`)).values();
      // "A dog." is "dog" after VQA answer processing; "blue" is wrong.
      assert.ok(Math.abs(Number(acc.Overall) - 200 / 3) < 1e-9, acc.Overall);
      assert.match(done.stdout, /^LabVQA\s+66\.667\s+VQA score %\s+3\s+0\s/m);
      const status = await Deno.readTextFile(`${dir}/out/Served/status.json`);
      for (const text of [done.stdout, done.stderr, wrong.stderr, status]) {
        assert.ok(!text.includes(KEY), "the key is never shown");
      }
    } finally {
      await Promise.all([model.close(), server.close()]);
    }
  });
});

/** Two questions, the first with a rotated copy (index + 1e6): MMBench's circular layout. */
const MMBENCH = tsv(["index", "image", "question", "A", "B", "answer", "category", "split"], [
  ["0", PNG, "Which animal?", "cat", "dog", "A", "coarse", "dev"],
  ["1", PNG, "Which colour?", "red", "blue", "A", "fine", "dev"],
  ["1000000", PNG, "Which animal?", "dog", "cat", "B", "coarse", "dev"],
]);

Deno.test("--data MMBench_DEV_EN is fetched through VLMEVAL_DATA_MIRROR once for two ranks", async () => {
  await withTemp(async (dir) => {
    const server = startFileServer({ "/utils/benchmarks/MMBench/MMBench_DEV_EN.tsv": MMBENCH });
    const catalog = `${dir}/catalog.json`;
    const env = runEnv(dir, { VLMEVAL_DATA_MIRROR: server.origin, VLMEVAL_CATALOG: catalog });
    const run = async (md5: string, ...extra: string[]) => {
      await Deno.writeTextFile(catalog, JSON.stringify({ MMBench_DEV_EN: { md5 } }));
      return await runProcess(
        [
          "--model",
          "ConstantAnswer",
          "--data",
          "MMBench_DEV_EN",
          "--work-dir",
          `${dir}/out`,
          ...extra,
        ],
        { env },
      );
    };
    try {
      const wrong = await run("0".repeat(32), "--quiet");
      assert.equal(wrong.code, 4, wrong.stderr);
      assert.match(wrong.stderr, /MMBench_DEV_EN/);
      assert.equal(await Deno.stat(`${dir}/LMUData/MMBench_DEV_EN.tsv`).catch(() => null), null);

      server.requests.length = 0;
      const done = await run(md5Hex(MMBENCH), "--nproc", "2", "--quiet");
      assert.equal(done.code, 0, done.stdout + done.stderr);
      assert.deepEqual(server.requests, ["/utils/benchmarks/MMBench/MMBench_DEV_EN.tsv"]);
      assert.deepEqual(await Deno.readFile(`${dir}/LMUData/MMBench_DEV_EN.tsv`), MMBENCH);
      // ConstantAnswer says A: question 1 is right, question 0 fails its rotation.
      const stem = `${dir}/out/ConstantAnswer/ConstantAnswer_MMBench_DEV_EN`;
      const acc = await csvByRow(`${stem}_acc.csv`);
      assert.equal(Number(acc.get("dev")!.Overall), 0.5);
      const result = await readPredictions(`${stem}_exact_matching_result.xlsx`);
      assert.deepEqual(result.rows.map((r) => [r.index, r.hit]), [["0", "0"], ["1", "1"]]);

      // Present and verified: used as it is.
      const again = await run(md5Hex(MMBENCH), "--quiet", "--mode", "eval");
      assert.equal(again.code, 0, again.stderr);
      assert.equal(server.requests.length, 1);
      assert.match(again.stdout, /^MMBench_DEV_EN\s+0\.500\s+circular accuracy\s+2\s+0\s/m);
    } finally {
      await server.close();
    }
  });
});
