import { splitThinking } from "@vlmeval/scoring";
import { EXIT_CODES, type ExitCode, type Row } from "@vlmeval/schema";
import type { EvalTask } from "../task/eval_task.ts";
import type { JournalRecords } from "./journal_records.ts";

/** A row of the dataset misses its prediction at merge time. */
export class IncompleteMergeError extends Error {
  /** A merge that misses predictions ends the run with exit code 1. */
  readonly exitCode: ExitCode = EXIT_CODES.sampleFailed;
  /** Always `"IncompleteMergeError"`. */
  override name = "IncompleteMergeError";
}

/** Writes rows to a prediction file (the report package's `writePredictions`). */
export type PredictionWriter = (
  path: string,
  columns: string[],
  rows: AsyncIterable<Row>,
  dtypes?: Readonly<Record<string, string>>,
) => Promise<unknown>;

/** Settings of {@link mergePredictions}. */
export interface MergeOptions {
  /**
   * `SPLIT_THINK`: split each answer at its last `</think>` into `prediction` and a `thinking`
   * column. The journal keeps the whole answer, so a later merge can decide again.
   */
  splitThink?: boolean;
}

/** What {@link mergePredictions} wrote. */
export interface MergeResult {
  /** Rows written, one per dataset row. */
  rows: number;
  /** Rows whose prediction is a recorded failure (`Failed to obtain answer: ...`). */
  failed: number;
  /** Columns of the written file, in order; `prediction` (and `thinking`) come last. */
  columns: string[];
  /** Under `splitThink`: indices whose tags were not one `<think>...</think>` pair. */
  oddThinking: string[];
}

/**
 * Merges every rank's journal into the prediction file: the dataset's columns (without `image`)
 * plus `prediction` (and `thinking` under `splitThink`), in dataset order. Checks that every row
 * has a prediction before anything is written.
 */
export async function mergePredictions(
  task: EvalTask,
  records: JournalRecords,
  path: string,
  write: PredictionWriter,
  opts: MergeOptions = {},
): Promise<MergeResult> {
  const { splitThink = false } = opts;
  const columns = [
    ...task.outputColumns().filter((c) => c !== "prediction" && (!splitThink || c !== "thinking")),
    "prediction",
    ...(splitThink ? ["thinking"] : []),
  ];
  const missing: string[] = [];
  for (let p = 0; p < task.unitCount; p++) {
    for (const index of task.unitIndices(p)) {
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
  const oddThinking: string[] = [];
  const written = predictionRows(task, records, splitThink, (row, ok, wellFormed) => {
    rows++;
    if (!ok) failed++;
    if (!wellFormed) oddThinking.push(row.index);
  });
  await write(path, columns, written, task.outputDtypes?.());
  return { rows, failed, columns, oddThinking };
}

/**
 * The prediction file's rows, made again by each call: the task's rows in order (read back from
 * the benchmark file), each with its journaled `prediction` (and `thinking` under `splitThink`).
 * `seen` hears each row with whether its answer is a success and its thinking well formed.
 * Every row must have a record (see {@link mergePredictions}).
 */
export async function* predictionRows(
  task: EvalTask,
  records: JournalRecords,
  splitThink = false,
  seen?: (row: Row, ok: boolean, wellFormed: boolean) => void,
): AsyncIterable<Row> {
  for await (const row of task.outputRows()) {
    const record = records.get(row.index)!;
    const out: Row = { ...row, prediction: record.prediction };
    let wellFormed = true;
    if (splitThink) {
      const split = record.ok
        ? splitThinking(record.prediction)
        : { prediction: record.prediction, thinking: "", wellFormed: true };
      wellFormed = split.wellFormed;
      out.prediction = split.prediction;
      out.thinking = split.thinking;
    }
    seen?.(row, record.ok, wellFormed);
    yield out;
  }
}
