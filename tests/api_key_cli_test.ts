/**
 * End-to-end: what the real CLI does with the API key of a served model and of a judge. Answers
 * are data and are kept exactly as the server sent them, whatever the key (placeholder keys such
 * as `A`, `x` or `EMPTY` are common with local servers); a real key that a server echoes in an
 * error body never reaches the terminal, the journal, the prediction file or `status.json`.
 */
import assert from "node:assert/strict";
import { readPredictions } from "@vlmeval/report";
import { predictionPath, runProcess, writeMcqTsv } from "./helpers/distributed_cli.ts";
import {
  isCheckRequest,
  type ReceivedRequest,
  startLoopbackVllmServer,
  vllmChatCompletion,
} from "@vlmeval/models/testing";
import { tempDirRunner } from "./helpers/temp_dir.ts";

const LONG_KEY = "sk-proj-7Qz1xV9mK2pL4nR8tW3yB6cF0hJ5dG";

const withTemp = tempDirRunner("vlmeval-apikey-");

/** Every file under `dir` as text, by path relative to it. */
async function filesUnder(dir: string, prefix = ""): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    const rel = `${prefix}${entry.name}`;
    if (entry.isDirectory) {
      for (const [p, text] of await filesUnder(path, `${rel}/`)) files.set(p, text);
    } else if (entry.isFile) {
      const bytes = await Deno.readFile(path);
      // xlsx files are zip archives: their text parts are deflated, so read them back as a table.
      files.set(
        rel,
        rel.endsWith(".xlsx")
          ? JSON.stringify((await readPredictions(path)).rows)
          : new TextDecoder().decode(bytes),
      );
    }
  }
  return files;
}

function assertNoKey(texts: Map<string, string>, key: string) {
  for (const [where, text] of texts) {
    assert.ok(!text.includes(key), `the key leaked into ${where}`);
  }
}

function modelArgs(server: { baseUrl: string }, data: string, dir: string): string[] {
  return ["--model", "m", "--base-url", server.baseUrl, "--data", data, "--work-dir", dir];
}

async function accuracyOf(dir: string): Promise<string> {
  return (await Deno.readTextFile(`${dir}/m/m_Bench_acc.csv`)).split("\n")[1];
}

Deno.test("a served model's answers score the same whatever text its API key holds", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 8);
    const server = startLoopbackVllmServer(() => ({ body: vllmChatCompletion("A") }));
    try {
      const runs: Record<string, { preds: string[]; acc: string }> = {};
      for (const key of ["A", "good-key-0123456789"]) {
        const work = `${dir}/${key}`;
        const run = await runProcess(modelArgs(server, `${dir}/Bench.tsv`, work), {
          env: { OPENAI_API_KEY: key },
        });
        assert.equal(run.code, 0, run.stderr);
        const table = await readPredictions(predictionPath(work, "m", "Bench"));
        runs[key] = { preds: table.rows.map((r) => r.prediction), acc: await accuracyOf(work) };
      }
      assert.deepEqual(runs["A"].preds, Array(8).fill("A"));
      assert.deepEqual(runs["A"], runs["good-key-0123456789"]);
      assert.match(runs["A"].acc, /"0\.25"/);
      assert.ok(server.requests.some((r) => r.headers.get("authorization") === "Bearer A"));
    } finally {
      await server.close();
    }
  });
});

Deno.test("an answer containing a placeholder key's text is journaled and written as sent", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 4);
    const answers = ["The set is EMPTY, so A", "tuvwxyz", "EMPTY", "x marks B"];
    const server = startLoopbackVllmServer((req) => ({
      body: vllmChatCompletion(
        isCheckRequest(req) ? "Hi" : answers[Number(req.body.match(/Question (\d+):/)![1])],
      ),
    }));
    try {
      for (const key of ["EMPTY", "x"]) {
        const work = `${dir}/${key}`;
        const run = await runProcess(
          [...modelArgs(server, `${dir}/Bench.tsv`, work), "--format", "tsv"],
          { env: { OPENAI_API_KEY: key } },
        );
        assert.equal(run.code, 0, run.stderr);
        const table = await readPredictions(predictionPath(work, "m", "Bench", "tsv"));
        assert.deepEqual(table.rows.map((r) => r.prediction), answers, key);
        const journal = await filesUnder(`${work}/m/m_Bench.journal`);
        const journaled = [...journal.values()].join("");
        for (const answer of answers) assert.ok(journaled.includes(JSON.stringify(answer)));
        assert.ok(!journaled.includes("[REDACTED]"));
      }
    } finally {
      await server.close();
    }
  });
});

