/**
 * Append-only JSON-lines files that survive a `kill -9` at any instant: the per-rank journals
 * of answers and the LLM judge's cache are both this one format.
 *
 * @module
 */

/** Somewhere to write bytes synchronously: a file, `Deno.stdout`, `Deno.stderr`, a test double. */
export interface SyncWriter {
  /** Writes some of `p` and returns how many bytes it wrote (callers loop until all are). */
  writeSync(p: Uint8Array): number;
}

/** Writes every byte of `bytes` to `out`, looping over short writes. */
export function writeAllSync(out: SyncWriter, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += out.writeSync(bytes.subarray(written));
}

const encoder = new TextEncoder();

/**
 * An append-only JSON-lines file. Each value is written as one line with one `write` call on a
 * file opened for appending, so a killed writer loses at most the line in flight; a torn last
 * line left by an earlier writer is closed with a newline when the file is opened, so the next
 * value starts on a line of its own (readers skip the torn line, see {@linkcode readJsonl}).
 */
export class JsonlLog {
  #file: Deno.FsFile;
  #buffer = new Uint8Array(1 << 14);

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Opens `path` for appending, creating it when needed (its folder must exist). */
  static open(path: string): JsonlLog {
    const file = Deno.openSync(path, { append: true, create: true });
    try {
      const size = file.statSync().size;
      if (size > 0) {
        const tail = new Uint8Array(1);
        using reader = Deno.openSync(path, { read: true });
        reader.seekSync(size - 1, Deno.SeekMode.Start);
        reader.readSync(tail);
        if (tail[0] !== 0x0a) writeAllSync(file, encoder.encode("\n"));
      }
    } catch (error) {
      file.close();
      throw error;
    }
    return new JsonlLog(file);
  }

  /** Appends `value` as one line of JSON. */
  append(value: unknown): void {
    const line = JSON.stringify(value) + "\n";
    // Most lines fit the reused buffer (no new bytes per line); a longer one is encoded alone.
    if (line.length * 3 > this.#buffer.length) {
      writeAllSync(this.#file, encoder.encode(line));
      return;
    }
    const { written } = encoder.encodeInto(line, this.#buffer);
    writeAllSync(this.#file, this.#buffer.subarray(0, written));
  }

  /** Flushes the file to the disk (survives power loss, not only process death). */
  sync(): void {
    this.#file.syncSync();
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }
}

/**
 * The values of JSON-lines text, in order, with the 1-based line of each (`lines`), and the
 * non-blank lines that could not be parsed: how many (`skipped`) and which (`skippedLines`,
 * 1-based; a torn line after a kill, or damage).
 */
export function readJsonl(
  text: string,
): { values: unknown[]; lines: number[]; skipped: number; skippedLines: number[] } {
  const values: unknown[] = [];
  const lines: number[] = [];
  const skippedLines = visitJsonlText(text, 1, (value, line) => {
    values.push(value);
    lines.push(line);
  });
  return { values, lines, skipped: skippedLines.length, skippedLines };
}

/**
 * Calls `visit` with each value of JSON-lines text and its line (the text's first line is
 * `firstLine`); returns the non-blank lines that could not be parsed. Lines are taken one at a
 * time, never split into an array of them. With `bytes` (the text's UTF-8, a newline byte for
 * each newline of the text) and `base` (the file offset of `bytes`), `visit` also hears where
 * each line's bytes are in the file.
 */
function visitJsonlText(
  text: string,
  firstLine: number,
  visit: JsonlVisitor,
  bytes?: Uint8Array,
  base = 0,
): number[] {
  const skippedLines: number[] = [];
  let line = firstLine;
  let byteStart = 0;
  for (let start = 0; start <= text.length; line++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const part = text.slice(start, end);
    start = end + 1;
    let byteEnd = 0;
    if (bytes) {
      byteEnd = bytes.indexOf(0x0a, byteStart);
      if (byteEnd < 0) byteEnd = bytes.length;
    }
    const lineStart = byteStart;
    byteStart = byteEnd + 1;
    if (part.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(part);
    } catch {
      skippedLines.push(line);
      continue;
    }
    visit(value, line, base + lineStart, byteEnd - lineStart);
  }
  return skippedLines;
}

/**
 * Hears one value of a JSON-lines file: its 1-based line and, from {@linkcode readJsonlFile},
 * where the line's bytes are (offset in the file and length, its newline left out).
 */
export type JsonlVisitor = (
  value: unknown,
  line: number,
  byteOffset: number,
  byteLength: number,
) => void;

/**
 * Bytes of a JSON-lines file read at a time by {@linkcode readJsonlFile}: under V8's 128 KiB
 * large-object size, so each chunk's text dies young instead of waiting in the old generation
 * for a full collection (issue 19).
 */
const READ_CHUNK_BYTES = 1 << 16;

/**
 * Reads a JSON-lines file as {@linkcode readJsonl} reads its text (invalid UTF-8 replaced, as
 * `Deno.readTextFileSync` does), calling `visit` with each value, its 1-based line and where its
 * bytes are instead of returning them, 64 KiB at a time: a journal of any length is never held
 * whole. Returns the non-blank lines that could not be parsed.
 *
 * @throws {Deno.errors.NotFound} when the file does not exist.
 */
export function readJsonlFile(path: string, visit: JsonlVisitor): number[] {
  using file = Deno.openSync(path, { read: true });
  const decoder = new TextDecoder();
  const skippedLines: number[] = [];
  let buffer = new Uint8Array(READ_CHUNK_BYTES);
  let filled = 0;
  let line = 1;
  /** File offset of `buffer[0]`. */
  let base = 0;
  let eof = false;
  while (!eof) {
    if (filled === buffer.length) {
      // A line longer than the buffer: room for more of it.
      const bigger = new Uint8Array(buffer.length * 2);
      bigger.set(buffer);
      buffer = bigger;
    }
    const n = file.readSync(buffer.subarray(filled));
    if (n === null) eof = true;
    else filled += n;
    // Whole lines only (a newline byte never sits inside a UTF-8 sequence); all at the end.
    const cut = eof ? filled : buffer.lastIndexOf(0x0a, filled - 1) + 1;
    if (cut === 0) continue;
    // A streaming decoder: the byte-order mark is dropped at the file's start only.
    const bytes = buffer.subarray(0, eof ? cut : cut - 1);
    const text = decoder.decode(bytes, { stream: !eof });
    skippedLines.push(...visitJsonlText(text, line, visit, bytes, base));
    for (let k = 0; k < cut; k++) if (buffer[k] === 0x0a) line++;
    buffer.copyWithin(0, cut, filled);
    filled -= cut;
    base += cut;
  }
  return skippedLines;
}
