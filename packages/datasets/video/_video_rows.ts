import type { Row } from "@vlmeval/schema";
import { parsePythonStringList } from "@vlmeval/internal";
import { DatasetFormatError } from "../errors.ts";
import { type PandasDtype, readPandasTable } from "@vlmeval/delimited";
import { checkVideoName } from "./video_path.ts";
import { readTsvTable } from "../_tsv_table.ts";

/**
 * A malformed video dataset: `Cannot read video dataset <file> line <n> field "<f>" as <problem>`
 * (line and field where known), as a {@linkcode DatasetFormatError}.
 */
function formatError(
  file: string,
  problem: string,
  where: { line?: number; field?: string } = {},
  options?: ErrorOptions,
): DatasetFormatError {
  const at = [
    where.line === undefined ? "" : ` line ${where.line}`,
    where.field === undefined ? "" : ` field "${where.field}"`,
  ].join("");
  return new DatasetFormatError(
    `Cannot read video dataset ${file}${at} as ${problem}`,
    { file, ...where },
    options,
  );
}

/**
 * The layout of a video dataset's questions:
 * - `lettered-mcq`: Video-MME-like, `candidates` are `A. ...` lines and `answer` is a letter;
 * - `text-mcq`: MVBench-like, `candidates` are option texts and `answer` is one of them;
 * - `open`: MMBench-Video-like, free-form questions without candidates.
 */
export type VideoDatasetShape = "lettered-mcq" | "text-mcq" | "open";

/** One question of a video dataset, normalised. */
export interface VideoQuestion {
  /** The row's `index` (row position when the file has no `index` column). */
  index: string;
  /** The `video` value, with MVBench's `prefix` folder in front when there is one. */
  video: string;
  /** The `question` cell. */
  question: string;
  /** Options as `[letter, text]` (MVBench's texts get letters A, B, ...); empty when open. */
  options: Array<readonly [string, string]>;
  /** The dataset's own option lines (`A. left`), or `A. text` made from MVBench's texts. */
  optionLines: string[];
  /** The answer: a letter for multiple choice, the text for an open question. */
  answer: string;
  /** MVBench's time bound in seconds, when the row has `bound` true with `start` and `end`. */
  bound?: readonly [number, number];
  /** The file's row. */
  row: Row;
}

/** A dataset file read and checked. */
export interface VideoTable {
  shape: VideoDatasetShape;
  header: string[];
  questions: VideoQuestion[];
  /** pandas reading only: each column's dtype. */
  dtypes?: Record<string, PandasDtype>;
  /** pandas reading only: rows whose question (or options) and answer read differently. */
  changes?: { prompts: number; answers: number };
}

/**
 * The cells as VLMEvalKit's `pd.read_csv(sep='\t')` holds them (Python's `str()`, `nan` for
 * missing values), and how many rows' prompt or answer cells differ from the literal text.
 */
function readAsPandas(header: string[], records: { line: number; cells: string[] }[]) {
  const { types, cells } = readPandasTable(header.length, records.map((r) => r.cells));
  const watched = (names: string[]) =>
    names.map((name) => header.indexOf(name)).filter((k) => k >= 0);
  const promptColumns = watched(["question", "candidates"]);
  const answerColumns = watched(["answer"]);
  const changes = { prompts: 0, answers: 0 };
  records.forEach((record, r) => {
    const differs = (k: number) => cells[r][k].text !== record.cells[k];
    if (promptColumns.some(differs)) changes.prompts++;
    if (answerColumns.some(differs)) changes.answers++;
    record.cells = cells[r].map((cell) => cell.text);
  });
  const dtypes = Object.fromEntries(header.map((name, k) => [name, types.dtypes[k]]));
  return { dtypes, changes };
}

const LETTERED = /^([A-Z])\.\s?(.*)$/s;

/**
 * Reads a video dataset TSV: `video` and `question` are required; `index` is made from the row
 * position when missing; the shape is taken from the first row and every row must match it.
 *
 * @throws {DatasetFormatError} naming the line and field of the first problem
 */
