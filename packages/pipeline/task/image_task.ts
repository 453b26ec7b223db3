import type { ImageDataset } from "@vlmeval/datasets";
import type { Row } from "@vlmeval/schema";
import type { EvalTask, EvalUnit } from "./eval_task.ts";

/**
 * An image benchmark as an evaluation task: one unit per row. Images are decoded to
 * `<imageRoot>` once, inside the unit's prompt building, so a bad image fails only its sample.
 */
export function imageTask(dataset: ImageDataset, imageRoot: string): EvalTask {
  const columns = dataset.columns.filter((c) => c !== "image" && c !== "prediction");
  return {
    name: dataset.name,
    kind: dataset.kind,
    unitCount: dataset.size,
    unitIndices: (position) => [dataset.indexAt(position)],
    indexKeys: dataset,
    unitAt: (position): Promise<EvalUnit> => {
      const index = dataset.indexAt(position);
      return Promise.resolve({
        key: index,
        indices: [index],
        buildPrompt: async () => dataset.buildPrompt(await dataset.rowAt(position), imageRoot),
        parseAnswer: (answer) => new Map([[index, { prediction: answer, ok: true }]]),
      });
    },
    outputColumns: () => columns,
    outputDtypes: () => dataset.dtypes,
    outputRows: async function* (): AsyncIterable<Row> {
      for await (const { row } of dataset.rows()) {
        const out: Row = {};
        for (const c of columns) out[c] = row[c] ?? "";
        yield out;
      }
    },
    leftOut: dataset.skippedRows > 0
      ? { rows: dataset.skippedRows, lines: dataset.skippedLines, file: dataset.file }
      : undefined,
    mediaDirs: () => [imageRoot],
    close: () => dataset.close(),
  };
}
