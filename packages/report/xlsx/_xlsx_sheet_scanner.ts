/**
 * A purpose-made scanner for the sheet XML our writer makes (exceljs' streaming writer with
 * inline strings): bytes in, pushed chunk by chunk, one row of cell texts at a time out, decoded
 * exactly as exceljs' reader (saxes underneath) would decode them. It understands only the
 * markup that such a sheet can hold; anything else throws {@linkcode NotOurSheet}.
 *
 * @module
 */
import { pythonFloatRepr } from "@vlmeval/delimited";

/** Markup this scanner does not handle; the caller falls back to a complete reader. */
export class NotOurSheet extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotOurSheet";
  }
}

function notOurs(message: string): never {
  throw new NotOurSheet(message);
}

/** Thrown (never to the caller) when a row runs past the bytes pushed so far. */
const NEED_MORE: unique symbol = Symbol("need more bytes");

function needMore(): never {
  throw NEED_MORE;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const AMPERSAND = 0x26;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x09 || byte === 0x0d;
}

/** A letter, `_` or `:`: what an XML name may start with (within ASCII). */
function isNameStart(byte: number): boolean {
  return (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte === 0x3a ||
    byte === 0x5f;
}

function isNameByte(byte: number): boolean {
  return (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x30 && byte <= 0x39) || byte === 0x3a || byte === 0x5f || byte === 0x2d ||
    byte === 0x2e;
}

function skipSpace(bytes: Uint8Array, at: number, limit: number): number {
  while (at < limit && isSpace(bytes[at])) at++;
  return at;
}

/** Whether `literal` lies at `at`; running into `limit` first means more bytes are needed. */
function matches(bytes: Uint8Array, at: number, limit: number, literal: Uint8Array): boolean {
  for (let k = 0; k < literal.length; k++) {
    if (at + k >= limit) needMore();
    if (bytes[at + k] !== literal[k]) return false;
  }
  return true;
}

/** Where `pattern` first lies wholly inside `[from, to)`, or -1. */
function indexOfBytes(bytes: Uint8Array, pattern: Uint8Array, from: number, to: number): number {
  const first = pattern[0];
  const last = to - pattern.length;
  const window = bytes.subarray(0, Math.max(0, last + 1));
  for (let i = window.indexOf(first, from); i >= 0; i = window.indexOf(first, i + 1)) {
    let k = 1;
    while (k < pattern.length && bytes[i + k] === pattern[k]) k++;
    if (k === pattern.length) return i;
  }
  return -1;
}

/** Whether `literal` lies at `at`, wholly before `limit`. */
function startsWith(bytes: Uint8Array, at: number, limit: number, literal: Uint8Array): boolean {
  if (at + literal.length > limit) return false;
  for (let k = 0; k < literal.length; k++) {
    if (bytes[at + k] !== literal[k]) return false;
  }
  return true;
}

/** An ASCII byte range as a string (tag and attribute names, attribute values). */
function ascii(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte >= 0x80) notOurs("markup is not ASCII");
    text += String.fromCharCode(byte);
  }
  return text;
}

/** One tag as {@linkcode readTag} found it. */
interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  /** Attribute names and values, alternating. */
  attributes: string[];
  /** The position just past the tag's `>`. */
  end: number;
}

/**
 * Reads the tag at `at` (which must be `<`) within `[at, limit)`: an opening, self-closing or
 * closing element tag with well-formed attributes free of references. Comments, CDATA,
 * processing instructions and declarations are refused.
 */
