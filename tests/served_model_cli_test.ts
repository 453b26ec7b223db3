/**
 * End-to-end: a served model as users run it, through the real CLI against a loopback server
 * that answers like vLLM (`@vlmeval/models/testing`): the endpoint check before the first
 * sample (wrong key, unknown model, wrong path, nothing listening), base URLs cut or completed,
 * the failure threshold and a run of identical failures (exit 8, the answers before them
 * kept), the generation settings sent and recorded, usage per sample and per benchmark,
 * `--limit`, and output names for model ids with `/`.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import pngjs from "pngjs";
import { readPredictions } from "@vlmeval/report";
import {
  isCheckRequest,
  type LoopbackServerOptions,
  type ReceivedRequest,
  type ReplyScript,
  startLoopbackVllmServer,
} from "@vlmeval/models/testing";
import { decodeImageBytes } from "@vlmeval/media";
import { journalPath, predictionPath, runProcess, writeMcqTsv } from "./helpers/distributed_cli.ts";
import { cliArgs, tempDirRunner } from "./helpers/temp_dir.ts";

const QWEN = "Qwen/Qwen2-VL-7B-Instruct";
const QWEN_DIR = "Qwen_Qwen2-VL-7B-Instruct";
const KEY = "sk-loopback-served-0123456789";

const withTemp = tempDirRunner("vlmeval-served-");

/** A vLLM-like server serving QWEN and answering the benchmark's questions (`A` by default). */
async function withServer(
  fn: (server: ReturnType<typeof startLoopbackVllmServer>) => Promise<void>,
  script: ReplyScript = () => ({}),
  options: LoopbackServerOptions = {},
) {
  const server = startLoopbackVllmServer(script, { servedModels: [QWEN], ...options });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** The chat requests that asked a benchmark question (not the endpoint check). */
function questions(requests: ReceivedRequest[]): ReceivedRequest[] {
  return requests.filter((r) => r.method === "POST" && !isCheckRequest(r));
}

function evalArgs(baseUrl: string, dir: string, ...extra: string[]): string[] {
  return modelArgs(QWEN, baseUrl, dir, ...extra);
}

function modelArgs(model: string, baseUrl: string, dir: string, ...extra: string[]): string[] {
  return [
    "--model",
    model,
    "--base-url",
    baseUrl,
    "--data",
    `${dir}/Bench.tsv`,
    "--work-dir",
    `${dir}/out`,
    "--quiet",
    ...extra,
  ];
}

async function statusOf(dir: string, model = QWEN_DIR) {
  return JSON.parse(await Deno.readTextFile(`${dir}/out/${model}/status.json`)).datasets.Bench;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("the endpoint check stops a wrong key, an unknown model and a wrong path before any sample", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 6);
    await withServer(
      async (server) => {
        const cases: [string[], Record<string, string>, RegExp][] = [
          [
            evalArgs(server.baseUrl, dir),
            { OPENAI_API_KEY: "sk-wrong-000000000000" },
            /as the server refused the key \(HTTP 401: \{"error":"Unauthorized"\}\): set \$OPENAI_API_KEY to a key this server accepts/,
          ],
          [
            modelArgs("Qwen2-VL-7B", server.baseUrl, dir),
            { OPENAI_API_KEY: KEY },
            /Cannot evaluate model "Qwen2-VL-7B" at .* as the server does not serve it \(HTTP 404: .*\): it serves Qwen\/Qwen2-VL-7B-Instruct; did you mean --model Qwen\/Qwen2-VL-7B-Instruct\?/,
          ],
          [
            evalArgs(`${server.baseUrl}/v2`, dir),
            { OPENAI_API_KEY: KEY },
            /as nothing answers chat completions there \(HTTP 404: \{"detail":"Not Found"\}\): --base-url must be the API root/,
          ],
        ];
        for (const [args, env, message] of cases) {
          const run = await runProcess(args, { env });
          assert.equal(run.code, 7, run.stderr);
          assert.match(run.stderr, message);
          assert.match(run.stdout, /endpoint failed its check \(exit 7\)/);
          assert.ok(!run.stdout.includes(" ok"), run.stdout);
        }
        assert.equal(questions(server.requests).length, 0, "no sample was asked");
        assert.ok(!await exists(`${dir}/out/images`), "no image was even decoded");
        assert.ok(!await exists(journalPath(`${dir}/out`, QWEN_DIR, "Bench")));
        const status = await statusOf(dir);
        assert.equal(status.status, "error");
        assert.equal(status.exit_code, 7);
        assert.ok(!JSON.stringify(status).includes(KEY));
      },
      undefined,
      { apiKey: KEY },
    );
  });
});