Deno.test("a long key echoed in a 401 body reaches no output, journal, prediction or status", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 3);
    const server = startLoopbackVllmServer((req: ReceivedRequest) => ({
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${LONG_KEY}. You sent ${
            req.headers.get("authorization")
          }`,
        },
      },
    }));
    try {
      const run = await runProcess(
        [...modelArgs(server, `${dir}/Bench.tsv`, dir), "--format", "tsv", "--verbose"],
        { env: { OPENAI_API_KEY: LONG_KEY, SKIP_ERR: "1" } },
      );
      // The endpoint check meets the 401 before any sample: exit 7, with the server's words.
      assert.equal(run.code, 7, run.stderr);
      assert.ok(server.requests.length > 0);
      assert.equal(server.requests.at(-1)!.headers.get("authorization"), `Bearer ${LONG_KEY}`);
      assert.match(run.stderr, /as the server refused the key \(HTTP 401: /);
      assert.match(
        run.stderr,
        /Incorrect API key provided: \[REDACTED\]\. You sent Bearer \[REDACTED\]/,
      );
      const files = await filesUnder(dir);
      assert.ok(files.has("m/status.json"), [...files.keys()].join(", "));
      assert.match(files.get("m/status.json")!, /\[REDACTED\]/);
      assert.ok(!files.has("m/m_Bench.tsv"), "no sample was recorded");
      files.set("stdout", run.stdout);
      files.set("stderr", run.stderr);
      assertNoKey(files, LONG_KEY);
    } finally {
      await server.close();
    }
  });
});

/** The model answers free text no heuristic places, so every row goes to the judge. */
function startFreeTextModel() {
  return startLoopbackVllmServer(() => ({ body: vllmChatCompletion("I would say the first") }));
}

function judgeArgs(model: { baseUrl: string }, judge: { baseUrl: string }, dir: string) {
  return [
    ...modelArgs(model, `${dir}/Bench.tsv`, dir),
    "--judge",
    "judge-llm",
    "--judge-base-url",
    judge.baseUrl,
    "--judge-key-env",
    "JUDGE_KEY",
    "--retry",
    "1",
  ];
}

Deno.test("a judge's replies are kept as sent whatever text its API key holds", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 4);
    const model = startFreeTextModel();
    const judge = startLoopbackVllmServer(() => ({ body: vllmChatCompletion("A") }));
    try {
      const run = await runProcess(judgeArgs(model, judge, dir), { env: { JUDGE_KEY: "A" } });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(judge.requests[0].headers.get("authorization"), "Bearer A");
      const result = await readPredictions(`${dir}/m/m_Bench_judge-llm_result.xlsx`);
      assert.deepEqual(result.rows.map((r) => `${r.extracted}:${r.method}`), [
        "A:judge",
        "A:judge",
        "A:judge",
        "A:judge",
      ]);
      const cache = await Deno.readTextFile(`${dir}/m/m_Bench_judge-llm_judge.jsonl`);
      assert.ok(!cache.includes("[REDACTED]"));
    } finally {
      await model.close();
      await judge.close();
    }
  });
});

Deno.test("a judge echoing a long key in its 401 body leaks it nowhere", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 3);
    const model = startFreeTextModel();
    const judge = startLoopbackVllmServer((req) => ({
      status: 401,
      body: `invalid key ${LONG_KEY} (header: ${req.headers.get("authorization")})`,
    }));
    try {
      const run = await runProcess(judgeArgs(model, judge, dir), {
        env: { JUDGE_KEY: LONG_KEY },
      });
      assert.equal(run.code, 6, run.stderr);
      assert.match(run.stderr, /invalid key \[REDACTED\] \(header: Bearer \[REDACTED\]\)/);
      assert.equal(judge.requests[0].headers.get("authorization"), `Bearer ${LONG_KEY}`);
      const files = await filesUnder(dir);
      assert.ok(files.has("m/status.json"), [...files.keys()].join(", "));
      files.set("stdout", run.stdout);
      files.set("stderr", run.stderr);
      assertNoKey(files, LONG_KEY);
    } finally {
      await model.close();
      await judge.close();
    }
  });
});
