import assert from "node:assert/strict";
import cases from "./testdata/vlmevalkit_mmmu_prompts.json" with { type: "json" };
import type { Row } from "@vlmeval/schema";
import { SampleInputError } from "./errors.ts";
import { buildMmmuPrompt } from "./mmmu_prompt.ts";

Deno.test("buildMmmuPrompt() matches VLMEvalKit's build_prompt + split_MMMU on every fixture case", () => {
  for (const c of cases.cases) {
    const row = c.row as unknown as Row;
    if ("message" in c) {
      assert.deepEqual(buildMmmuPrompt(row, c.images, "MMMU.tsv"), c.message, row.question);
    } else {
      // VLMEvalKit stops with an AssertionError or IndexError; the sample fails here instead.
      assert.throws(() => buildMmmuPrompt(row, c.images, "MMMU.tsv"), SampleInputError);
    }
  }
});

Deno.test("buildMmmuPrompt() names the file, row, field and placeholder it cannot place", () => {
  const expect = (row: Row, images: string[], message: string, field?: string) => {
    assert.throws(() => buildMmmuPrompt(row, images, "MMMU.tsv"), (err: unknown) => {
      assert.ok(err instanceof SampleInputError);
      assert.equal(err.message, message);
      assert.equal(err.field, field);
      assert.equal(err.index, row.index);
      return true;
    });
  };
  expect(
    { index: "8", question: "Ten <image 10>", A: "x" },
    ["/a.jpg"],
    'Cannot interleave the images of "MMMU.tsv" (index "8") field "question" as a placeholder ' +
      'must be <image N> with one digit N: current value is "<image 10>"',
    "question",
  );
  expect(
    { index: "9", question: "Which?", A: "<image 3>", B: "y" },
    ["/a.jpg", "/b.jpg"],
    'Cannot interleave the images of "MMMU.tsv" (index "9") field "A" as the row has 2 images: ' +
      'current value is "<image 3>"',
    "A",
  );
  expect(
    { index: "10", question: "None <image 0>" },
    [],
    'Cannot interleave the images of "MMMU.tsv" (index "10") field "question" as the row has 0 ' +
      'images: current value is "<image 0>"',
    "question",
  );
});
