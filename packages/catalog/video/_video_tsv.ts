import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { pythonFloat, pythonListRepr } from "@vlmeval/internal";
import type { MvbenchTask } from "../catalog.ts";
import { DatasetLayoutError } from "../errors.ts";

/** One TSV cell as pandas' `to_csv(sep='\t')` writes it (csv.QUOTE_MINIMAL). */
function cell(text: string): string {
  return /[\t"\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A column's cells: pandas writes a float64 column (numbers with a None) with `repr(float)`. */
function columnTexts(values: unknown[]): string[] {
  const numeric = values.every((v) => v === null || v === undefined || typeof v === "number");
  const anyNumber = values.some((v) => typeof v === "number");
  const asFloat = numeric && anyNumber &&
    values.some((v) => v === null || v === undefined || !Number.isInteger(v));
  return values.map((v) => {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return asFloat ? pythonFloat(v) : String(v);
    if (typeof v === "boolean") return v ? "True" : "False";
    if (Array.isArray(v)) return pythonListRepr(v);
    return String(v);
  });
}

/** The text of `pd.DataFrame(rows)[columns].to_csv(sep='\t', index=False)`. */
export function pandasTsv(columns: string[], rows: Record<string, unknown>[]): string {
  const texts = columns.map((c) => columnTexts(rows.map((r) => r[c])));
  const lines = [columns.map(cell).join("\t")];
  for (let i = 0; i < rows.length; i++) {
    lines.push(columns.map((_, c) => cell(texts[c][i])).join("\t"));
  }
  return lines.join("\n") + "\n";
}

/**
 * Video-MME's TSV from its parquet, as `VideoMME.prepare_dataset.generate_tsv` writes it:
 * `index` 0..n-1, `video` = `videoID`, `video_path` = `./video/<videoID>.mp4`, `subtitle_path`
 * = `./subtitle/<videoID>.srt`, `candidates` = the options list.
 */
export async function videoMmeTsv(parquetPath: string): Promise<{ text: string; rows: number }> {
  const bytes = await Deno.readFile(parquetPath);
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file: bytes.buffer as ArrayBuffer });
  } catch (error) {
    throw new DatasetLayoutError(
      parquetPath,
      `Cannot read ${parquetPath} as a parquet file: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const needed = [
    "videoID",
    "duration",
    "domain",
    "options",
    "sub_category",
    "task_type",
    "question",
    "answer",
  ];
  const out = rows.map((row, index) => {
    for (const column of needed) {
      if (!(column in row)) {
        throw new DatasetLayoutError(
          parquetPath,
          `Cannot write Video-MME's TSV as ${parquetPath} row ${index} has no ${column} column`,
        );
      }
    }
    const id = String(row.videoID);
    return {
      index,
      video: id,
      video_path: `./video/${id}.mp4`,
      duration: row.duration,
      domain: row.domain,
      candidates: Array.from(row.options as Iterable<unknown>),
      sub_category: row.sub_category,
      task_type: row.task_type,
      subtitle_path: `./subtitle/${id}.srt`,
      question: row.question,
      answer: row.answer,
    };
  });
  const columns = [
    "index",
    "video",
    "video_path",
    "duration",
    "domain",
    "candidates",
    "sub_category",
    "task_type",
    "subtitle_path",
    "question",
    "answer",
  ];
  return { text: pandasTsv(columns, out), rows: out.length };
}

/**
 * MVBench's TSV from its question files, as `MVBench.prepare_dataset.generate_tsv` writes it:
 * one row per question of each task in the class's order, with the task's folder, data type and
 * bound. VLMEvalKit stops at the first missing video (NTU RGB-D was withdrawn, #633); here the
 * row is kept (the evaluation records that sample as failed, naming the file) and the missing
 * ones are counted.
 */
export async function mvbenchTsv(
  folder: string,
  jsonDir: string,
  tasks: MvbenchTask[],
): Promise<{ text: string; rows: number; missingVideos: string[] }> {
  const rows: Record<string, unknown>[] = [];
  const missingVideos: string[] = [];
  for (const task of tasks) {
    const path = join(folder, jsonDir, task.json);
    let items: Record<string, unknown>[];
    try {
      items = JSON.parse(await Deno.readTextFile(path));
    } catch (error) {
      throw new DatasetLayoutError(
        path,
        `Cannot write MVBench's TSV as ${path} is not a readable JSON list: ` +
          (error as Error).message,
        { cause: error },
      );
    }
    if (!Array.isArray(items)) {
      throw new DatasetLayoutError(
        path,
        `Cannot write MVBench's TSV as ${path} is not a JSON list`,
      );
    }
    for (const [i, data] of items.entries()) {
      for (const field of ["video", "question", "answer", "candidates"]) {
        if (!(field in data)) {
          throw new DatasetLayoutError(
            path,
            `Cannot write MVBench's TSV as ${path} item ${i} has no "${field}"`,
          );
        }
      }
      const video = String(data.video);
      if (!(await Deno.stat(join(folder, task.prefix, video)).catch(() => undefined))) {
        missingVideos.push(`${task.prefix}${video}`);
      }
      rows.push({
        task_type: task.task_type,
        prefix: task.prefix,
        data_type: task.data_type,
        bound: task.bound,
        start: "start" in data ? data.start : null,
        end: "end" in data ? data.end : null,
        video,
        question: data.question,
        answer: data.answer,
        candidates: data.candidates,
        index: rows.length,
      });
    }
  }
  const columns = [
    "task_type",
    "prefix",
    "data_type",
    "bound",
    "start",
    "end",
    "video",
    "question",
    "answer",
    "candidates",
    "index",
  ];
  return { text: pandasTsv(columns, rows), rows: rows.length, missingVideos };
}
