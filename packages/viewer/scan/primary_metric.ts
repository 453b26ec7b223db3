/**
 * The primary metric of a score file, chosen as VLMEvalKit's summary chooses it
 * (`vlmeval/smp/status_report.py` `flatten_summary_metrics` and
 * `vlmeval/dataset/image_base.py` `_choose_primary_metric_key`, commit
 * e8e78f05f3080fe28154f2130321f17951c3be94): the scores are flattened to `dim=value|column`
 * keys, and the key that says `overall` (then `acc`, then `score`) wins, a test split before a
 * validation split before a dev split.
 *
 * @module
 */
import type { ScoreContent } from "./types.ts";

/** A number as Python's `float()` reads it from text, or undefined (VLMEvalKit's `is_number`). */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isNaN(value) ? undefined : value;
  if (typeof value !== "string") return undefined;
  const text = value.trim().toLowerCase();
  if (text === "") return undefined;
  if (/^[+-]?(inf|infinity)$/.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function safeKey(key: string): string {
  const trimmed = key.trim();
  return trimmed === "" ? "value" : trimmed;
}

/** `_flatten_dataframe`: numeric columns become `dim=value|column` keys, one per row. */
function flattenTable(columns: readonly string[], rows: readonly string[][]): Map<string, number> {
  const out = new Map<string, number>();
  const numeric = columns.map((_, k) => rows.some((row) => numberOf(row[k]) !== undefined));
  rows.forEach((row, rowIndex) => {
    const dims = columns.flatMap((column, k) => {
      const cell = (row[k] ?? "").trim();
      return !numeric[k] && cell !== "" ? [`${safeKey(column)}=${cell}`] : [];
    });
    const prefix = dims.join("|");
    columns.forEach((column, k) => {
      const value = numeric[k] ? numberOf(row[k]) : undefined;
      if (value === undefined) return;
      let key = prefix ? `${prefix}|${safeKey(column)}` : safeKey(column);
      if (out.has(key)) key = `${key}#${rowIndex}`;
      out.set(key, value);
    });
  });
  return out;
}

/** `_flatten_any` over a parsed JSON value. */
function flattenValue(value: unknown, prefix: string, out: Map<string, number>): void {
  const put = (key: string, n: number) => out.set(out.has(key) ? `${key}#dup` : key, n);
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    const numbers = value.map(numberOf);
    if (numbers.every((n) => n !== undefined)) {
      if (numbers.length === 1) put(prefix || "value", numbers[0]!);
      else numbers.forEach((n, k) => put(prefix ? `${prefix}|${k}` : String(k), n!));
    } else {
      value.forEach((item, k) => flattenValue(item, prefix ? `${prefix}|${k}` : String(k), out));
    }
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      flattenValue(item, prefix ? `${prefix}|${safeKey(key)}` : safeKey(key), out);
    }
    return;
  }
  const n = numberOf(value);
  if (n !== undefined) put(prefix || "value", n);
}

/** Every number of a score file under its flattened key, in file order. */
export function flattenScores(content: ScoreContent): Map<string, number> {
  if (content.kind === "table") return flattenTable(content.columns, content.rows);
  const out = new Map<string, number>();
  flattenValue(content.value, "", out);
  return out;
}

function keyScore(key: string): number {
  const lower = key.toLowerCase();
  let score = 0;
  if (lower === "overall") score = 100;
  else if (lower.endsWith("|overall")) score = 95;
  else if (lower.includes("overall")) score = 90;
  else if (lower === "acc" || lower.endsWith("|acc")) score = 80;
  else if (lower.includes("acc")) score = 70;
  else if (lower === "score" || lower.endsWith("|score")) score = 60;
  else if (lower.includes("score")) score = 50;
  if (lower.includes("split=test")) score += 4;
  else if (lower.includes("split=validation")) score += 3;
  else if (lower.includes("split=val")) score += 2;
  else if (lower.includes("split=dev")) score += 1;
  return score;
}

/**
 * VLMEvalKit's `_choose_primary_metric_key`: the best-scoring key, ties broken by code point
 * order of the key (Python's string sort); undefined when there is no key.
 */
export function choosePrimaryKey(keys: Iterable<string>): string | undefined {
  let best: { key: string; score: number } | undefined;
  for (const key of keys) {
    const score = keyScore(key);
    if (!best || score > best.score || (score === best.score && key < best.key)) {
      best = { key, score };
    }
  }
  return best?.key;
}

/**
 * The order in which a benchmark's score files are asked for its primary metric: the accuracy
 * table, the rating table or object, a judge's score table, then the others.
 */
export function scoreFileRank(suffix: string): number {
  if (suffix === "acc") return 0;
  if (suffix === "score") return 1;
  if (/_score$/.test(suffix)) return 2;
  if (suffix === "rating") return 3;
  if (suffix === "acc_normalized") return 4;
  return 5;
}