Deno.test("a model that transformers serve is not pinned to stops before any sample (exit 7)", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 6);
    await withServer(
      async (server) => {
        const run = await runProcess(modelArgs("tiny-smolvlm", server.baseUrl, dir));
        assert.equal(run.code, 7, run.stderr);
        assert.match(
          run.stderr,
          /Cannot evaluate model "tiny-smolvlm" at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions as the server does not serve it \(HTTP 400: \{"detail":"Server is pinned to '\/srv\/tiny-smolvlm'; requested 'tiny-smolvlm'\."\}\): it serves \/srv\/tiny-smolvlm; did you mean --model \/srv\/tiny-smolvlm\?/,
        );
        assert.equal(questions(server.requests).length, 0, "no sample was asked");
        assert.ok(!await exists(journalPath(`${dir}/out`, "tiny-smolvlm", "Bench")));
      },
      undefined,
      { servedModels: ["/srv/tiny-smolvlm"], unknownModel: "transformers" },
    );
  });
});

Deno.test("a server that is not listening is named from the error's cause chain (exit 7)", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 3);
    const closed = startLoopbackVllmServer();
    await closed.close();
    const run = await runProcess(evalArgs(closed.baseUrl, dir));
    assert.equal(run.code, 7, run.stderr);
    assert.match(
      run.stderr,
      /the check request failed: connection refused \(TypeError: fetch failed; caused by .*Connection refused \(os error 111\)\): is the server running/,
    );
  });
});

Deno.test("a .../chat/completions base URL is cut, and one without /v1 completed, with a note", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 4);
    await withServer(async (server) => {
      const cut = await runProcess(evalArgs(`${server.baseUrl}/chat/completions`, dir));
      assert.equal(cut.code, 0, cut.stderr);
      assert.match(
        cut.stderr,
        /names the chat endpoint itself \(VLMEvalKit's api_base style\); using its root/,
      );
      const origin = server.baseUrl.replace(/\/v1$/, "");
      const bare = await runProcess(evalArgs(origin, `${dir}`, "--work-dir", `${dir}/bare`));
      assert.equal(bare.code, 0, bare.stderr);
      assert.match(bare.stderr, /does not serve \/chat\/completions but .*\/v1 does: using it/);
      assert.ok(questions(server.requests).every((r) => r.path === "/v1/chat/completions"));
      assert.equal(questions(server.requests).length, 8);
    });
  });
});

Deno.test("a server that fails every request after 20 answers stops the run (exit 8), the 20 kept", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 100);
    let answered = 0;
    const dying: ReplyScript = (req) => {
      if (isCheckRequest(req)) return {};
      return ++answered <= 20 ? {} : { status: 500, body: "engine dead" };
    };
    await withServer(async (server) => {
      const run = await runProcess(
        evalArgs(server.baseUrl, dir, "--retry", "1", "--api-nproc", "2"),
      );
      assert.equal(run.code, 8, run.stderr);
      assert.match(
        run.stderr,
        /Stopped early as 5 samples in a row failed the same way: Failed to obtain answer via API\. HTTP 500: engine dead \(1 attempt\)\. Finished samples are kept/,
      );
      assert.match(run.stdout, /Bench .* too many failures \(exit 8\)/);
      assert.ok(
        questions(server.requests).length < 30,
        `${questions(server.requests).length} asked`,
      );
      const journal =
        (await Array.fromAsync(Deno.readDir(journalPath(`${dir}/out`, QWEN_DIR, "Bench"))))
          .filter((e) => e.name.endsWith(".jsonl"));
      const lines = (await Deno.readTextFile(
        `${journalPath(`${dir}/out`, QWEN_DIR, "Bench")}/${journal[0].name}`,
      )).trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(
        lines.filter((r) => r.ok).length,
        20,
        "every answer before the failures is kept",
      );
      const status = await statusOf(dir);
      assert.equal(status.status, "failed");
      assert.equal(status.exit_code, 8);
      assert.match(status.error_message, /5 samples in a row failed the same way/);
    }, dying);

    // The server is back: the rerun keeps the 20, retries the failures and asks the rest.
    await withServer(async (server) => {
      const rerun = await runProcess(evalArgs(server.baseUrl, dir));
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.equal(questions(server.requests).length, 80);
      assert.equal((await statusOf(dir)).status, "done");
    });
  });
});

