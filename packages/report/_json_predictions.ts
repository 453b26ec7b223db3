import type { Row } from "@vlmeval/schema";
import { checkHeader, readUtf8 } from "./_table_text.ts";
import { TextSink } from "./_text_sink.ts";
import { MalformedFileError } from "./malformed_file_error.ts";

/** A JSON value as `json.dumps(..., indent=4, ensure_ascii=False)` writes it, at depth 1. */
function recordText(columns: readonly string[], cells: readonly unknown[]): string {
  const members = columns.map((name, i) =>
    `        ${JSON.stringify(name)}: ${JSON.stringify(cells[i] ?? null)}`
  );
  return `    {\n${members.join(",\n")}\n    }`;
}

/**
 * Writes records as a JSON list indented by 4 with non-ASCII kept, like VLMEvalKit's `dump`
 * (`json.dump(..., indent=4, ensure_ascii=False)`), one record at a time. Not neutralised.
 * Non-finite numbers are written as `null`. Returns the number of records.
 */
export async function writeJsonRecords(
  path: string,
  columns: readonly string[],
  records: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
): Promise<number> {
  const sink = await TextSink.create(path);
  let count = 0;
  try {
    sink.write("[");
    for await (const cells of records) {
      sink.write((count === 0 ? "\n" : ",\n") + recordText(columns, cells));
      count++;
    }
    sink.write(count === 0 ? "]" : "\n]");
    sink.close();
  } catch (error) {
    sink.abandon();
    throw error;
  }
  return count;
}

/** Python writes NaN and infinities as bare tokens, which JSON.parse refuses. */
const STRING_OR_NON_FINITE = /"[^"\\]*(?:\\.[^"\\]*)*"|-?Infinity|NaN/g;

function replaceNonFinite(text: string): string {
  if (!text.includes("NaN") && !text.includes("Infinity")) return text;
  return text.replace(STRING_OR_NON_FINITE, (token) => {
    if (token.startsWith('"')) return token;
    if (token === "NaN") return "null";
    return token.startsWith("-") ? '"-inf"' : '"inf"';
  });
}

interface RawJson {
  rawJSON: string;
}
interface JsonWithSource {
  parse(
    text: string,
    reviver: (key: string, value: unknown, context: { source?: string }) => unknown,
  ): unknown;
  rawJSON(text: string): RawJson;
  isRawJSON(value: unknown): value is RawJson;
}
const json = JSON as unknown as JsonWithSource;

/** Keeps numbers and booleans as their source text (`1.0` stays `1.0`). */
function keepSource(_key: string, value: unknown, context: { source?: string }): unknown {
  if ((typeof value === "number" || typeof value === "boolean") && context.source) {
    return json.rawJSON(context.source);
  }
  return value;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (json.isRawJSON(value)) return value.rawJSON;
  return JSON.stringify(value);
}

/**
 * Reads a JSON list of records. Every value becomes text: strings as they are, numbers and
 * booleans as written, `null` and NaN as `""`, nested values as compact JSON. Columns are the
 * keys in order of first appearance; a record without a key gets `""` there.
 */
export async function readJsonPredictions(
  path: string,
): Promise<{ columns: string[]; rows: Row[] }> {
  const text = await readUtf8(path);
  let parsed: unknown;
  try {
    parsed = json.parse(replaceNonFinite(text.replace(/^\uFEFF/, "")), keepSource);
  } catch (error) {
    throw new MalformedFileError(
      `Cannot read ${path} as it is not valid JSON: ${(error as Error).message}`,
      { path, cause: error },
    );
  }
  if (!Array.isArray(parsed)) {
    throw new MalformedFileError(
      `Cannot read ${path} as it must hold a JSON list of records: current value is ${
        parsed === null ? "null" : typeof parsed
      }`,
      { path },
    );
  }
  const columns: string[] = [];
  const known = new Set<string>();
  parsed.forEach((record, i) => {
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      const kind = record === null ? "null" : Array.isArray(record) ? "a list" : typeof record;
      throw new MalformedFileError(
        `Cannot read ${path} as record ${i + 1} must be an object: current value is ${kind}`,
        { path, row: i + 1 },
      );
    }
    for (const key of Object.keys(record)) {
      if (!known.has(key)) {
        known.add(key);
        columns.push(key);
      }
    }
  });
  if (parsed.length > 0) checkHeader(path, columns);
  const rows = parsed.map((record: Record<string, unknown>) => {
    const row: Row = {};
    for (const name of columns) row[name] = cellText(record[name]);
    return row;
  });
  return { columns, rows };
}
