import assert from "node:assert/strict";
import { API_FAIL_MSG } from "@vlmeval/schema";
import { isPackParseFailure, packPredictions, parsePackAnswer } from "./pack_answer.ts";

const indices = ["3", "4"];

Deno.test("parsePackAnswer() reads one JSON object, alone or inside prose", () => {
  assert.deepEqual([...parsePackAnswer('{"3": "B", "4": "A"}', indices)], [["3", "B"], ["4", "A"]]);
  const prose = 'Here you go:\n```json\n{"3": "C", "4": {"x": 1}}\n```\nHope it helps {';
  assert.deepEqual([...parsePackAnswer(prose, indices)], [["3", "C"], ["4", '{"x":1}']]);
  assert.deepEqual(parsePackAnswer('{"3": 2, "4": "D"}', indices).get("3"), "2");
});

Deno.test("parsePackAnswer() falls back to key: value lines after a single brace", () => {
  const text = "Answers:\n{\n  '3': 'B',\n  \"4\": \"A: the red one\"}\n";
  assert.deepEqual([...parsePackAnswer(text, indices)], [["3", "B"], ["4", "A: the red one"]]);
});

Deno.test("parsePackAnswer() fails every question of an unreadable answer with the reason", () => {
  for (
    const [text, reason] of [
      ["B and A", /no JSON object/],
      ['{"3": "B"} {"4": "A"}', /2 JSON objects, not one/],
      ["{ {broken", /no readable JSON object/],
    ] as const
  ) {
    const parsed = parsePackAnswer(text, indices);
    for (const index of indices) {
      const value = parsed.get(index);
      assert.ok(isPackParseFailure(value), text);
      assert.match(value.reason, reason);
    }
  }
});

Deno.test("parsePackAnswer() fails only the questions missing from the object", () => {
  const parsed = parsePackAnswer('{"3": "B", "I4": "A"}', indices);
  assert.equal(parsed.get("3"), "B");
  const missing = parsed.get("4");
  assert.ok(isPackParseFailure(missing));
  assert.match(missing.reason, /no answer for question 4 \(keys: "3", "I4"\)/);
});

Deno.test("packPredictions() records failures as PackParseError and keeps generation failures", () => {
  const predictions = packPredictions('{"3": "B"}', indices);
  assert.equal(predictions.get("3"), "B");
  assert.match(
    predictions.get("4")!,
    /^Failed to obtain answer: PackParseError no answer for question 4/,
  );
  const failed = packPredictions(API_FAIL_MSG, indices);
  assert.deepEqual([...failed.values()], [API_FAIL_MSG, API_FAIL_MSG]);
  assert.match(
    packPredictions("no idea", ["1"]).get("1")!,
    /PackParseError no JSON object in the answer/,
  );
});
