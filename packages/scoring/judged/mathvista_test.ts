import assert from "node:assert/strict";
import { VLMEVALKIT_CASES } from "../_vlmevalkit_fixture.ts";
import type { JudgeRequest } from "../mcq/mcq_judge.ts";
import {
  extractMathVista,
  judgeMathVista,
  MATHVISTA_EXAMPLES,
  mathVistaHit,
  mathVistaPrefetch,
  mathVistaPrompt,
  scoreMathVista,
} from "./mathvista.ts";
import { scoreFilePath } from "../score_files.ts";

const MV = VLMEVALKIT_CASES.mathvista;

Deno.test("mathVistaPrompt() is VLMEvalKit's build_mathvista_gpt4_prompt byte for byte", () => {
  assert.deepEqual(MATHVISTA_EXAMPLES, MV.ice);
  for (const { row, prediction, prompt } of MV.prompts) {
    assert.equal(mathVistaPrompt(row.question, prediction), prompt);
  }
});

Deno.test("mathVistaPrefetch() and mathVistaHit() match VLMEvalKit's post_check", () => {
  for (const c of MV.post_check) {
    const what = `row ${c.row.index} ${JSON.stringify(c.response)} prefetch=${c.prefetch}`;
    if (c.prefetch) {
      // Python returns the value read (str() of it) or False; a falsy 0 counts as not read.
      const expected = c.output === false || c.output === 0 ? false : String(c.output);
      assert.equal(mathVistaPrefetch({ ...c.row, prediction: c.response }), expected, what);
    } else {
      assert.equal(mathVistaHit(c.row, c.response), c.output, what);
    }
  }
});

Deno.test("judgeMathVista() asks as MathVista_auxeval: prompt, temperatures, logs and res", async () => {
  const rows = MV.auxeval.map((c) => ({ ...c.row, prediction: c.prediction }));
  // Rows share indices here, so the judge tells them apart by the prediction ending the prompt.
  const asks = (prompt: string, k: number) =>
    prompt.endsWith(`Model respone: ${rows[k].prediction}Extracted answer:`);
  const calls: { prompt: string; request: JudgeRequest }[] = [];
  const judge = (prompt: string, request: JudgeRequest) => {
    calls.push({ prompt, request });
    const k = rows.findIndex((_, k) => asks(prompt, k));
    return Promise.resolve(MV.auxeval[k].judge_answers[request.attempt - 1]);
  };
  const prefetched = extractMathVista(rows);
  const judged = await judgeMathVista(rows, prefetched, judge, { concurrency: 3 });
  MV.auxeval.forEach((c, k) => {
    const mine = calls.filter((call) => asks(call.prompt, k));
    assert.ok(mine.every((call) => call.request.index === rows[k].index));
    assert.deepEqual(mine.map((call) => call.request.temperature), c.calls, c.prediction);
    assert.ok(mine.every((call) => call.request.maxTokens === 128));
    if (c.prompt !== null) assert.equal(mine[0].prompt, c.prompt);
    assert.equal(judged[k].log, c.log, c.prediction);
    assert.equal(judged[k].res, String(c.res), c.prediction);
  });
  assert.deepEqual(judged.map((j) => j.method), [
    "prefetch",
    "judge",
    "prefetch",
    "judge",
    "prefetch",
    "judge-failed",
    "judge",
    "judge",
    "prefetch",
    "judge",
  ]);
  assert.equal(prefetched[1].method, "unresolved");
});

Deno.test("scoreMathVista() reproduces MathVista_acc's table and VLMEvalKit's file names", () => {
  const rows = MV.auxeval.map((c) => ({ ...c.row, prediction: c.prediction }));
  const extracted = extractMathVista(rows).map((e, k) =>
    e.method === "unresolved"
      ? { ...e, res: String(MV.auxeval[k].res), log: MV.auxeval[k].log, method: "judge" as const }
      : e
  );
  const scored = scoreMathVista(rows, extracted, "gpt-4o-mini");
  assert.deepEqual(scored.table, MV.acc);
  assert.equal(scored.overall, 70);
  assert.deepEqual(scored.files.map((f) => scoreFilePath("M_MathVista_MINI", f)), MV.files);
  const storage = scored.files[0].content;
  assert.equal(storage.kind, "rows");
  if (storage.kind === "rows") {
    assert.deepEqual(storage.columns, ["res", "log"]);
    assert.deepEqual(storage.cells[0], { res: "B", log: "Prefetch succeed" });
  }
});

Deno.test("extractMathVista(): a recorded failure is never judged and scores 0", () => {
  const row = { ...MV.auxeval[3].row, prediction: "Failed to obtain answer: TypeError x" };
  const extracted = extractMathVista([row]);
  assert.equal(extracted[0].method, "failed");
  const scored = scoreMathVista([row], extracted, "j");
  assert.deepEqual(scored.perRow[0], { index: row.index, hit: 0, method: "failed" });
  assert.equal(scored.counts.failed, 1);
});

Deno.test("mathVistaHit() names the row whose choices are not a Python list", () => {
  const row = { ...MV.auxeval[0].row, choices: "3/11, 8/11" };
  assert.throws(() => mathVistaHit(row, "B", 4), {
    name: "TypeError",
    message:
      'Cannot score row 4 (index "1") of MathVista as its "choices" is not a Python list of strings: current value is "3/11, 8/11"',
  });
});

Deno.test("scoreMathVista(): a missing skills cell (empty, or nan as pandas reads it) holds no skill", () => {
  const base = { ...MV.auxeval[0].row, prediction: MV.auxeval[0].row.answer ?? "" };
  for (const skills of ["", "nan"]) {
    const rows = [{ ...base, skills }];
    const scored = scoreMathVista(rows, extractMathVista(rows), "j");
    assert.deepEqual(scored.table.rows.map((r) => r[0]), ["Overall", base.task]);
  }
});