function readTag(bytes: Uint8Array, at: number, limit: number): Tag {
  const byteAt = (p: number) => p < limit ? bytes[p] : needMore();
  if (byteAt(at) !== LT) notOurs("text where a tag should be");
  let p = at + 1;
  const closing = byteAt(p) === SLASH;
  if (closing) p++;
  const nameStart = p;
  if (!isNameStart(byteAt(p))) notOurs("a tag without a name (comment, CDATA or declaration)");
  while (isNameByte(byteAt(p))) p++;
  const name = ascii(bytes, nameStart, p);
  const attributes: string[] = [];
  for (;;) {
    const spaced = isSpace(byteAt(p));
    while (isSpace(byteAt(p))) p++;
    const byte = byteAt(p);
    if (byte === GT) return { name, closing, selfClosing: false, attributes, end: p + 1 };
    if (byte === SLASH && !closing) {
      if (byteAt(p + 1) !== GT) notOurs(`malformed tag <${name}>`);
      return { name, closing, selfClosing: true, attributes, end: p + 2 };
    }
    if (closing || !spaced) notOurs(`malformed tag <${name}>`);
    const attributeStart = p;
    if (!isNameStart(byteAt(p))) notOurs(`malformed attribute in <${name}>`);
    while (isNameByte(byteAt(p))) p++;
    const attribute = ascii(bytes, attributeStart, p);
    while (isSpace(byteAt(p))) p++;
    if (byteAt(p) !== EQUALS) notOurs(`malformed attribute in <${name}>`);
    p++;
    while (isSpace(byteAt(p))) p++;
    const quote = byteAt(p);
    if (quote !== QUOTE && quote !== APOSTROPHE) notOurs(`unquoted attribute in <${name}>`);
    const valueStart = ++p;
    for (let byte = byteAt(p); byte !== quote; byte = byteAt(++p)) {
      if (byte === LT || byte === AMPERSAND || (byte < 0x20 && !isSpace(byte))) {
        notOurs(`an unusual attribute value in <${name}>`);
      }
    }
    for (let i = 0; i < attributes.length; i += 2) {
      if (attributes[i] === attribute) notOurs(`repeated attribute in <${name}>`);
    }
    attributes.push(attribute, ascii(bytes, valueStart, p));
    p++;
  }
}

/** Checks that `tag` is `<name>` (or `</name>` when `closing`). */
function expectTag(tag: Tag, name: string, closing = false): void {
  if (tag.name !== name || tag.closing !== closing) {
    notOurs(`<${tag.closing ? "/" : ""}${tag.name}> where <${closing ? "/" : ""}${name}> belongs`);
  }
}

/** Characters XML 1.0 does not allow in text (saxes, under exceljs, rejects them), and `]]>`. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const NOT_XML_TEXT = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|\]\]>/;
/** Text that needs more than decoding: a carriage return, a reference, a possible escape. */
const NEEDS_WORK = /[\r&]|_x/;
/** An `&` that does not start one of the references a plain XML parser knows. */
const BAD_REFERENCE = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/;
const REFERENCE = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function expandReference(_: string, body: string): string {
  const named = NAMED[body];
  if (named !== undefined) return named;
  const code = body[1] === "x" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
  const isXmlChar = code === 0x9 || code === 0xa || code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  if (!isXmlChar) notOurs("a character reference to a character XML does not allow");
  return String.fromCodePoint(code);
}

/**
 * Decoded `<t>` text as the XML parser hands it to exceljs: line ends normalised (`\r\n` and
 * a lone `\r` become `\n`; a `&#13;` reference stays), then references expanded. Checked for
 * characters XML forbids by the caller.
 */
function parsedText(raw: string): string {
  let text = raw;
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
  if (text.includes("&")) {
    if (BAD_REFERENCE.test(text)) notOurs("an unknown entity or a bare &");
    text = text.replace(REFERENCE, expandReference);
  }
  return text;
}

