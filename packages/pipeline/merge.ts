import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "./eval_task.ts";
import type { JournalRecord } from "./journal.ts";

/** A row of the dataset misses its prediction at merge time. */
export class IncompleteMergeError extends Error {
  override name = "IncompleteMergeError";
}

/** Writes rows to a prediction file (the report package's `writePredictions`). */
export type PredictionWriter = (
  path: string,
  columns: string[],
  rows: AsyncIterable<Row>,
) => Promise<unknown>;

/**
 * Merges every rank's journal into the prediction file: the dataset's columns (without `image`)
 * plus `prediction`, in dataset order. Checks that every row has a prediction before anything
 * is written. The written rows are also pushed to `keep` when given (for scoring them without
 * reading the file back).
 */
export async function mergePredictions(
  task: EvalTask,
  records: Map<string, JournalRecord>,
  path: string,
  write: PredictionWriter,
  keep?: Row[],
): Promise<{ rows: number; failed: number; columns: string[] }> {
  const columns = [...task.outputColumns().filter((c) => c !== "prediction"), "prediction"];
  const missing: string[] = [];
  const known = new Set<string>();
  for (let p = 0; p < task.unitCount; p++) {
    for (const index of task.unitIndices(p)) {
      known.add(index);
      if (!records.has(index)) missing.push(index);
    }
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(", ") + (missing.length > 10 ? ", ..." : "");
    throw new IncompleteMergeError(
      `Cannot write ${path} as ${missing.length} rows have no prediction yet ` +
        `(indices ${shown}); rerun to finish them`,
    );
  }
  let rows = 0;
  let failed = 0;
  async function* withPredictions(): AsyncIterable<Row> {
    for await (const row of task.outputRows()) {
      const record = records.get(row.index)!;
      if (!record.ok) failed++;
      rows++;
      const out = { ...row, prediction: record.prediction };
      keep?.push(out);
      yield out;
    }
  }
  await write(path, columns, withPredictions());
  return { rows, failed, columns };
}
