import assert from "node:assert/strict";
import { isCircularDataset, scoreMcqCircular } from "./score_mcq_circular.ts";

/** A question and its rotations: options shifted by one per rotation, answer moving with them. */
function rotations(index: number, predictions: string[], extra: Record<string, string> = {}) {
  const texts = ["cat", "dog", "bird", "fish"];
  const rightText = "dog";
  return predictions.map((prediction, k) => {
    const shifted = texts.map((_, i) => texts[(i + k) % texts.length]);
    const answer = String.fromCharCode(65 + shifted.indexOf(rightText));
    return {
      index: String(index + k * 1_000_000),
      question: "Which animal barks?",
      A: shifted[0],
      B: shifted[1],
      C: shifted[2],
      D: shifted[3],
      answer,
      prediction,
      ...extra,
    };
  });
}

Deno.test("isCircularDataset() follows VLMEvalKit's name rule", () => {
  for (const name of ["MMBench_DEV_EN", "mmbench_v11", "CCBench", "MyCircularSet", "MMCR"]) {
    assert.equal(isCircularDataset(name), true, name);
  }
  for (const name of ["Shapes_MCQ", "SEEDBench_IMG", "AI2D_TEST"]) {
    assert.equal(isCircularDataset(name), false, name);
  }
});

Deno.test("scoreMcqCircular() scores a group 1 only when every rotation is right", () => {
  // Rotation k puts "dog" at letter index (1 - k) mod 4: B, A, D, C.
  const rows = [
    ...rotations(1, ["B", "A", "D", "C"], { split: "dev", category: "animals" }),
    ...rotations(2, ["B", "A", "D", "A"], { split: "dev", category: "animals" }),
  ];
  const result = scoreMcqCircular(rows);
  assert.deepEqual(result.groups.map((g) => [g.group, g.verdict, g.hit]), [
    ["1", "hit", 1],
    ["2", "wrong", 0],
  ]);
  assert.equal(
    result.groups[1].log,
    "Failed in Prefetching Rolling 3: Answer is C, Prediction is A",
  );
  assert.deepEqual(result.groups[0].indices, ["1", "1000001", "2000001", "3000001"]);
  assert.equal(result.counts.total, 2);
  assert.equal(result.counts.rows, 8);
  assert.equal(result.counts.hits, 1);
  assert.deepEqual(result.report.rows, [["dev", 0.5, 0.5]]);
});

Deno.test("scoreMcqCircular() extracts letters from option text and refusals", () => {
  const byText = scoreMcqCircular(rotations(5, ["It is a dog", "dog", "The answer is D", "C"]));
  assert.equal(byText.groups[0].verdict, "hit");
  const refusal = scoreMcqCircular(rotations(5, ["B", "Cannot determine the answer", "D", "C"]));
  assert.equal(refusal.groups[0].verdict, "wrong");
});

Deno.test("scoreMcqCircular() fails a group with a recorded failure and counts it", () => {
  const result = scoreMcqCircular(
    rotations(3, ["B", "Failed to obtain answer: RangeError out of memory", "D", "C"]),
  );
  assert.equal(result.groups[0].verdict, "wrong");
  assert.equal(result.groups[0].failedRows, 1);
  assert.match(result.groups[0].log, /Rolling 1: the prediction records a failure/);
  assert.equal(result.counts.failed, 1);
  assert.equal(result.counts.byMethod.failed, 1);
});

Deno.test("scoreMcqCircular() leaves an undecidable group unresolved, scored 0", () => {
  const result = scoreMcqCircular(rotations(4, ["B", "no idea at all", "D", "C"]));
  assert.equal(result.groups[0].verdict, "unresolved");
  assert.equal(result.groups[0].hit, 0);
  assert.equal(result.counts.unresolved, 1);
  // A wrong rotation decides the group even when another one is unresolved.
  const wrong = scoreMcqCircular(rotations(4, ["B", "no idea at all", "A", "C"]));
  assert.equal(wrong.groups[0].verdict, "wrong");
});

Deno.test("scoreMcqCircular() groups by g_index when present and reports main rows only", () => {
  const rows = rotations(9, ["B", "A"]).map((row, k) => ({
    ...row,
    index: k === 0 ? "9" : "77",
    g_index: "9",
  }));
  const result = scoreMcqCircular(rows);
  assert.deepEqual(result.groups.map((g) => [g.group, g.indices, g.hit]), [["9", ["9", "77"], 1]]);
  const orphan = scoreMcqCircular(rotations(8, ["B", "A"]).slice(1));
  assert.equal(orphan.counts.total, 0);
  assert.equal(orphan.counts.withoutMainRow, 1);
});

Deno.test("scoreMcqCircular() names the row whose index is not an integer", () => {
  const rows = rotations(1, ["B", "A"]);
  rows[1].index = "1e6";
  assert.throws(
    () => scoreMcqCircular(rows),
    /row 1 \(index "1e6"\) circularly: its index "1e6" is not an integer/,
  );
  const noAnswer = rotations(1, ["B"]);
  noAnswer[0].answer = "";
  assert.throws(() => scoreMcqCircular(noAnswer), /row 0 \(index "1"\) as its answer is empty/);
});