Deno.test("the failure threshold stops any model: --skip-err with an unwritable image cache (exit 8, not done)", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 60);
    // The media cache's folder is a file: every image write fails, as on a read-only disk.
    await Deno.mkdir(`${dir}/out`, { recursive: true });
    await Deno.writeTextFile(`${dir}/out/images`, "not a folder");
    const args = cliArgs(dir, "ConstantAnswer");
    const run = await runProcess([...args, "--skip-err"]);
    assert.equal(run.code, 8, run.stderr);
    assert.match(run.stderr, /Stopped early as .*samples (failed|in a row failed)/);
    assert.ok(!/status\s*\n.*\bok\b/.test(run.stdout), run.stdout);
    const status = JSON.parse(await Deno.readTextFile(`${dir}/out/ConstantAnswer/status.json`))
      .datasets.Bench;
    assert.equal(status.status, "failed");
    assert.equal(status.exit_code, 8);
    assert.ok(!await exists(predictionPath(`${dir}/out`, "ConstantAnswer", "Bench")));

    // VLMEvalKit's behaviour, asked for by name: every failure recorded, exit 0.
    const never = await runProcess([...args, "--fail-on-error", "never"]);
    assert.equal(never.code, 0, never.stderr);
    assert.match(never.stdout, /60 samples, 60 failed to answer/);
  });
});

Deno.test("the failure threshold counts distinct failures of any model against the benchmark's size", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 40);
    const env = {
      SKIP_ERR: "1",
      VLMEVAL_FAULT_INJECTION: JSON.stringify({ failOn: ["3", "9", "15", "21", "27"] }),
    };
    const args = ["--model", "FaultInjection", "--data", `${dir}/Bench.tsv`, "--quiet"];
    const over = await runProcess([...args, "--work-dir", `${dir}/a`], { env });
    assert.equal(over.code, 8, over.stderr);
    assert.match(
      over.stderr,
      /Stopped early as 5 of 40 samples failed, more than 10% \(--fail-on-error 0\.1\); the last: Failed to obtain answer: RangeError injected failure on sample 27/,
    );
    const tolerated = await runProcess(
      [...args, "--work-dir", `${dir}/b`, "--fail-on-error", "6"],
      {
        env,
      },
    );
    assert.equal(tolerated.code, 0, tolerated.stderr);
    assert.match(tolerated.stdout, /40 samples, 5 failed to answer/);
  });
});

Deno.test("settings and usage are recorded; a resume with other settings is refused, answers unmixed", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 6);
    await withServer(async (server) => {
      const settings = [
        "--max-tokens",
        "64",
        "--temperature",
        "0.5",
        "--seed",
        "7",
        "--extra-body",
        '{"chat_template_kwargs": {"enable_thinking": false}}',
      ];
      const first = await runProcess(evalArgs(server.baseUrl, dir, ...settings));
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /Usage of the answers in the prediction files:/);
      assert.match(first.stdout, /Bench\s+6\s+6\s+0\s+102\s+6\s/);
      assert.match(
        first.stderr,
        /API: 6 requests \(0 retries\), 102 prompt \+ 6 completion tokens/,
      );
      const status = await statusOf(dir);
      assert.deepEqual(status.settings, {
        model: QWEN,
        max_tokens: 64,
        temperature: 0.5,
        seed: 7,
        extra_body: { chat_template_kwargs: { enable_thinking: false } },
      });
      assert.deepEqual(
        [status.usage.samples, status.usage.prompt_tokens, status.usage.completion_tokens],
        [6, 102, 6],
      );
      const journalDir = journalPath(`${dir}/out`, QWEN_DIR, "Bench");
      assert.deepEqual(
        JSON.parse(await Deno.readTextFile(`${journalDir}/settings.json`)),
        status.settings,
      );
      const journal = await Deno.readTextFile(`${journalDir}/rank0of1.jsonl`);
      const record = JSON.parse(journal.split("\n")[0]);
      assert.deepEqual(
        [record.usage.promptTokens, record.usage.completionTokens, record.usage.requests],
        [17, 1, 1],
      );

      const changed = await runProcess(
        evalArgs(server.baseUrl, dir, ...settings, "--temperature", "0.7"),
      );
      assert.equal(changed.code, 2, changed.stderr);
      assert.match(
        changed.stderr,
        /Cannot resume Bench for model Qwen_Qwen2-VL-7B-Instruct as its answers so far were made with other settings \(temperature: 0\.5 → 0\.7\): pass --model-name NAME/,
      );
      assert.equal(await Deno.readTextFile(`${journalDir}/rank0of1.jsonl`), journal, "untouched");
      assert.equal(questions(server.requests).length, 6, "nothing asked with the new settings");

      const apart = await runProcess(
        evalArgs(
          server.baseUrl,
          dir,
          ...settings,
          "--temperature",
          "0.7",
          "--model-name",
          "qwen-t07",
        ),
      );
      assert.equal(apart.code, 0, apart.stderr);
      assert.equal((await statusOf(dir, "qwen-t07")).settings.temperature, 0.7);
    });
  });
});

