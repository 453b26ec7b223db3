import assert from "node:assert/strict";
import { readPredictions } from "@vlmeval/report";
import type { Row } from "@vlmeval/schema";
import { textTask } from "../_test_helpers.ts";
import { evaluatePredictions } from "./evaluate.ts";

async function withTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-yorn-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function yornTask(name: string, rows: Row[]) {
  return { ...textTask(name, rows), kind: "yorn" as const };
}

const COLUMNS = ["index", "question", "answer", "category", "prediction"];

Deno.test("evaluatePredictions() yes/no without a judge: POPE_rating by name, methods per row", async () => {
  await withTemp(async (dir) => {
    const rows = [
      { index: "1", question: "q", answer: "Yes", category: "random", prediction: "Yes" },
      { index: "2", question: "q", answer: "No", category: "random", prediction: "Yes" },
      { index: "3", question: "q", answer: "No", category: "popular", prediction: "No" },
      { index: "4", question: "q", answer: "Yes", category: "popular", prediction: "perhaps" },
    ];
    const scores = await evaluatePredictions(yornTask("POPE_Mini", rows), {
      columns: COLUMNS,
      rows,
    }, { stem: `${dir}/m_POPE_Mini`, format: "tsv", evalFormat: "csv" });
    // Overall: tp 1, fp 1, fn 1 -> F1 50; acc 50. popular: no Yes guessed -> 0; random: tp 1, fp 1.
    assert.equal(
      await Deno.readTextFile(`${dir}/m_POPE_Mini_score.csv`),
      '"split","Overall","acc","precision","recall"\n' +
        '"Overall","50","50","50","50"\n' +
        '"popular","0","50","0","0"\n' +
        '"random","66.66666666666666","50","50","100"\n',
    );
    assert.equal(scores.overall, 50);
    assert.match(
      scores.metric,
      /^yes\/no POPE_rating, Overall F1, percent; exact matching \(YOrN_Extraction\); rows by method: exact 3, unresolved 1$/,
    );
    assert.equal(scores.extractor, "exact_matching");
    assert.deepEqual(scores.counts, {
      total: 4,
      failed: 0,
      unresolved: 1,
      byMethod: { exact: 3, failed: 0, unresolved: 1, judge: 0, "judge-failed": 0 },
      judged: undefined,
      judgeFailed: undefined,
    });
    const result = await readPredictions(`${dir}/m_POPE_Mini_exact_matching_result.tsv`);
    assert.deepEqual(result.columns, [...COLUMNS, "extracted", "method", "hit"]);
    assert.deepEqual(result.rows.map((r) => `${r.extracted}:${r.method}:${r.hit}`), [
      "Yes:exact:1",
      "Yes:exact:0",
      "No:exact:1",
      "Unknown:unresolved:0",
    ]);
  });
});

Deno.test("evaluatePredictions() yes/no: a Hallusion index without 6 parts is a clear error", async () => {
  await withTemp(async (dir) => {
    const rows = [{ index: "7", question: "q", answer: "Yes", category: "VS", prediction: "Yes" }];
    await assert.rejects(
      evaluatePredictions(yornTask("HallusionBench", rows), { columns: COLUMNS, rows }, {
        stem: `${dir}/m_HallusionBench`,
        format: "tsv",
        evalFormat: "csv",
      }),
      /Cannot compute Hallusion_rating as row 0 has index "7": it needs at least 6 parts/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], [], "no score file written");
  });
});