export async function readVideoTable(
  file: string,
  reading: "pandas" | "literal" = "pandas",
): Promise<VideoTable> {
  const table = await readTsvTable(file);
  const typed = reading === "pandas" ? readAsPandas(table.header, table.records) : undefined;
  const header = [...table.header];
  for (const column of ["video", "question"]) {
    if (!header.includes(column)) {
      throw formatError(
        file,
        `it has no "${column}" column (columns: ${header.join(", ")})`,
      );
    }
  }
  const hasIndex = header.includes("index");
  if (!hasIndex) header.unshift("index");
  const rows = table.records.map(({ line, cells }, position) => {
    const row: Row = {};
    table.header.forEach((column, i) => (row[column] = cells[i] ?? ""));
    if (!hasIndex) row.index = String(position);
    return { line, row };
  });
  const shape = detectShape(rows[0]?.row, header);
  const seen = new Set<string>();
  const questions = rows.map(({ line, row }) => {
    const at = (field: string) => ({ line, field });
    if (row.index === "") throw formatError(file, "the index is empty", at("index"));
    if (seen.has(row.index)) {
      throw formatError(file, `index ${row.index} appears twice`, at("index"));
    }
    seen.add(row.index);
    const video = row.prefix ? `${row.prefix.replace(/\/+$/, "")}/${row.video}` : row.video;
    try {
      checkVideoName(video);
    } catch (error) {
      throw formatError(file, (error as Error).message, at("video"), { cause: error });
    }
    const base = {
      index: row.index,
      video,
      question: row.question,
      row,
      bound: readBound(row, file, line),
    };
    if (shape === "open") {
      return { ...base, options: [], optionLines: [], answer: row.answer ?? "" };
    }
    let candidates: string[];
    try {
      candidates = parsePythonStringList(row.candidates);
    } catch (error) {
      throw formatError(file, (error as Error).message, at("candidates"), {
        cause: error,
      });
    }
    if (candidates.length === 0) {
      throw formatError(file, "it lists no candidates", at("candidates"));
    }
    return shape === "lettered-mcq"
      ? { ...base, ...letteredOptions(candidates, row.answer, file, line) }
      : { ...base, ...textOptions(candidates, row.answer, file, line) };
  });
  return { shape, header, questions, ...typed };
}

function detectShape(first: Row | undefined, header: string[]): VideoDatasetShape {
  if (!header.includes("candidates")) return "open";
  if (!first) return "lettered-mcq";
  try {
    const candidates = parsePythonStringList(first.candidates);
    if (
      candidates.length > 0 && candidates.every((c) => LETTERED.test(c.trim())) &&
      /^[A-Z]$/.test(first.answer.trim())
    ) {
      return "lettered-mcq";
    }
  } catch {
    // Reported with the row's line when the rows are read.
  }
  return "text-mcq";
}

function letteredOptions(candidates: string[], answer: string, file: string, line: number) {
  const options = candidates.map((c, i) => {
    const match = LETTERED.exec(c.trim());
    const expected = String.fromCharCode(65 + i);
    if (!match || match[1] !== expected) {
      throw formatError(
        file,
        `candidate ${i + 1} should start with "${expected}. ": current value is ${
          JSON.stringify(c)
        }`,
        { line, field: "candidates" },
      );
    }
    return [match[1], match[2]] as const;
  });
  const letter = answer.trim();
  if (!options.some(([l]) => l === letter)) {
    throw formatError(
      file,
      `the answer must be one of the letters ${
        options.map(([l]) => l).join(", ")
      }: current value is ${JSON.stringify(answer)}`,
      { line, field: "answer" },
    );
  }
  return { options, optionLines: candidates, answer: letter };
}

function textOptions(candidates: string[], answer: string, file: string, line: number) {
  const position = candidates.findIndex((c) => c.trim() === answer.trim());
  if (position === -1) {
    throw formatError(
      file,
      `the answer must be one of the candidates: current value is ${JSON.stringify(answer)}`,
      { line, field: "answer" },
    );
  }
  const options = candidates.map((c, i) => [String.fromCharCode(65 + i), c] as const);
  return {
    options,
    optionLines: options.map(([l, t]) => `${l}. ${t}`),
    answer: String.fromCharCode(65 + position),
  };
}

function readBound(row: Row, file: string, line: number): readonly [number, number] | undefined {
  if (!/^(true|1)$/i.test(row.bound ?? "")) return undefined;
  const [start, end] = [Number(row.start), Number(row.end)];
  if (
    row.start === "" || row.end === "" || !Number.isFinite(start) || !Number.isFinite(end) ||
    start > end
  ) {
    throw formatError(
      file,
      `a bound needs numeric start <= end: current values are ${JSON.stringify(row.start)}, ${
        JSON.stringify(row.end)
      }`,
      { line, field: "start" },
    );
  }
  return [start, end];
}
