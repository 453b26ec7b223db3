import { looksLikeList, parsePythonStringList, pyLen } from "@vlmeval/internal";

/** VLMEvalKit: an `image` value of 1..64 characters is the `index` of the row it shares. */
export const MAX_REFERENCE_CHARS = 64;

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Short bytes as text: ASCII in JavaScript (cheaper than a decoder call), else decoded. */
function shortText(bytes: Uint8Array): string {
  for (let k = 0; k < bytes.length; k++) if (bytes[k] >= 0x80) return utf8.decode(bytes);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** What an `image` cell holds, found without decoding large base64 payloads. */
export type ImageCellShape =
  | { kind: "none" }
  | { kind: "reference"; target: string }
  | { kind: "images"; count: number };

/**
 * Classifies an `image` cell from its bytes: empty, a reference (<= 64 characters), a list
 * literal (parsed to count and validate it) or one base64 image.
 *
 * @throws {SyntaxError} for a malformed list literal or invalid UTF-8 in a short or list value.
 */
export function imageCellShape(bytes: Uint8Array): ImageCellShape {
  if (bytes.length === 0) return { kind: "none" };
  if (bytes.length <= MAX_REFERENCE_CHARS * 4) {
    const text = shortText(bytes);
    if (pyLen(text) <= MAX_REFERENCE_CHARS) return { kind: "reference", target: text };
  }
  if (bytes[0] === OPEN_BRACKET && bytes[bytes.length - 1] === CLOSE_BRACKET) {
    const list = parsePythonStringList(utf8.decode(bytes));
    if (list.length === 0) throw new SyntaxError("Cannot use an empty image list");
    return { kind: "images", count: list.length };
  }
  return { kind: "images", count: 1 };
}

/** The base64 strings of a non-reference `image` cell (one, or the list's elements). */
export function imageCellValues(text: string): string[] {
  return looksLikeList(text) ? parsePythonStringList(text) : [text];
}

/**
 * The entries of an `image_path` cell: none when empty, the elements of a list literal, or the
 * text itself.
 *
 * @throws {SyntaxError} for a malformed list literal.
 */
export function pathCellValues(text: string): string[] {
  if (text === "") return [];
  return looksLikeList(text) ? parsePythonStringList(text) : [text];
}
