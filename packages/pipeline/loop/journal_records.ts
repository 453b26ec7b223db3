import { grownArray, IndexColumn } from "@vlmeval/internal";
import { type CallUsage, isFailure } from "@vlmeval/schema";

/** One finished sample, as appended to a rank's journal (one JSON object per line). */
export interface JournalRecord {
  /** The row's `index`. */
  index: string;
  /** The model's answer, or a `Failed to obtain answer: ...` text. */
  prediction: string;
  /** False when `prediction` records a failure. */
  ok: boolean;
  /** Where a failure happened: building the prompt (incl. media decoding), generating, parsing. */
  stage?: "prompt" | "generate" | "parse";
  /** Error type name of a failure (e.g. `RangeError`, `CudaError`). */
  errorType?: string;
  /** Milliseconds the unit took. */
  ms?: number;
  /**
   * What a served model's call cost (tokens, requests, retries, latency); a pack's call is kept
   * with its first question only.
   */
  usage?: Omit<CallUsage, "concurrency">;
  /** Rank that wrote the record. */
  rank: number;
  /** World size of the run that wrote the record. */
  worldSize: number;
  /** Unix time in ms. */
  time: number;
}

/** Where a record's line is in a journal file. */
export interface JournalLine {
  /** Path of the journal file. */
  file: string;
  /** Byte offset of the line in the file (the line ends at its newline). */
  offset: number;
}

/** What deciding whether a sample runs again takes from its best record: no answer text. */
export interface JournalOutcome {
  /** False when the record is a failure. */
  ok: boolean;
  /** The prediction is a `Failed to obtain answer` text (retried unless failures are kept). */
  failureText: boolean;
  /**
   * Unix time in ms of a failure's record (what retrying it depends on); NaN for a success, whose
   * time is not kept.
   */
  time: number;
}

/**
 * A task's indices, each at a position (an image benchmark's rows): the records of its journals
 * are kept by these positions, in arrays of the task's size.
 */
export interface IndexKeys {
  /** Number of indices. */
  readonly size: number;
  /** The position of `index`, or undefined when the task has no such index. */
  positionOf(index: string): number | undefined;
  /** The index at `position` (0 <= position < size). */
  indexAt(position: number): string;
}

/**
 * The best record of each index over a task's journals: a success beats a failure; among equals
 * the latest read wins. Of a record offered with its {@linkcode JournalLine} only what deciding
 * a resume takes is kept (6 bytes; a failure's time 8 more): `get` reads the record back from
 * its line, so 100k answers cost the same however long they are (issue 19: chains of thought of
 * 1 kB held 100 MB to the merge). With the task's {@linkcode IndexKeys} they are kept by its positions, in arrays
 * of its size; other indices (and every index without keys) get slots after them, found through
 * an {@linkcode IndexColumn}.
 */
export class JournalRecords {
  #keys: IndexKeys | undefined;
  /** Slots of the task's indices: `keys.size`, or 0 without keys. */
  #base: number;
  /** Indices without a position among the keys, in the order they were first read. */
  #others = new IndexColumn();
  #count = 0;
  /** Bit 0: present; bit 1: ok; bit 2: a failure text; bit 3: a served model's usage. */
  #flags = new Uint8Array(0);
  /** Unix time of each failure's record; allocated with the first failure. */
  #times: Float64Array | undefined;
  /** Byte offset of each record's line: 4 bytes each, 8 once a journal passes 4 GiB. */
  #offsets: Uint32Array | Float64Array = new Uint32Array(0);
  /** The journal file of each record, as its number in `#files` (a byte, 4 past 256 files). */
  #fileNumbers: Uint8Array | Uint32Array = new Uint8Array(0);
  #files: string[] = [];
  #numberOfFile = new Map<string, number>();
  /** Records offered without their line, whole. */
  #held = new Map<number, JournalRecord>();
  #lines = new LineReader();

  /**
   * Records of the task with `keys` (its positions hold them), or of any indices. Nothing is
   * allocated before the first record (a first run's journals are empty).
   */
  constructor(keys?: IndexKeys) {
    this.#keys = keys;
    this.#base = keys?.size ?? 0;
  }

