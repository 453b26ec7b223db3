import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "./eval_task.ts";

/**
 * `--limit N`: the task cut to its first `limit` rows in the benchmark's order, the same rows
 * on every run (a smoke test, or a cheap first look at a served model). In pack mode a video's
 * questions are never split: whole videos are taken until `limit` questions are reached. The
 * predictions and scores are those of the rows taken; answers are journaled as usual, so a
 * later run without the limit reuses them.
 *
 * @throws {RangeError} when `limit` is not an integer >= 1.
 */
export function limitTask(task: EvalTask, limit: number): EvalTask {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(
      `Cannot limit ${task.name} as --limit must be an integer >= 1: current value is ${limit}`,
    );
  }
  let units = 0;
  const kept = new Set<string>();
  while (units < task.unitCount && kept.size < limit) {
    for (const index of task.unitIndices(units)) kept.add(index);
    units++;
  }
  if (units === task.unitCount) return task;
  return {
    ...task,
    unitCount: units,
    outputRows: async function* (): AsyncIterable<Row> {
      let left = kept.size;
      for await (const row of task.outputRows()) {
        if (!kept.has(row.index)) continue;
        yield row;
        if (--left === 0) return;
      }
    },
  };
}
