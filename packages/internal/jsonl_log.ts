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
    writeAllSync(this.#file, encoder.encode(JSON.stringify(value) + "\n"));
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
 * The values of JSON-lines text, in order, and how many non-blank lines could not be parsed (a
 * torn line after a kill).
 */
export function readJsonl(text: string): { values: unknown[]; skipped: number } {
  const values: unknown[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      skipped++;
    }
  }
  return { values, skipped };
}
