import assert from "node:assert/strict";
import { letteredMcqPrompt, mvbenchPrompt, openPrompt } from "./_video_prompts.ts";
import { readVideoTable } from "./_video_rows.ts";

/** Fixtures written by scripts/pandas_fixtures.py: pandas 2.3.3 and VLMEvalKit's build_prompt. */
const FIXTURES = new URL("../../delimited/testdata/pandas/", import.meta.url);
const expected: {
  video: Record<string, { prompts: { index: string; text?: string; error?: string }[] }>;
} = JSON.parse(Deno.readTextFileSync(new URL("expected.json", FIXTURES)));

Deno.test("readVideoTable() gives VLMEvalKit's question prompts on the pandas video fixtures", async () => {
  const build = {
    video_mcq: (q: Parameters<typeof openPrompt>[1]) => letteredMcqPrompt([], q).at(-1)!.value,
    video_mvbench: (q: Parameters<typeof openPrompt>[1]) => mvbenchPrompt([], q)[1].value,
    video_open: (q: Parameters<typeof openPrompt>[1]) => openPrompt([], q).at(-1)!.value,
  };
  let compared = 0;
  for (const [name, { prompts }] of Object.entries(expected.video)) {
    const path = new URL(`${name}.tsv`, FIXTURES).pathname;
    const table = await readVideoTable(path);
    assert.equal(table.questions.length, prompts.length);
    for (const [k, want] of prompts.entries()) {
      const q = table.questions[k];
      assert.equal(q.index, want.index);
      const text = build[name as keyof typeof build](q);
      if (want.error !== undefined) {
        // VLMEvalKit's Video-MME fails on a question read as NaN (`nan + str`); we ask "nan".
        assert.match(text, /^Question: nan\n/, `${name} row ${k}`);
      } else {
        assert.equal(text, want.text, `${name} row ${k}`);
      }
      compared++;
    }
  }
  assert.equal(compared, 9);
});

Deno.test("readVideoTable() counts changed questions and answers; literal reading keeps the text", async () => {
  const path = new URL("video_open.tsv", FIXTURES).pathname;
  const typed = await readVideoTable(path);
  assert.deepEqual(typed.changes, { prompts: 1, answers: 1 });
  assert.equal(typed.dtypes?.index, "int64");
  // The column holds text, so "0.50" stays as written; "None" is missing.
  assert.deepEqual(typed.questions.map((q) => q.answer), ["nan", "blue", "0.50"]);
  const literal = await readVideoTable(path, "literal");
  assert.equal(literal.changes, undefined);
  assert.deepEqual(literal.questions.map((q) => q.answer), ["None", "blue", "0.50"]);
  assert.equal(literal.questions[1].question, "N/A");
});
