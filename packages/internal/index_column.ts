/**
 * The `index` of every kept row, by position, and the position of each index: the text of all
 * of them in one UTF-8 buffer, found again through an open-addressing hash table of typed
 * arrays. About 20 bytes a row and no object at all, where a string per row and a `Map` entry
 * per row cost over 100 bytes of JavaScript heap each, kept for the whole run (issue 19: at
 * 100k rows they were most of what the open dataset held, and what made the heap grow).
 */
export class IndexColumn {
  #bytes = new Uint8Array(1 << 12);
  /** Byte end of entry k; entry k starts where entry k-1 ends. */
  #ends = new Uint32Array(256);
  #hashes = new Uint32Array(256);
  /** Entry + 1 per slot, 0 for an empty one; twice as many slots as entries at least. */
  #slots = new Int32Array(512);
  #size = 0;
  #scratch = new Uint8Array(256);
  #scratchText: string | undefined;
  #scratchLength = 0;

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** The index at `position` (0 <= position < size). */
  at(position: number): string {
    const start = position === 0 ? 0 : this.#ends[position - 1];
    const bytes = this.#bytes.subarray(start, this.#ends[position]);
    if (bytes.length <= SHORT_ASCII && isAscii(bytes)) {
      return String.fromCharCode.apply(null, bytes as unknown as number[]);
    }
    return utf8.decode(bytes);
  }

  /** The position of `text` (the first, when it was pushed more than once), or undefined. */
  positionOf(text: string): number | undefined {
    const length = this.#encode(text);
    const hash = fnv1a(this.#scratch, length);
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask;; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot] - 1;
      if (entry < 0) return undefined;
      if (this.#hashes[entry] === hash && this.#equals(entry, length)) return entry;
    }
  }

  /** Appends `text` at position `size`. */
  push(text: string): void {
    const length = this.#encode(text);
    const entry = this.#size++;
    if (entry === this.#ends.length) {
      this.#ends = grownArray(this.#ends, entry * 2);
      this.#hashes = grownArray(this.#hashes, entry * 2);
    }
    const start = entry === 0 ? 0 : this.#ends[entry - 1];
    if (start + length > this.#bytes.length) {
      this.#bytes = grownArray(this.#bytes, Math.max(this.#bytes.length * 2, start + length));
    }
    this.#bytes.set(this.#scratch.subarray(0, length), start);
    this.#ends[entry] = start + length;
    const hash = fnv1a(this.#scratch, length);
    this.#hashes[entry] = hash;
    if (this.#size * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    else this.#place(entry, hash);
  }

  /** The UTF-8 bytes of `text` in the scratch buffer; their length. */
  #encode(text: string): number {
    if (text === this.#scratchText) return this.#scratchLength;
    if (text.length * 3 > this.#scratch.length) this.#scratch = new Uint8Array(text.length * 3);
    this.#scratchLength = encodeAscii(text, this.#scratch) ??
      encoder.encodeInto(text, this.#scratch).written;
    this.#scratchText = text;
    return this.#scratchLength;
  }

  #equals(entry: number, length: number): boolean {
    const start = entry === 0 ? 0 : this.#ends[entry - 1];
    if (this.#ends[entry] - start !== length) return false;
    const bytes = this.#bytes;
    const scratch = this.#scratch;
    for (let k = 0; k < length; k++) if (bytes[start + k] !== scratch[k]) return false;
    return true;
  }

  #place(entry: number, hash: number): void {
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
    this.#slots[slot] = entry + 1;
  }

  #rehash(slots: number): void {
    this.#slots = new Int32Array(slots);
    for (let entry = 0; entry < this.#size; entry++) this.#place(entry, this.#hashes[entry]);
  }
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Longest ASCII index turned into text in JavaScript: below this a decoder call costs more. */
const SHORT_ASCII = 64;

function isAscii(bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) if (bytes[k] >= 0x80) return false;
  return true;
}

/** Longest text whose bytes are written in JavaScript (paths of stored images too). */
const ENCODE_IN_JS = 512;

/**
 * A short ASCII text's bytes written in JavaScript, or undefined for any other text: most
 * indices are a few digits, and a call into the encoder costs more than they do (issue 19's
 * profile: half the time of a lookup).
 */
function encodeAscii(text: string, into: Uint8Array): number | undefined {
  if (text.length > ENCODE_IN_JS) return undefined;
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code >= 0x80) return undefined;
    into[k] = code;
  }
  return text.length;
}

/** 32-bit FNV-1a of the first `length` bytes. */
function fnv1a(bytes: Uint8Array, length: number): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < length; k++) hash = Math.imul(hash ^ bytes[k], 0x01000193);
  return hash >>> 0;
}

/**
 * A typed array with room for `size` values, `array`'s own first (cut to `size` when it holds
 * more): how the growable typed columns of vlmeval's packages (this one, a row index, journal
 * records, score tallies) grow. Its memory moves (`ArrayBuffer.prototype.transfer`): `array` is
 * detached and its bytes are freed now, where a copy left the old array to wait for a full
 * collection (issue 19: at 100k rows the columns' old copies were 20 MB of dead memory at the
 * peak). An array that is a view into a larger buffer is copied instead, and left as it is.
 */
export function grownArray<A extends Uint8Array | Uint32Array | Int32Array | Float64Array>(
  array: A,
  size: number,
): A {
  const Typed = array.constructor as {
    new (size: number): A;
    new (buffer: ArrayBuffer): A;
    readonly BYTES_PER_ELEMENT: number;
  };
  const buffer = array.buffer;
  if (
    buffer instanceof ArrayBuffer && array.byteOffset === 0 &&
    array.byteLength === buffer.byteLength
  ) {
    return new Typed(buffer.transfer(size * Typed.BYTES_PER_ELEMENT));
  }
  const bigger = new Typed(size);
  bigger.set(array.subarray(0, Math.min(array.length, size)));
  return bigger;
}
