/**
 * End to end through the CLI: `--config` model entries as VLMEvalKit writes them. A served
 * `OpenAIWrapper` entry's settings (system prompt, image detail and size, top_p, an extra
 * request field) reach a loopback vLLM-like server (`@vlmeval/models/testing`) and are what is
 * recorded for resume, whatever the command line's generation flags say; a wrong model id fails
 * the endpoint check (exit 7) before any sample; an in-process `SmolVLM` entry with the fixture
 * model folder answers a small benchmark offline, built with the command line's --device and
 * --batch-size.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import pngjs from "pngjs";
import { decodeImageBytes } from "@vlmeval/media";
import {
  isCheckRequest,
  type ReceivedRequest,
  startLoopbackVllmServer,
} from "@vlmeval/models/testing";
import { readPredictions } from "@vlmeval/report";
import { predictionPath, runProcess, writeMcqTsv } from "./helpers/distributed_cli.ts";
import { tempDirRunner } from "./helpers/temp_dir.ts";

const SERVED = "Qwen/Qwen2-VL-7B-Instruct";
const HF_TESTDATA = new URL("../packages/models/hf/testdata/", import.meta.url).pathname;

const withTemp = tempDirRunner("vlmeval-config-cli-");

/** The environment of a run: benchmarks under `dir`, no proxy, no endpoint from outside. */
function runEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LMUData: dir,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    HTTP_PROXY: "",
    http_proxy: "",
    HTTPS_PROXY: "",
    https_proxy: "",
    OPENAI_API_BASE: "",
    OPENAI_API_KEY: "",
    ...extra,
  };
}

/** Writes `config` to `<dir>/run.json` and runs the CLI on it. */
async function runConfig(dir: string, config: unknown, ...extra: string[]) {
  await Deno.writeTextFile(`${dir}/run.json`, JSON.stringify(config));
  return await runProcess(
    ["--config", `${dir}/run.json`, "--work-dir", `${dir}/out`, "--quiet", ...extra],
    { env: runEnv(dir) },
  );
}

/** The chat requests that asked a benchmark question (not the endpoint check). */
function questions(requests: ReceivedRequest[]): ReceivedRequest[] {
  return requests.filter((r) => r.method === "POST" && !isCheckRequest(r));
}

Deno.test("--config: an OpenAIWrapper entry's settings and extra fields reach the server and are recorded", async () => {
  await withTemp(async (dir) => {
    const png = new pngjs.PNG({ width: 64, height: 32 });
    png.data.fill(200);
    const image = Buffer.from(pngjs.PNG.sync.write(png)).toString("base64");
    await Deno.writeTextFile(
      `${dir}/Bench.tsv`,
      `index\timage\tquestion\tA\tB\tanswer\n0\t${image}\tWhich?\tx\ty\tA\n1\t${image}\tOther?\tx\ty\tB\n`,
    );
    const server = startLoopbackVllmServer(undefined, { servedModels: [SERVED] });
    const entry = {
      class: "OpenAIWrapper",
      model: SERVED,
      api_base: `${server.baseUrl}/chat/completions`,
      system_prompt: "Answer with a letter.",
      img_detail: "high",
      img_size: 16,
      top_p: 0.8,
      temperature: 0.1,
      max_tokens: 128,
      chat_template_kwargs: { enable_thinking: false },
      stream: false,
    };
    const config = (served: Record<string, unknown>) => ({
      model: { Served: served },
      data: { Bench: {} },
    });
    try {
      // The command line's generation flags shape --model runs only.
      const run = await runConfig(dir, config(entry), "--temperature", "0.9", "--top-p", "0.3");
      assert.equal(run.code, 0, run.stderr);
      const asked = questions(server.requests);
      assert.equal(asked.length, 2);
      for (const req of asked) {
        const body = JSON.parse(req.body);
        assert.deepEqual(
          [body.model, body.max_tokens, body.temperature, body.top_p, body.chat_template_kwargs],
          [SERVED, 128, 0.1, 0.8, { enable_thinking: false }],
        );
        assert.equal(body.stream, undefined);
        assert.deepEqual(body.messages[0], { role: "system", content: "Answer with a letter." });
        const part = body.messages[1].content.find((p: { type: string }) => p.type === "image_url");
        assert.equal(part.image_url.detail, "high");
        const sent = decodeImageBytes(
          new Uint8Array(Buffer.from(part.image_url.url.split(",")[1], "base64")),
          "sent",
        );
        assert.deepEqual([sent.width, sent.height], [16, 8]);
      }
      const status = JSON.parse(await Deno.readTextFile(`${dir}/out/Served/status.json`));
      assert.deepEqual(status.datasets.Bench.settings, {
        model: SERVED,
        max_tokens: 128,
        temperature: 0.1,
        top_p: 0.8,
        system_prompt: "Answer with a letter.",
        img_detail: "high",
        img_size: 16,
        extra_body: { chat_template_kwargs: { enable_thinking: false } },
      });
      assert.equal(
        (await readPredictions(predictionPath(`${dir}/out`, "Served", "Bench"))).rows.length,
        2,
      );

      // The entry's settings changed: the answers so far were made otherwise, the resume refused.
      const changed = await runConfig(dir, config({ ...entry, top_p: 0.5 }));
      assert.equal(changed.code, 2, changed.stderr);
      assert.match(changed.stderr, /other settings \(top_p: 0\.8 → 0\.5\)/);
      assert.equal(questions(server.requests).length, 2, "nothing asked with the new settings");
    } finally {
      await server.close();
    }
  });
});

