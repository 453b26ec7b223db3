const encoder = new TextEncoder();

/**
 * Text gathered as UTF-8 in one reused buffer until a chunk is full: the texts die as soon as
 * they are copied in, where a list of pending strings outlived the young generation's
 * collections and made V8 grow it (issue 19's memory profile), and no buffer is made per chunk.
 * The chunk is handed out as a view of the buffer: use it before the next `append`.
 */
export class ChunkBuffer {
  #bytes: Uint8Array;
  #filled = 0;
  readonly #chunk: number;

  /** A buffer whose chunks are about `chunkBytes` long (longer by at most one text). */
  constructor(chunkBytes: number) {
    this.#chunk = chunkBytes;
    this.#bytes = new Uint8Array(chunkBytes * 2);
  }

  /** Appends `text`; true when a chunk is full and should be taken. */
  append(text: string): boolean {
    const room = this.#filled + text.length * 3;
    if (room > this.#bytes.length) {
      const bigger = new Uint8Array(Math.max(this.#chunk * 2, room));
      bigger.set(this.#bytes.subarray(0, this.#filled));
      this.#bytes = bigger;
    }
    this.#filled += encoder.encodeInto(text, this.#bytes.subarray(this.#filled)).written;
    return this.#filled >= this.#chunk;
  }

  /** The bytes gathered (a view, valid until the next `append`), and a fresh start. */
  take(): Uint8Array {
    const bytes = this.#bytes.subarray(0, this.#filled);
    this.#filled = 0;
    return bytes;
  }
}
