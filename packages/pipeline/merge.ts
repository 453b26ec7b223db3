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
 * plus `prediction`, in dataset order. Checks that every row has a prediction and that the
 * journals name no index the dataset lacks, before anything is written.
 */
export async function mergePredictions(
  task: EvalTask,
  records: Map<string, JournalRecord>,
  path: string,
  write: PredictionWriter,
): Promise<{ rows: number; failed: number }> {
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
      yield { ...row, prediction: record.prediction };
    }
  }
  await write(path, columns, withPredictions());
  return { rows, failed };
}