Deno.test("--config: a wrong model in an entry fails the endpoint check (exit 7) before any sample", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 4);
    const server = startLoopbackVllmServer(undefined, { servedModels: [SERVED] });
    try {
      const run = await runConfig(dir, {
        model: {
          Served: { class: "GPT4V", model: "Qwen2-VL-7B", api_base: server.baseUrl, retry: 1 },
        },
        data: { Bench: {} },
      });
      assert.equal(run.code, 7, run.stderr);
      assert.match(
        run.stderr,
        /Cannot evaluate model "Qwen2-VL-7B" at .* as the server does not serve it .*: it serves Qwen\/Qwen2-VL-7B-Instruct/,
      );
      assert.match(run.stdout, /endpoint failed its check \(exit 7\)/);
      assert.equal(questions(server.requests).length, 0, "no sample was asked");
      const status = JSON.parse(await Deno.readTextFile(`${dir}/out/Served/status.json`));
      assert.equal(status.datasets.Bench.exit_code, 7);
    } finally {
      await server.close();
    }
  });
});

/** The fixture model's recorded answer (PyTorch, 12 new tokens) to its `default_tall` case. */
function recordedCase() {
  const parity = JSON.parse(Deno.readTextFileSync(join(HF_TESTDATA, "parity.json")));
  const c = parity.cases.find((x: { family: string; name: string }) =>
    x.family === "smolvlm" && x.name === "default_tall"
  );
  const image = c.message.find((m: { type: string }) => m.type === "image").value;
  return {
    row: c.row as Record<string, string>,
    image: Buffer.from(Deno.readFileSync(join(HF_TESTDATA, image))).toString("base64"),
    text: c.expected.text as string,
  };
}

Deno.test("--config: an in-process SmolVLM entry answers a benchmark offline as PyTorch did", async () => {
  await withTemp(async (dir) => {
    const recorded = recordedCase();
    const row = (index: string) =>
      [index, recorded.image, recorded.row.question, recorded.row.A, recorded.row.B, "A"].join(
        "\t",
      );
    await Deno.writeTextFile(
      `${dir}/Bench.tsv`,
      ["index\timage\tquestion\tA\tB\tanswer", row("0"), row("1"), ""].join("\n"),
    );
    const config = {
      model: {
        MySmol: {
          class: "SmolVLM",
          model_path: join(HF_TESTDATA, "smolvlm"),
          max_new_tokens: 12,
        },
      },
      data: { Bench: {} },
    };
    await Deno.writeTextFile(`${dir}/run.json`, JSON.stringify(config));
    const run = (...extra: string[]) =>
      runProcess([
        "--config",
        `${dir}/run.json`,
        "--work-dir",
        `${dir}/out`,
        "--mode",
        "infer",
        "--format",
        "json",
        "--quiet",
        ...extra,
      ], { env: runEnv(dir, { HF_HUB_OFFLINE: "1", HF_HOME: `${dir}/hf` }) });

    const wrongDevice = await run("--device", "tpu");
    assert.equal(wrongDevice.code, 2, wrongDevice.stderr);
    assert.match(
      wrongDevice.stderr,
      /Cannot use device "tpu" as it is not one of cpu, cuda, webgpu/,
    );

    const done = await run("--device", "cpu", "--batch-size", "2");
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /MySmol: .*smolvlm on cpu/);
    const table = await readPredictions(predictionPath(`${dir}/out`, "MySmol", "Bench", "json"));
    assert.deepEqual(table.rows.map((r) => r.prediction), [recorded.text, recorded.text]);
  });
});