  /** Number of indices with a record. */
  get size(): number {
    return this.#count;
  }

  /** True when `index` has a record. */
  has(index: string): boolean {
    return this.#slot(index) !== undefined;
  }

  /**
   * The best record of `index`, or undefined; it is read back from its journal line.
   *
   * @throws {Error} when the journal no longer holds that record where it was read.
   */
  get(index: string): JournalRecord | undefined {
    const slot = this.#slot(index);
    return slot === undefined ? undefined : this.#record(slot, index);
  }

  /** Whether the best record of `index` is a success, a failure text, and when it was written. */
  outcome(index: string): JournalOutcome | undefined {
    const slot = this.#slot(index);
    if (slot === undefined) return undefined;
    const flags = this.#flags[slot];
    const ok = (flags & OK) !== 0;
    return {
      ok,
      failureText: (flags & FAILURE_TEXT) !== 0,
      time: ok ? Number.NaN : this.#times![slot],
    };
  }

  /** What the call that answered `index` cost, when a served model reported it. */
  usage(index: string): JournalRecord["usage"] {
    const slot = this.#slot(index);
    if (slot === undefined || (this.#flags[slot] & USAGE) === 0) return undefined;
    return this.#record(slot, index).usage;
  }

  /** Every index's best record: the task's in its order, then others as first read. */
  *values(): IterableIterator<JournalRecord> {
    if (this.#count === 0) return;
    const end = this.#base + this.#others.size;
    for (let slot = 0; slot < end; slot++) {
      if ((this.#flags[slot] & PRESENT) === 0) continue;
      const index = slot < this.#base
        ? this.#keys!.indexAt(slot)
        : this.#others.at(slot - this.#base);
      yield this.#record(slot, index);
    }
  }

  /**
   * Keeps `record` when it is the best so far for its index. With `line` (where the record was
   * read; the object may be reused) the record is read back from it when asked for; without,
   * it is kept whole.
   */
  offer(record: JournalRecord, line?: JournalLine): void {
    if (this.#flags.length === 0) this.#grow(this.#base + 256);
    let slot = this.#keys?.positionOf(record.index);
    if (slot === undefined) {
      let other = this.#others.positionOf(record.index);
      if (other === undefined) {
        other = this.#others.size;
        this.#others.push(record.index);
      }
      slot = this.#base + other;
      if (slot >= this.#flags.length) this.#grow(slot * 2);
    }
    const flags = this.#flags[slot];
    if ((flags & PRESENT) === 0) this.#count++;
    else if (!record.ok && (flags & OK) !== 0) return;
    this.#flags[slot] = PRESENT | (record.ok ? OK : 0) |
      (isFailure(record.prediction) ? FAILURE_TEXT : 0) | (record.usage ? USAGE : 0);
    if (!record.ok) {
      this.#times ??= new Float64Array(this.#flags.length);
      this.#times[slot] = typeof record.time === "number" ? record.time : Number.NaN;
    }
    if (line) {
      if (line.offset > MAX_UINT32 && this.#offsets instanceof Uint32Array) {
        this.#offsets = Float64Array.from(this.#offsets);
      }
      this.#offsets[slot] = line.offset;
      const fileNumber = this.#fileNumber(line.file);
      if (fileNumber > 0xff && this.#fileNumbers instanceof Uint8Array) {
        this.#fileNumbers = Uint32Array.from(this.#fileNumbers);
      }
      this.#fileNumbers[slot] = fileNumber;
      this.#held.delete(slot);
    } else {
      this.#held.set(slot, { ...record });
    }
  }

  #slot(index: string): number | undefined {
    let slot = this.#keys?.positionOf(index);
    if (slot === undefined) {
      const other = this.#others.positionOf(index);
      if (other === undefined) return undefined;
      slot = this.#base + other;
    }
    return slot < this.#flags.length && (this.#flags[slot] & PRESENT) !== 0 ? slot : undefined;
  }

  #grow(slots: number): void {
    this.#flags = grownArray(this.#flags, slots);
    if (this.#times) this.#times = grownArray(this.#times, slots);
    this.#offsets = grownArray(this.#offsets, slots);
    this.#fileNumbers = grownArray(this.#fileNumbers, slots);
  }

  #fileNumber(file: string): number {
    let number = this.#numberOfFile.get(file);
    if (number === undefined) {
      number = this.#files.push(file) - 1;
      this.#numberOfFile.set(file, number);
    }
    return number;
  }

  #record(slot: number, index: string): JournalRecord {
    const held = this.#held.get(slot);
    if (held !== undefined) return { ...held };
    const file = this.#files[this.#fileNumbers[slot]];
    const offset = this.#offsets[slot];
    const bytes = this.#lines.read(file, offset);
    let value: JournalRecord | undefined;
    try {
      value = JSON.parse(utf8.decode(bytes));
    } catch {
      // reported below
    }
    if (value?.index !== index || typeof value.prediction !== "string") {
      throw new Error(
        `Cannot read the record of index ${index} again from ${file} at byte ${offset}: the ` +
          `journal changed after it was read`,
      );
    }
    return value;
  }
}

const MAX_UINT32 = 0xffff_ffff;
const PRESENT = 1;
const OK = 2;
const FAILURE_TEXT = 4;
const USAGE = 8;
const utf8 = new TextDecoder();

/** Bytes read from a journal at a time when a record is read back. */
const WINDOW_BYTES = 1 << 16;
/** Windows kept per journal file (a resumed run's retries sit apart from the first answers). */
const WINDOWS_PER_FILE = 4;

/**
 * Journal lines read back by where they start, through a few 64 KiB windows per file: a merge
 * asks for the records in task order, which each rank's journal mostly follows, so one read
 * serves hundreds of lines. A line ends at its newline (or at the end of the file).
 */
class LineReader {
  #windows = new Map<string, LineWindow[]>();

  /** The line that starts at byte `offset` of the file at `path`, its newline left out. */
  read(path: string, offset: number): Uint8Array {
    let list = this.#windows.get(path);
    if (list === undefined) this.#windows.set(path, list = []);
    for (let k = 0; k < list.length; k++) {
      const line = lineIn(list[k], offset);
      if (line !== undefined) {
        if (k > 0) list.unshift(...list.splice(k, 1));
        return line;
      }
    }
    const oldest = list.length >= WINDOWS_PER_FILE ? list.pop() : undefined;
    const window: LineWindow = {
      start: offset,
      end: offset,
      bytes: oldest?.bytes ?? new Uint8Array(WINDOW_BYTES),
      reachesEnd: false,
    };
    list.unshift(window);
    using file = Deno.openSync(path, { read: true });
    file.seekSync(offset, Deno.SeekMode.Start);
    for (;;) {
      if (window.end - window.start === window.bytes.length) {
        // A line longer than the window: room for the rest of it.
        const bigger = new Uint8Array(window.bytes.length * 2);
        bigger.set(window.bytes);
        window.bytes = bigger;
      }
      const n = file.readSync(window.bytes.subarray(window.end - window.start));
      if (n === null) window.reachesEnd = true;
      else window.end += n;
      const line = lineIn(window, offset);
      if (line !== undefined) return line;
    }
  }
}

/** Bytes of a journal from `start` to `end`; `reachesEnd` when `end` is the file's end. */
interface LineWindow {
  start: number;
  end: number;
  bytes: Uint8Array;
  reachesEnd: boolean;
}

/** The line starting at `offset` when the window holds all of it (up to its newline). */
function lineIn(window: LineWindow, offset: number): Uint8Array | undefined {
  if (offset < window.start || offset > window.end) return undefined;
  const filled = window.bytes.subarray(0, window.end - window.start);
  const from = offset - window.start;
  const newline = filled.indexOf(0x0a, from);
  if (newline >= 0) return filled.subarray(from, newline);
  return window.reachesEnd ? filled.subarray(from) : undefined;
}
