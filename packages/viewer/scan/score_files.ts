import { parseDelimited } from "@vlmeval/delimited";
import { restoreCell } from "@vlmeval/report";
import type { ScoreContent } from "./types.ts";

/** A score file that is not a table or object vlmeval can show; the message names the file. */
export class UnreadableScoreFileError extends Error {
  /** Always `"UnreadableScoreFileError"`. */
  override name = "UnreadableScoreFileError";
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** A JSON list of records as a table: columns in first-seen order, cells as text. */
function recordsTable(path: string, records: unknown[]): ScoreContent {
  const columns: string[] = [];
  const seen = new Set<string>();
  records.forEach((record, k) => {
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      throw new UnreadableScoreFileError(
        `Cannot read ${path} as a score table as record ${k + 1} is not an object: ` +
          `current value is ${JSON.stringify(record)?.slice(0, 80)}`,
      );
    }
    for (const key of Object.keys(record)) {
      if (seen.has(key)) continue;
      columns.push(key);
      seen.add(key);
    }
  });
  const rows = records.map((record) =>
    columns.map((column) => cellText((record as Record<string, unknown>)[column]))
  );
  return { kind: "table", columns, rows };
}

/**
 * Reads a score file: a CSV table as VLMEvalKit writes it (text cells lose the `'` formula guard
 * again), a JSON list of records (`EVAL_FORMAT=json`) as a table, any other JSON as an object.
 *
 * @throws {UnreadableScoreFileError} When the file is not valid CSV or JSON, or a CSV row's
 * length differs from its header's; the message names the file and line.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 */
export async function readScoreFile(path: string, ext: string): Promise<ScoreContent> {
  const text = await Deno.readTextFile(path);
  if (ext === "json") {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UnreadableScoreFileError(
        `Cannot read ${path} as JSON as it does not parse: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return Array.isArray(value) && value.length > 0 && typeof value[0] === "object"
      ? recordsTable(path, value)
      : { kind: "object", value };
  }
  let records;
  try {
    records = [...parseDelimited(text, ",")];
  } catch (error) {
    throw new UnreadableScoreFileError(
      `Cannot read ${path} as CSV: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (records.length === 0) {
    throw new UnreadableScoreFileError(`Cannot read ${path} as a score table as it is empty`);
  }
  const [header, ...body] = records;
  for (const record of body) {
    if (record.fields.length !== header.fields.length) {
      throw new UnreadableScoreFileError(
        `Cannot read ${path} as a score table as line ${record.line} has ` +
          `${record.fields.length} fields: expected ${header.fields.length}`,
      );
    }
  }
  return {
    kind: "table",
    columns: header.fields.map(restoreCell),
    rows: body.map((record) => record.fields.map(restoreCell)),
  };
}