/** exceljs' decoding of Excel's `_xHHHH_` escapes in a rich-text run (upper-case hex only). */
function decodeEscapes(text: string): string {
  return text.includes("_x")
    ? text.replace(/_x([0-9A-F]{4})_/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
    : text;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes one `<t>`'s bytes on its own (a fresh string) and parses it. */
function textOf(bytes: Uint8Array, start: number, end: number): string {
  if (start === end) return "";
  const raw = utf8.decode(bytes.subarray(start, end));
  if (NOT_XML_TEXT.test(raw)) notOurs("text XML does not allow");
  return parsedText(raw);
}

/** Reads `<t ...>text</t>` at `at`: the parsed text and the position after `</t>`. */
function readT(bytes: Uint8Array, at: number, limit: number): { text: string; end: number } {
  const open = readTag(bytes, at, limit);
  expectTag(open, "t");
  const attributes = open.attributes;
  if (
    attributes.length > 2 ||
    (attributes.length === 2 && (attributes[0] !== "xml:space" || attributes[1] !== "preserve"))
  ) {
    notOurs("an unusual attribute on <t>");
  }
  if (open.selfClosing) return { text: "", end: open.end };
  const textEnd = bytes.indexOf(LT, open.end);
  if (textEnd < 0 || textEnd >= limit) needMore();
  const close = readTag(bytes, textEnd, limit);
  expectTag(close, "t", true);
  return { text: textOf(bytes, open.end, textEnd), end: close.end };
}

const CELL_REFERENCE = /^([A-Z]{1,3})([1-9][0-9]*)$/;
const V_CLOSE = new TextEncoder().encode("</v>");
const NUMBER_VALUE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

/**
 * A number or boolean cell's value as Python's `str()` shows what `pd.read_excel` holds for it:
 * `True`/`False`, a whole number as an int (`7`), any other as a float's repr (`0.5`, `1e-05`).
 */
function valueText(value: string, bool: boolean): string {
  if (bool) {
    if (value !== "0" && value !== "1") notOurs("a boolean cell that is neither 0 nor 1");
    return value === "1" ? "True" : "False";
  }
  if (!NUMBER_VALUE.test(value)) notOurs("a number cell that is not a plain number");
  const number = Number(value);
  if (Number.isInteger(number) && Math.abs(number) < 2 ** 53) return String(number);
  return pythonFloatRepr(number);
}
const MAX_COLUMN = 16_384;

/**
 * Reads any `<c>` this scanner accepts at `at` as exceljs would read its value: an inline
 * string of rich-text runs (`<is><r><t>`, escapes decoded in each run) or of one plain `<t>`
 * (escapes left as they are, as exceljs leaves them), or an empty cell (`""`).
 */
function readCell(
  bytes: Uint8Array,
  at: number,
  limit: number,
  row: number,
): { end: number; column: number; text: string } {
  const open = readTag(bytes, at, limit);
  expectTag(open, "c");
  let reference: string | undefined;
  let type: string | undefined;
  for (let i = 0; i < open.attributes.length; i += 2) {
    const name = open.attributes[i];
    if (name === "r") reference = open.attributes[i + 1];
    else if (name === "t") type = open.attributes[i + 1];
    else notOurs(`a cell attribute ${name} (a style or another feature)`);
  }
  const match = reference === undefined ? null : CELL_REFERENCE.exec(reference);
  if (match === null || Number(match[2]) !== row) notOurs("a cell without its own reference");
  const column = columnNumber(match[1]);
  if (open.selfClosing) return { end: open.end, column, text: "" };
  let p = skipSpace(bytes, open.end, limit);
  let tag = readTag(bytes, p, limit);
  if (tag.closing) {
    expectTag(tag, "c", true);
    return { end: tag.end, column, text: "" };
  }
  if (type === undefined || type === "n" || type === "b") {
    // A number or boolean cell, as our writer makes them for numeric and bool columns.
    expectTag(tag, "v");
    if (tag.selfClosing || tag.attributes.length > 0) notOurs("an unusual <v>");
    const end = indexOfBytes(bytes, V_CLOSE, tag.end, limit);
    if (end < 0) needMore();
    const value = ascii(bytes, tag.end, end);
    const close = readTag(bytes, skipSpace(bytes, end + V_CLOSE.length, limit), limit);
    expectTag(close, "c", true);
    return { end: close.end, column, text: valueText(value, type === "b") };
  }
  if (type !== "inlineStr") notOurs(`a cell of type ${type}`);
  expectTag(tag, "is");
  if (tag.attributes.length > 0) notOurs("attributes on <is>");
  let text = "";
  p = tag.end;
  if (!tag.selfClosing) {
    const runs: string[] = [];
    let plain: string | undefined;
    for (;;) {
      p = skipSpace(bytes, p, limit);
      tag = readTag(bytes, p, limit);
      if (tag.closing) {
        expectTag(tag, "is", true);
        p = tag.end;
        break;
      }
      if (tag.name === "t" && runs.length === 0 && plain === undefined) {
        const t = readT(bytes, p, limit);
        plain = t.text;
        p = t.end;
        continue;
      }
      expectTag(tag, "r");
      if (plain !== undefined || tag.selfClosing || tag.attributes.length > 0) {
        notOurs("an unusual rich-text run");
      }
      const t = readT(bytes, skipSpace(bytes, tag.end, limit), limit);
      runs.push(decodeEscapes(t.text));
      const close = readTag(bytes, skipSpace(bytes, t.end, limit), limit);
      expectTag(close, "r", true);
      p = close.end;
    }
    text = plain ?? runs.join("");
  }
  const close = readTag(bytes, skipSpace(bytes, p, limit), limit);
  expectTag(close, "c", true);
  return { end: close.end, column, text };
}

function columnNumber(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + letters.charCodeAt(i) - 64;
  return n;
}

const encoder = new TextEncoder();
/** What our writer puts around every cell's text (the `r` reference goes in between). */
const FAST_CELL_OPEN = encoder.encode('<c r="');
const FAST_CELL_TYPE = encoder.encode('" t="inlineStr"><is><r><t');
const FAST_PRESERVE = encoder.encode(' xml:space="preserve">');
const FAST_CELL_CLOSE = encoder.encode("</t></r></is></c>");
const ROW_CLOSE = encoder.encode("</row>");

/**
 * One sheet row: where each cell's text lies, collected while the markup is checked, and
 * decoded once for the whole row.
 */
class RowTexts {
  /** Column, then start and end of the text bytes, for each cell read by the fast path. */
  readonly spans: number[] = [];
  /** Cells read by the general path: column and text. */
  readonly general: [number, string][] = [];
  #scratch = new Uint8Array(1 << 16);

  reset(): void {
    this.spans.length = 0;
    this.general.length = 0;
  }

  /**
   * The row's cells (`cells[i]` is column `i + 1`). The fast-path texts are copied together,
   * separated by `<` (which raw text cannot hold), decoded in one call and split: each cell
   * is then a slice of one string that holds just this row's text.
   */
  cells(bytes: Uint8Array): string[] {
    const cells: string[] = [];
    const put = (column: number, text: string) => {
      while (cells.length < column - 1) cells.push("");
      cells[column - 1] = text;
    };
    const spans = this.spans;
    if (spans.length > 0) {
      let length = spans.length / 3 - 1;
      for (let i = 0; i < spans.length; i += 3) length += spans[i + 2] - spans[i + 1];
      if (this.#scratch.length < length) {
        this.#scratch = new Uint8Array(Math.max(length, this.#scratch.length * 2));
      }
      const scratch = this.#scratch;
      let at = 0;
      for (let i = 0; i < spans.length; i += 3) {
        if (i > 0) scratch[at++] = LT;
        const start = spans[i + 1];
        const end = spans[i + 2];
        if (end - start > 32) {
          scratch.set(bytes.subarray(start, end), at);
          at += end - start;
        } else {
          for (let k = start; k < end; k++) scratch[at++] = bytes[k];
        }
      }
      const joined = utf8.decode(scratch.subarray(0, at));
      if (NOT_XML_TEXT.test(joined)) notOurs("text XML does not allow");
      const texts = joined.split("<");
      const work = NEEDS_WORK.test(joined);
      for (let i = 0; i < texts.length; i++) {
        put(spans[i * 3], work ? decodeEscapes(parsedText(texts[i])) : texts[i]);
      }
    }
    for (const [column, text] of this.general) put(column, text);
    return cells;
  }
}

/**
 * Reads the cell at `at` if it has exactly the markup our writer gives every non-empty cell,
 * noting where its text lies; `-1` when it has any other form (then read it the general way).
 */
function fastCell(
  bytes: Uint8Array,
  at: number,
  limit: number,
  row: number,
  texts: RowTexts,
): { end: number; column: number } | -1 {
  if (!matches(bytes, at, limit, FAST_CELL_OPEN)) return -1;
  let p = at + FAST_CELL_OPEN.length;
  let column = 0;
  for (let byte = bytes[p]; byte >= 0x41 && byte <= 0x5a && p < limit; byte = bytes[++p]) {
    column = column * 26 + byte - 0x40;
  }
  if (column === 0 || column > MAX_COLUMN) return -1;
  let number = 0;
  const digits = p;
  for (let byte = bytes[p]; byte >= 0x30 && byte <= 0x39 && p < limit; byte = bytes[++p]) {
    number = number * 10 + byte - 0x30;
  }
  if (p === digits || bytes[digits] === 0x30 || number !== row) return -1;
  if (!matches(bytes, p, limit, FAST_CELL_TYPE)) return -1;
  p += FAST_CELL_TYPE.length;
  if (p >= limit) needMore();
  if (bytes[p] === GT) {
    p++;
  } else if (matches(bytes, p, limit, FAST_PRESERVE)) {
    p += FAST_PRESERVE.length;
  } else {
    return -1;
  }
  const textEnd = bytes.indexOf(LT, p);
  if (textEnd < 0 || textEnd >= limit) needMore();
  if (!matches(bytes, textEnd, limit, FAST_CELL_CLOSE)) return -1;
  if (textEnd > p) texts.spans.push(column, p, textEnd);
  return { end: textEnd + FAST_CELL_CLOSE.length, column };
}

/** Reads the row at `at`: `<row r="N" ...>` cells `</row>`, or `<row r="N" .../>`. */
function readRow(
  bytes: Uint8Array,
  at: number,
  limit: number,
  texts: RowTexts,
): { row: number; cells: string[]; end: number } {
  const open = readTag(bytes, at, limit);
  expectTag(open, "row");
  let reference: string | undefined;
  for (let i = 0; i < open.attributes.length; i += 2) {
    if (open.attributes[i] === "r") reference = open.attributes[i + 1];
  }
  if (reference === undefined || !/^[1-9][0-9]{0,6}$/.test(reference)) {
    notOurs("a row without its number");
  }
  const row = Number(reference);
  if (open.selfClosing) return { row, cells: [], end: open.end };
  texts.reset();
  let p = open.end;
  let column = 0;
  for (;;) {
    p = skipSpace(bytes, p, limit);
    if (matches(bytes, p, limit, ROW_CLOSE)) {
      return { row, cells: texts.cells(bytes), end: p + ROW_CLOSE.length };
    }
    let cell = fastCell(bytes, p, limit, row, texts);
    if (cell === -1) {
      const general = readCell(bytes, p, limit, row);
      if (general.text !== "") texts.general.push([general.column, general.text]);
      cell = general;
    }
    if (cell.column <= column || cell.column > MAX_COLUMN) notOurs("cells out of order");
    column = cell.column;
    p = cell.end;
  }
}

const SHEET_DATA_OPEN = encoder.encode("<sheetData>");
const SHEET_DATA_CLOSE = encoder.encode("</sheetData>");
const XML_DECLARATION = encoder.encode(
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
);
/** The most of a pushed chunk taken in at once, so that a huge chunk does not grow the buffer. */
const PUSH_SLICE = 1 << 18;
/** The most XML kept before `<sheetData>` or after `</sheetData>`; ours has a few hundred bytes. */
const MAX_FRAME_BYTES = 64 * 1024;

/**
 * Scans sheet XML pushed in chunks and hands each complete row to `onRow` as it is read; only
 * the unread bytes (the row in progress, the rest of the chunk) are held.
 */
export class SheetScanner {
  #bytes = new Uint8Array(1 << 20);
  #start = 0;
  #end = 0;
  /** While a row waits for more bytes: where the search for its `</row>` resumes. */
  #waitFrom = -1;
  #state: "prolog" | "rows" | "tail" = "prolog";
  #lastRow = 0;
  readonly #texts = new RowTexts();
  readonly #onRow: (row: number, cells: string[]) => void;

  /**
   * `onRow` gets each row's number (1, 2, ... in order; rows the sheet skips come as empty)
   * and its cells, `cells[i]` being column `i + 1` (missing cells `""`, trailing ones absent).
   */
  constructor(onRow: (row: number, cells: string[]) => void) {
    this.#onRow = onRow;
  }

  /** Takes the next bytes of the sheet and reads every row they complete. */
  push(chunk: Uint8Array): void {
    for (let at = 0; at < chunk.length; at += PUSH_SLICE) {
      this.#append(chunk.subarray(at, at + PUSH_SLICE));
      this.#scan(false);
    }
  }

  /** Reads what is left once the whole sheet was pushed, and checks how it ends. */
  finish(): void {
    this.#scan(true);
    if (this.#state !== "tail") notOurs("the sheet data is not closed");
    if (this.#lastRow === 0) notOurs("no rows");
    const bytes = this.#bytes;
    const end = this.#end;
    let p = this.#start;
    try {
      for (;;) {
        p = skipSpace(bytes, p, end);
        const tag = readTag(bytes, p, end);
        p = tag.end;
        if (tag.closing) {
          expectTag(tag, "worksheet", true);
          break;
        }
        if ((tag.name !== "pageMargins" && tag.name !== "pageSetup") || !tag.selfClosing) {
          notOurs(`<${tag.name}> after the sheet data`);
        }
      }
    } catch (error) {
      if (error === NEED_MORE) notOurs("the worksheet is not closed");
      throw error;
    }
    if (skipSpace(bytes, p, end) !== end) notOurs("text after </worksheet>");
  }

  #scan(final: boolean): void {
    const bytes = this.#bytes;
    if (this.#state === "prolog") {
      const open = indexOfBytes(bytes, SHEET_DATA_OPEN, this.#start, this.#end);
      if (open < 0) {
        if (final || this.#end - this.#start > MAX_FRAME_BYTES) notOurs("no <sheetData>");
        return;
      }
      this.#checkProlog(open);
      this.#start = open + SHEET_DATA_OPEN.length;
      this.#state = "rows";
    }
    if (this.#state === "rows" && this.#waitFrom >= 0 && !final) {
      if (indexOfBytes(bytes, ROW_CLOSE, this.#waitFrom, this.#end) < 0) {
        this.#waitFrom = Math.max(this.#waitFrom, this.#end - ROW_CLOSE.length);
        return;
      }
    }
    this.#waitFrom = -1;
    while (this.#state === "rows") {
      const at = skipSpace(bytes, this.#start, this.#end);
      this.#start = at;
      if (this.#end - at < SHEET_DATA_CLOSE.length && !final) return;
      if (startsWith(bytes, at, this.#end, SHEET_DATA_CLOSE)) {
        this.#start = at + SHEET_DATA_CLOSE.length;
        this.#state = "tail";
        break;
      }
      let read: { row: number; cells: string[]; end: number };
      try {
        read = readRow(bytes, at, this.#end, this.#texts);
      } catch (error) {
        if (error !== NEED_MORE) throw error;
        if (final) notOurs("the sheet ends inside a row");
        this.#waitFrom = Math.max(at, this.#end - ROW_CLOSE.length);
        return;
      }
      this.#addRow(read.row, read.cells);
      this.#start = read.end;
    }
    if (this.#end - this.#start > MAX_FRAME_BYTES) notOurs("too much after </sheetData>");
  }

  #append(chunk: Uint8Array): void {
    if (this.#end + chunk.length > this.#bytes.length) {
      const kept = this.#end - this.#start;
      const shift = this.#start;
      if (kept + chunk.length <= this.#bytes.length / 2) {
        this.#bytes.copyWithin(0, this.#start, this.#end);
      } else {
        let capacity = this.#bytes.length * 2;
        while (capacity < kept + chunk.length) capacity *= 2;
        const grown = new Uint8Array(capacity);
        grown.set(this.#bytes.subarray(this.#start, this.#end));
        this.#bytes = grown;
      }
      this.#start = 0;
      this.#end = kept;
      if (this.#waitFrom >= 0) this.#waitFrom = Math.max(0, this.#waitFrom - shift);
    }
    this.#bytes.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** The XML declaration, `<worksheet ...>` and the self-closing elements before the data. */
  #checkProlog(sheetData: number): void {
    const bytes = this.#bytes;
    const start = this.#start;
    if (!startsWith(bytes, start, sheetData, XML_DECLARATION)) {
      notOurs("an unusual XML declaration");
    }
    try {
      let p = skipSpace(bytes, start + XML_DECLARATION.length, sheetData);
      const worksheet = readTag(bytes, p, sheetData);
      expectTag(worksheet, "worksheet");
      if (worksheet.selfClosing) notOurs("an empty worksheet");
      p = worksheet.end;
      for (;;) {
        p = skipSpace(bytes, p, sheetData);
        if (p === sheetData) return;
        const tag = readTag(bytes, p, sheetData);
        if ((tag.name !== "sheetFormatPr" && tag.name !== "dimension") || !tag.selfClosing) {
          notOurs(`<${tag.name}> before the sheet data`);
        }
        p = tag.end;
      }
    } catch (error) {
      if (error === NEED_MORE) notOurs("a tag runs into <sheetData>");
      throw error;
    }
  }

  /** Hands a row on, with empty rows for any numbers skipped (exceljs has them empty too). */
  #addRow(row: number, cells: string[]): void {
    if (row <= this.#lastRow) notOurs("rows out of order");
    for (let r = this.#lastRow + 1; r < row; r++) this.#onRow(r, []);
    this.#onRow(row, cells);
    this.#lastRow = row;
  }
}