Deno.test("the generation flags reach the server, and images are shrunk to --img-size", async () => {
  await withTemp(async (dir) => {
    const png = new pngjs.PNG({ width: 64, height: 32 });
    png.data.fill(200);
    const image = Buffer.from(pngjs.PNG.sync.write(png)).toString("base64");
    await Deno.writeTextFile(
      `${dir}/Bench.tsv`,
      `index\timage\tquestion\tA\tB\tanswer\n0\t${image}\tWhich?\tx\ty\tA\n`,
    );
    await withServer(async (server) => {
      const run = await runProcess(evalArgs(
        server.baseUrl,
        dir,
        "--top-p",
        "0.9",
        "--system-prompt",
        "Answer with a letter.",
        "--img-detail",
        "low",
        "--img-size",
        "16",
      ));
      assert.equal(run.code, 0, run.stderr);
      const body = JSON.parse(questions(server.requests)[0].body);
      assert.equal(body.top_p, 0.9);
      assert.equal(body.max_tokens, 2048);
      assert.equal(body.temperature, 0);
      assert.deepEqual(body.messages[0], { role: "system", content: "Answer with a letter." });
      const part = body.messages[1].content.find((p: { type: string }) => p.type === "image_url");
      assert.equal(part.image_url.detail, "low");
      const url: string = part.image_url.url;
      assert.ok(url.startsWith("data:image/png;base64,"));
      const sent = decodeImageBytes(
        new Uint8Array(Buffer.from(url.split(",")[1], "base64")),
        "sent",
      );
      assert.deepEqual([sent.width, sent.height], [16, 8]);
    });
  });
});

Deno.test("--limit N asks the first N rows, the same on every run; a full run reuses them", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 12);
    await withServer(async (server) => {
      for (let run = 0; run < 2; run++) {
        const limited = await runProcess(
          evalArgs(server.baseUrl, dir, "--limit", "5", "--format", "tsv"),
        );
        assert.equal(limited.code, 0, limited.stderr);
        const table = await readPredictions(predictionPath(`${dir}/out`, QWEN_DIR, "Bench", "tsv"));
        assert.deepEqual(table.rows.map((r) => r.index), ["0", "1", "2", "3", "4"]);
        assert.equal((await statusOf(dir)).limit, 5);
      }
      const asked = (req: ReceivedRequest) => req.body.match(/Question (\d+):/)![1];
      assert.deepEqual(questions(server.requests).map(asked).sort(), ["0", "1", "2", "3", "4"]);
      const full = await runProcess(evalArgs(server.baseUrl, dir, "--format", "tsv"));
      assert.equal(full.code, 0, full.stderr);
      assert.match(full.stderr, /12 samples on this rank, 7 done, 5 reused/);
      assert.equal(questions(server.requests).length, 12);
    });
  });
});

Deno.test("a model id with / makes one folder, --model-name names it, $OPENAI_API_BASE serves it", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 3);
    await withServer(async (server) => {
      const byId = await runProcess(evalArgs(server.baseUrl, dir));
      assert.equal(byId.code, 0, byId.stderr);
      assert.deepEqual(
        (await Array.fromAsync(Deno.readDir(`${dir}/out`))).map((e) => e.name).sort(),
        [QWEN_DIR, "images"],
      );
      assert.ok(await exists(predictionPath(`${dir}/out`, QWEN_DIR, "Bench")));
      assert.match(byId.stdout, new RegExp(`${QWEN_DIR} on Bench`));

      const named = await runProcess(
        [
          "--model",
          QWEN,
          "--model-name",
          "qwen2-vl",
          "--data",
          `${dir}/Bench.tsv`,
          "--work-dir",
          `${dir}/out`,
          "--quiet",
        ],
        { env: { OPENAI_API_BASE: `${server.baseUrl}/chat/completions` } },
      );
      assert.equal(named.code, 0, named.stderr);
      assert.ok(await exists(predictionPath(`${dir}/out`, "qwen2-vl", "Bench")));
      assert.equal(questions(server.requests).length, 6);
    });
  });
});
