import assert from "node:assert/strict";
import type { Row } from "@vlmeval/schema";
import { rowsOf, textTask } from "../_test_helpers.ts";
import type { EvalTask } from "./eval_task.ts";
import { limitTask } from "./limit_task.ts";

async function rowsOfTask(task: EvalTask): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of task.outputRows()) rows.push(row);
  return rows;
}

Deno.test("limitTask() keeps the first N rows, in the benchmark's order", async () => {
  const task = limitTask(textTask("T", rowsOf(10)), 3);
  assert.equal(task.unitCount, 3);
  assert.deepEqual((await rowsOfTask(task)).map((r) => r.index), ["0", "1", "2"]);
  assert.equal(task.name, "T");
  const all = textTask("T", rowsOf(2));
  assert.equal(limitTask(all, 5), all, "a limit above the size keeps the task");
  assert.throws(() => limitTask(all, 0), RangeError);
});

Deno.test("limitTask() never splits a pack: whole videos up to N questions", async () => {
  // Three videos of 2, 3 and 2 questions.
  const units = [["0", "1"], ["2", "3", "4"], ["5", "6"]];
  const base = textTask("V", rowsOf(7));
  const packed: EvalTask = { ...base, unitCount: 3, unitIndices: (p) => units[p] };
  const task = limitTask(packed, 3);
  assert.equal(task.unitCount, 2);
  assert.deepEqual((await rowsOfTask(task)).map((r) => r.index), ["0", "1", "2", "3", "4"]);
});
