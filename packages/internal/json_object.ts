/**
 * Finding a JSON object inside free text: the one brace matcher for both ends of pack mode
 * (the questions a pack prompt carries, and the answers a model gives back).
 *
 * @module
 */

/**
 * Index of the `}` that closes the JSON object opened by the `{` at `text[start]`, minding
 * strings and nested objects and arrays; -1 when it is never closed (or an array closes it).
 *
 * @example
 * ```ts
 * import { jsonObjectEnd } from "@vlmeval/internal";
 * const text = 'Answer: {"3": "B", "4": "a } in a string"} done';
 * text.slice(8, jsonObjectEnd(text, 8) + 1); // '{"3": "B", "4": "a } in a string"}'
 * ```
 */
export function jsonObjectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === "{" || c === "[") {
      depth++;
    } else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return c === "}" ? i : -1;
    }
  }
  return -1;
}
