/**
 * End-to-end: a reasoning model behind an OpenAI-compatible server (loopback, vLLM-shaped
 * replies) answers with `<think>...</think>`; `SPLIT_THINK` moves the reasoning into a
 * `thinking` column before scoring, and the journal keeps the whole answer.
 */
import assert from "node:assert/strict";
import { readPredictions } from "@vlmeval/report";
import { readJournals } from "@vlmeval/pipeline";
import { journalPath, predictionPath, runProcess, writeMcqTsv } from "./helpers/distributed_cli.ts";
import {
  isCheckRequest,
  startLoopbackVllmServer,
  vllmChatCompletion,
} from "@vlmeval/models/testing";

/** The right letter of row `i` of `writeMcqTsv`, reasoned about with other letters first. */
function reasoningAnswer(body: string): string {
  const i = Number(body.match(/Question (\d+):/)![1]);
  const right = "ABCD"[i % 4];
  const think = `Could it be (A)? Or (B)? Option C looks odd, D too. Settling on ${right}.`;
  // Row 5 closes its reasoning twice: kept whole up to the last </think>, with a warning.
  if (i === 5) return `<think>${think}</think>more</think>\n${right}`;
  return `<think>\n${think}\n</think>\n\n${right}`;
}

async function runServed(dir: string, env: Record<string, string>) {
  const server = startLoopbackVllmServer((req) => ({
    body: vllmChatCompletion(isCheckRequest(req) ? "Hi" : reasoningAnswer(req.body)),
  }));
  try {
    return await runProcess([
      "--model",
      "reasoner",
      "--base-url",
      server.baseUrl,
      "--data",
      `${dir}/Bench.tsv`,
      "--work-dir",
      dir,
      "--api-nproc",
      "2",
    ], { env });
  } finally {
    await server.close();
  }
}

Deno.test("SPLIT_THINK splits answers into prediction and thinking before scoring", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-think-" });
  try {
    await writeMcqTsv(`${dir}/Bench.tsv`, 8);
    const run = await runServed(dir, { SPLIT_THINK: "0" }); // any non-empty value turns it on
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /SPLIT_THINK: 1 answers of Bench do not hold one <think>/);
    assert.match(run.stderr, /indices 5\)/);

    const table = await readPredictions(predictionPath(dir, "reasoner", "Bench"));
    assert.deepEqual(table.columns.slice(-2), ["prediction", "thinking"]);
    const row0 = table.rows.find((r) => r.index === "0")!;
    assert.equal(row0.prediction, "A");
    assert.equal(
      row0.thinking,
      "Could it be (A)? Or (B)? Option C looks odd, D too. Settling on A.",
    );
    const row5 = table.rows.find((r) => r.index === "5")!;
    assert.equal(row5.prediction, "B");
    assert.match(row5.thinking, /^<think>.*<\/think>more<\/think>$/s);
    assert.match(run.stdout, /^Bench\s+1\.000\s+accuracy\s+8\s+0\s+exact_matching\s+ok$/m);

    // The journal keeps the whole answer: nothing is lost by splitting.
    const { records } = readJournals(journalPath(dir, "reasoner", "Bench"));
    assert.match(records.get("0")!.prediction, /^<think>\n.*\n<\/think>\n\nA$/s);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without SPLIT_THINK the reasoning stays in the prediction and is scored", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-think-" });
  try {
    await writeMcqTsv(`${dir}/Bench.tsv`, 8);
    const run = await runServed(dir, {});
    assert.equal(run.code, 0, run.stderr);
    const table = await readPredictions(predictionPath(dir, "reasoner", "Bench"));
    assert.equal(table.columns.includes("thinking"), false);
    assert.match(table.rows[0].prediction, /^<think>/);
    const overall = Number(run.stdout.match(/^Bench\s+([\d.]+)/m)![1]);
    assert.ok(
      overall < 1,
      `expected the letters in the reasoning to cost accuracy, got ${overall}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
