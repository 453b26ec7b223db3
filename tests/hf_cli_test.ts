/**
 * End-to-end through the CLI: the tiny SmolVLM and SmolVLM2 test models, given as folders,
 * answer benchmark TSVs (base64 image cells) exactly as VLMEvalKit's wrappers did with PyTorch,
 * under `deno task eval`'s permissions, and send nothing to the network: HF_ENDPOINT points at a
 * loopback server that must see no request.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { readPredictions } from "@vlmeval/report";
import { cliCommand } from "@vlmeval/cli/testing";
import { predictionPath, runProcess } from "./helpers/distributed_cli.ts";

const TESTDATA = new URL("../packages/models/hf/testdata/", import.meta.url).pathname;
const PARITY = JSON.parse(Deno.readTextFileSync(join(TESTDATA, "parity.json"))).cases as {
  name: string;
  family: string;
  dataset: string;
  split?: boolean;
  row: Record<string, string> | null;
  message: { type: string; value: string }[];
  expected: { text: string; token_ids: number[] };
}[];

/** `deno task eval`'s permissions, not -A. */
const TASK_COMMAND = cliCommand();

/** A server that records every request: the model must not make one. */
function startWatchedEndpoint() {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    requests.push(`${req.method} ${req.url}`);
    return new Response("no", { status: 500 });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    requests,
    close: () => server.shutdown(),
  };
}

/** One TSV row per parity case that has a dataset row, its image cell the PNG in base64. */
async function writeBench(path: string, cases: typeof PARITY): Promise<void> {
  // Only the columns the rows fill: an empty option column would make a yes/no row an MCQ one.
  const cols = ["index", "image", "question", "hint", "A", "B", "C", "D", "answer", "category"]
    .filter((k) =>
      ["index", "image", "answer", "category"].includes(k) || cases.some((c) => c.row![k])
    );
  const lines = [cols.join("\t")];
  cases.forEach((c, i) => {
    const image = c.message.find((m) => m.type === "image")!.value;
    const b64 = Buffer.from(Deno.readFileSync(join(TESTDATA, image))).toString("base64");
    const row: Record<string, string> = {
      ...c.row!,
      index: String(i),
      image: b64,
      answer: c.row!.A ? "A" : "Yes",
      category: "c",
    };
    lines.push(cols.map((k) => row[k] ?? "").join("\t"));
  });
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}

Deno.test("CLI: fixture folders answer TSV benchmarks as PyTorch did, batched or not, with no network use", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-hf-cli-" });
  const endpoint = startWatchedEndpoint();
  try {
    // Benchmarks by the names that pick the wrapper's branch: MMBench's, MME's, and any other.
    const byData = new Map<string, typeof PARITY>();
    for (const c of PARITY.filter((c) => c.row && c.split !== false)) {
      const data = c.dataset === "Shapes_MCQ" ? "MyBench" : c.dataset;
      const rows = byData.get(data) ?? [];
      // Rows are shared between families: one row per distinct question.
      if (!rows.some((r) => r.name === c.name)) rows.push(c);
      byData.set(data, rows);
    }
    for (const [data, rows] of byData) await writeBench(join(dir, `${data}.tsv`), rows);
    const datasets = [...byData.keys()].map((d) => join(dir, `${d}.tsv`));
    const run = async (families: string[], workDir: string, extra: string[]) => {
      const out = await runProcess([
        "--model",
        ...families.map((f) => join(TESTDATA, f)),
        "--data",
        ...datasets,
        "--work-dir",
        workDir,
        "--mode",
        "infer",
        "--format",
        "json",
        "--quiet",
        ...extra,
      ], {
        command: TASK_COMMAND,
        env: { HF_ENDPOINT: endpoint.url, HF_HOME: join(dir, "hf"), NO_COLOR: "1" },
      });
      assert.equal(out.code, 0, out.stderr);
      return out;
    };
    let compared = 0;
    const check = async (families: string[], workDir: string) => {
      for (const family of families) {
        for (const [data, rows] of byData) {
          const table = await readPredictions(predictionPath(workDir, family, data, "json"));
          rows.forEach((row, i) => {
            const expected = PARITY.find((c) => c.family === family && c.name === row.name);
            if (!expected) return;
            const got = table.rows.find((r) => r.index === String(i))!.prediction;
            assert.equal(got, expected.expected.text, `${family} ${data} ${row.name} (${workDir})`);
            compared++;
          });
        }
      }
    };
    // SmolVLM and SmolVLM2 with 12 new tokens (as recorded), one by one and in batches of 3.
    const smol = ["smolvlm", "smolvlm2"];
    const first = await run(smol, join(dir, "out1"), ["--max-new-tokens", "12"]);
    assert.match(
      first.stderr,
      /smolvlm: .* on cpu \(onnxruntime-node 1\.30\.0, cpu execution provider\)/,
    );
    await check(smol, join(dir, "out1"));
    await run(smol, join(dir, "out3"), ["--max-new-tokens", "12", "--batch-size", "3"]);
    await check(smol, join(dir, "out3"));
    // PaliGemma with its wrapper's own 512 new tokens, in batches of 2.
    await run(["paligemma"], join(dir, "outpg"), ["--batch-size", "2"]);
    await check(["paligemma"], join(dir, "outpg"));
    assert.ok(compared >= 12, `compared ${compared}`);
    assert.deepEqual(endpoint.requests, []);
  } finally {
    await endpoint.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CLI: a fixture folder answers every Shapes_MCQ sample, offline, and is scored", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-hf-cli-" });
  const endpoint = startWatchedEndpoint();
  try {
    const out = await runProcess([
      "--model",
      join(TESTDATA, "smolvlm"),
      "--data",
      "Shapes_MCQ",
      "--work-dir",
      dir,
      "--max-new-tokens",
      "4",
      "--quiet",
    ], { command: TASK_COMMAND, env: { HF_ENDPOINT: endpoint.url, HF_HOME: join(dir, "hf") } });
    assert.equal(out.code, 0, out.stderr);
    assert.match(
      out.stdout + out.stderr,
      /smolvlm on Shapes_MCQ: 300 samples on this rank, 300 done, 0 reused, 0 failed/,
    );
    const table = await readPredictions(predictionPath(dir, "smolvlm", "Shapes_MCQ"));
    assert.equal(table.rows.length, 300);
    assert.ok(table.rows.every((r) => !r.prediction.startsWith("Failed to obtain answer")));
    assert.deepEqual(endpoint.requests, []);
  } finally {
    await endpoint.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CLI: a VLMEvalKit model name offline without its files exits 6 naming what to fetch", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-hf-cli-" });
  try {
    const out = await runProcess([
      "--model",
      "SmolVLM-256M",
      "--data",
      "Shapes_MCQ",
      "--work-dir",
      dir,
      "--quiet",
    ], { command: TASK_COMMAND, env: { HF_HOME: join(dir, "hf"), HF_HUB_OFFLINE: "1" } });
    assert.equal(out.code, 6, out.stderr);
    assert.match(out.stderr, /HF_HUB_OFFLINE is set/);
    assert.match(out.stderr, /huggingface-cli download HuggingFaceTB\/SmolVLM-256M-Instruct/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
