import { ChunkBuffer } from "./_chunk_buffer.ts";

/** Bytes gathered before a write. */
const FLUSH_AT = 1 << 16;

/** A buffered UTF-8 text writer on a new file; writes reach the disk about every 64 KiB. */
export class TextSink {
  #file: Deno.FsFile;
  #buffer = new ChunkBuffer(FLUSH_AT);

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Creates `path`, which must not exist yet. */
  static async create(path: string): Promise<TextSink> {
    return new TextSink(await Deno.open(path, { write: true, createNew: true }));
  }

  /** Appends text, writing to the file when enough is buffered. */
  write(text: string): void {
    if (this.#buffer.append(text)) this.flush();
  }

  /**
   * Writes everything buffered so far, synchronously: an asynchronous write waits for a
   * thread-pool turn, the idle time of issue 19's profile (and a row per call need not wait a
   * microtask turn).
   */
  flush(): void {
    const bytes = this.#buffer.take();
    let offset = 0;
    while (offset < bytes.length) offset += this.#file.writeSync(bytes.subarray(offset));
  }

  /** Flushes and closes the file. */
  close(): void {
    try {
      this.flush();
    } finally {
      this.#file.close();
    }
  }

  /** Closes the file without flushing; for error paths. */
  abandon(): void {
    try {
      this.#file.close();
    } catch {
      // already closed
    }
  }
}
