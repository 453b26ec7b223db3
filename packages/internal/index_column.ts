/**
 * The `index` of every kept row, by position, and the position of each index: the text of all
 * of them in one UTF-8 buffer, found again through an open-addressing hash table of typed
 * arrays. About 20 bytes a row and no object at all, where a string per row and a `Map` entry
 * per row cost over 100 bytes of JavaScript heap each, kept for the whole run (issue 19: at
 * 100k rows they were most of what the open dataset held, and what made the heap grow).
 *
 * While every entry is a decimal integer as Python writes one (`0`, `17`; no sign, no leading
 * zero, at most 9 digits), as most benchmarks' indices are, the entries are kept as numbers: none
 * at all while they step up evenly (`0, 1, 2, ...`, `5, 10, 15, ...`: the first and the step
 * give each), else 4 bytes each, found by binary search while they ascend, through a table of 8
 * bytes each once they do not. The first other entry moves them all into the text form.
 */
export class IndexColumn {
  /**
   * The entries as numbers, while every one is an integer (see the class); empty while they
   * step up evenly from `#first` by `#step`.
   */
  #ints: Uint32Array | undefined = new Uint32Array(0);
  /** While `#ints`: true as long as entry k is `#first + k * #step`, with a step of 1 or more. */
  #evenly = true;
  #first = 0;
  #step = 0;
  /** While `#ints`: true as long as each entry is greater than the one before. */
  #ascending = true;
  /** While `#ints` and not `#ascending`: entry + 1 per slot, 0 for an empty one. */
  #intSlots = new Int32Array(0);
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
    if (this.#ints !== undefined) return String(this.#intAt(position));
    const start = position === 0 ? 0 : this.#ends[position - 1];
    const bytes = this.#bytes.subarray(start, this.#ends[position]);
    if (bytes.length <= SHORT_ASCII && isAscii(bytes)) {
      return String.fromCharCode.apply(null, bytes as unknown as number[]);
    }
    return utf8.decode(bytes);
  }

  /** The position of `text` (the first, when it was pushed more than once), or undefined. */
  positionOf(text: string): number | undefined {
    if (this.#ints !== undefined) {
      const value = pythonInteger(text);
      if (value === undefined) return undefined;
      if (this.#evenly) {
        const k = this.#size < 2
          ? (value === this.#first ? 0 : -1)
          : (value - this.#first) / this.#step;
        return Number.isInteger(k) && k >= 0 && k < this.#size ? k : undefined;
      }
      return this.#ascending ? this.#search(value) : this.#probe(value);
    }
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
    if (this.#ints !== undefined) {
      const value = pythonInteger(text);
      if (value !== undefined) {
        this.#pushInt(value);
        return;
      }
      this.#leaveIntegers();
    }
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

  /** Entry `k` while the entries are numbers. */
  #intAt(k: number): number {
    return this.#evenly ? this.#first + k * this.#step : this.#ints![k];
  }

  #pushInt(value: number): void {
    if (this.#evenly) {
      const entry = this.#size;
      if (entry === 0) this.#first = value;
      else if (entry === 1 && value > this.#first) this.#step = value - this.#first;
      else if (entry < 2 || value !== this.#first + entry * this.#step) {
        // The first entry off the even steps: the ones before are written out.
        const ints = new Uint32Array(Math.max(256, nextPowerOfTwo(entry + 1)));
        for (let k = 0; k < entry; k++) ints[k] = this.#first + k * this.#step;
        this.#ints = ints;
        this.#evenly = false;
      }
      if (this.#evenly) {
        this.#size++;
        return;
      }
    }
    const entry = this.#size++;
    if (entry === this.#ints!.length) this.#ints = grownArray(this.#ints!, entry * 2);
    const ints = this.#ints!;
    ints[entry] = value;
    if (this.#ascending) {
      if (entry === 0 || value > ints[entry - 1]) return;
      this.#ascending = false;
      this.#rehashInts(Math.max(512, nextPowerOfTwo(this.#size * 2)));
    } else if (this.#size * 2 > this.#intSlots.length) {
      this.#rehashInts(this.#intSlots.length * 2);
    } else {
      this.#placeInt(entry, value);
    }
  }

  /** The first entry of `value` among ascending entries, by binary search. */
  #search(value: number): number | undefined {
    const ints = this.#ints!;
    let low = 0;
    let high = this.#size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = ints[middle];
      if (at === value) return middle;
      if (at < value) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  #probe(value: number): number | undefined {
    const mask = this.#intSlots.length - 1;
    for (let slot = mix(value) & mask;; slot = (slot + 1) & mask) {
      const entry = this.#intSlots[slot] - 1;
      if (entry < 0) return undefined;
      if (this.#ints![entry] === value) return entry;
    }
  }

  #placeInt(entry: number, value: number): void {
    const mask = this.#intSlots.length - 1;
    let slot = mix(value) & mask;
    while (this.#intSlots[slot] !== 0) slot = (slot + 1) & mask;
    this.#intSlots[slot] = entry + 1;
  }

  #rehashInts(slots: number): void {
    this.#intSlots = new Int32Array(slots);
    for (let entry = 0; entry < this.#size; entry++) this.#placeInt(entry, this.#intAt(entry));
  }

  /** Moves the integer entries into the text form, for an entry that is not one. */
  #leaveIntegers(): void {
    const count = this.#size;
    const values = Array.from({ length: count }, (_, k) => this.#intAt(k));
    this.#ints = undefined;
    this.#evenly = false;
    this.#intSlots = new Int32Array(0);
    this.#size = 0;
    for (let entry = 0; entry < count; entry++) this.push(String(values[entry]));
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

/**
 * The value of `text` when it is a decimal integer as Python's `str(int)` writes one, of at most
 * 9 digits (so below 2^32); else undefined.
 */
function pythonInteger(text: string): number | undefined {
  const length = text.length;
  if (length === 0 || length > 9 || (length > 1 && text.charCodeAt(0) === 48)) return undefined;
  let value = 0;
  for (let k = 0; k < length; k++) {
    const digit = text.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

/** MurmurHash3's 32-bit finalizer: every bit of `value` reaches the low bits a mask keeps. */
function mix(value: number): number {
  let h = value ^ (value >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
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
