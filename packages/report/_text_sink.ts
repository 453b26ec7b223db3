const FLUSH_AT = 1 << 20;

/** A buffered UTF-8 text writer on a new file; writes reach the disk about every 1 MiB. */
export class TextSink {
  #file: Deno.FsFile;
  #parts: string[] = [];
  #pending = 0;
  #encoder = new TextEncoder();

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Creates `path`, which must not exist yet. */
  static async create(path: string): Promise<TextSink> {
    return new TextSink(await Deno.open(path, { write: true, createNew: true }));
  }

  /** Appends text, flushing when enough is buffered. */
  async write(text: string): Promise<void> {
    this.#parts.push(text);
    this.#pending += text.length;
    if (this.#pending >= FLUSH_AT) await this.flush();
  }

  /** Writes everything buffered so far. */
  async flush(): Promise<void> {
    if (this.#parts.length === 0) return;
    const bytes = this.#encoder.encode(this.#parts.join(""));
    this.#parts = [];
    this.#pending = 0;
    let offset = 0;
    while (offset < bytes.length) offset += await this.#file.write(bytes.subarray(offset));
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    try {
      await this.flush();
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
