import { jsonObjectEnd } from "@vlmeval/internal";
import { failMessage, isFailure } from "@vlmeval/schema";

/** Why one question of a packed answer has no prediction. */
export interface PackParseFailure {
  /** Tells a failure from an answer (see {@linkcode isPackParseFailure}). */
  readonly kind: "pack-parse-failure";
  /** What went wrong, e.g. `no JSON object in the answer` or `no answer for question 12`. */
  readonly reason: string;
}

/**
 * Reads a packed answer (one generation answering every question about a video) back into one
 * answer per question, as VLMEvalKit's `robust_json_load`:
 * 1. if exactly one JSON object can be read from the text, it is used;
 * 2. otherwise, if the text holds exactly one `{`, every later line with `: ` is split into key
 *    and value, with commas, quotes and a closing brace trimmed (VLMEvalKit keeps only the text
 *    up to a second `: ` in the value; the whole rest is kept here);
 * 3. otherwise every question fails.
 *
 * Keys are matched to `indices` as strings. A question without a key fails with its own reason.
 * Non-string values are written as JSON (`3` becomes `"3"`).
 *
 * @example Two questions, one answered
 * ```ts
 * import { parsePackAnswer } from "@vlmeval/datasets";
 * const parsed = parsePackAnswer('Sure: {"3": "B"}', ["3", "4"]);
 * parsed.get("3"); // "B"
 * parsed.get("4"); // { kind: "pack-parse-failure", reason: "no answer for question 4 ..." }
 * ```
 */
export function parsePackAnswer(
  text: string,
  indices: readonly string[],
): Map<string, string | PackParseFailure> {
  const parsed = robustJsonLoad(text);
  const result = new Map<string, string | PackParseFailure>();
  for (const index of indices) {
    if (typeof parsed === "string") {
      result.set(index, failure(parsed));
    } else if (Object.hasOwn(parsed, index)) {
      const value = parsed[index];
      result.set(index, typeof value === "string" ? value : JSON.stringify(value));
    } else {
      const keys = Object.keys(parsed).slice(0, 10).map((k) => JSON.stringify(k)).join(", ");
      result.set(index, failure(`no answer for question ${index} (keys: ${keys || "none"})`));
    }
  }
  return result;
}

/**
 * The prediction to record for each question of a packed answer: the parsed answer, or
 * `Failed to obtain answer: PackParseError <reason>`. When the generation itself failed (the
 * text is a recorded failure such as `Failed to obtain answer via API.`), every question gets
 * that text unchanged, so it is retried like any failure.
 */
export function packPredictions(text: string, indices: readonly string[]): Map<string, string> {
  if (isFailure(text)) return new Map(indices.map((i) => [i, text]));
  const parsed = parsePackAnswer(text, indices);
  return new Map(
    [...parsed].map((
      [index, value],
    ) => [index, typeof value === "string" ? value : failMessage("PackParseError", value.reason)]),
  );
}

/** True for a {@link PackParseFailure}. */
export function isPackParseFailure(value: unknown): value is PackParseFailure {
  return typeof value === "object" && value !== null &&
    (value as PackParseFailure).kind === "pack-parse-failure";
}

function failure(reason: string): PackParseFailure {
  return { kind: "pack-parse-failure", reason };
}

/** The one JSON object in `text`, the line-by-line fallback, or the reason for failing. */
function robustJsonLoad(text: string): Record<string, unknown> | string {
  const objects = jsonObjectsIn(text);
  if (objects.length === 1) return objects[0];
  const first = text.indexOf("{");
  if (first !== -1 && first === text.lastIndexOf("{")) return keyValueLines(text.slice(first + 1));
  if (objects.length > 1) return `the answer holds ${objects.length} JSON objects, not one`;
  if (first === -1) return "no JSON object in the answer";
  return "no readable JSON object in the answer";
}

/** Every JSON object that starts at a `{` and parses, scanning as Python's `raw_decode` loop. */
function jsonObjectsIn(text: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  let pos = 0;
  while (true) {
    const start = text.indexOf("{", pos);
    if (start === -1) break;
    const end = jsonObjectEnd(text, start);
    let value: unknown;
    if (end !== -1) {
      try {
        value = JSON.parse(text.slice(start, end + 1));
      } catch {
        value = undefined;
      }
    }
    if (value !== undefined && typeof value === "object" && value !== null) {
      found.push(value as Record<string, unknown>);
      pos = end + 1;
    } else {
      pos = start + 1;
    }
  }
  return found;
}

function keyValueLines(body: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    const colon = line.indexOf(": ");
    if (colon === -1) continue;
    const key = trimChars(line.slice(0, colon).trim(), "'\"").trim();
    const value = trimChars(trimChars(line.slice(colon + 2).trim(), ",}").trim(), "'\"");
    result[key] = value;
  }
  return result;
}

function trimChars(text: string, chars: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start])) start++;
  while (end > start && chars.includes(text[end - 1])) end--;
  return text.slice(start, end);
}
