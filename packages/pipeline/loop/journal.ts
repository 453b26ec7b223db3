import { grownArray, IndexColumn, JsonlLog, readJsonlFile } from "@vlmeval/internal";
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

/** Folder holding the journals of one (model, dataset) pair. */
export function journalDir(modelDir: string, stem: string): string {
  return `${modelDir}/${stem}.journal`;
}

/** File name of one rank's journal. */
export function journalFileName(rank: number, worldSize: number): string {
  return `rank${rank}of${worldSize}.jsonl`;
}

/** File name of the marker a rank writes when its shard is complete. */
export function doneMarkerName(rank: number, worldSize: number): string {
  return `rank${rank}of${worldSize}.done`;
}

/**
 * An append-only, per-rank journal (a `JsonlLog`). Every record is written with one `write` call
 * on a file opened for appending, before the next sample starts, so a `kill -9` at any instant
 * loses at most the sample in flight; a torn last line is ignored when reading.
 */
export class JournalWriter {
  #log: JsonlLog;
  #rank: number;
  #worldSize: number;

  private constructor(log: JsonlLog, rank: number, worldSize: number) {
    this.#log = log;
    this.#rank = rank;
    this.#worldSize = worldSize;
  }

  /**
   * Opens (creating when needed) the journal of `rank` of `worldSize` under `dir`; `fileName`
   * overrides the file (`prev.jsonl` holds answers imported from an older prediction file).
   */
  static open(dir: string, rank: number, worldSize: number, fileName?: string): JournalWriter {
    Deno.mkdirSync(dir, { recursive: true });
    // A previous run killed mid-write may have left a torn line: the log starts ours afresh.
    const log = JsonlLog.open(`${dir}/${fileName ?? journalFileName(rank, worldSize)}`);
    return new JournalWriter(log, rank, worldSize);
  }

  /** Appends one record and returns it. */
  append(record: Omit<JournalRecord, "rank" | "worldSize" | "time">): JournalRecord {
    const full: JournalRecord = {
      ...record,
      rank: this.#rank,
      worldSize: this.#worldSize,
      time: Date.now(),
    };
    this.#log.append(full);
    return full;
  }

  /** Flushes the journal to the disk (survives power loss, not only process death). */
  sync(): void {
    this.#log.sync();
  }

  /** Closes the file. */
  close(): void {
    this.#log.close();
  }
}

/** Where a record's line is in a journal file. */
export interface JournalLine {
  /** Path of the journal file. */
  file: string;
  /** Byte offset of the line in the file. */
  offset: number;
  /** Bytes of the line, its newline left out. */
  length: number;
}

/** What deciding whether a sample runs again takes from its best record: no answer text. */
export interface JournalOutcome {
  /** False when the record is a failure. */
  ok: boolean;
  /** The prediction is a `Failed to obtain answer` text (retried unless failures are kept). */
  failureText: boolean;
  /** Unix time in ms of the record. */
  time: number;
}

/**
 * The best record of each index over a task's journals: a success beats a failure; among equals
 * the latest read wins. Kept in typed arrays keyed by an {@linkcode IndexColumn}, and `get`
 * makes a record's object when asked. A record offered with its {@linkcode JournalLine} keeps no
 * answer text: `get` reads it back from the journal, so 100k answers cost about 60 bytes each
 * however long they are (issue 19: a chain of thought of 1 kB an answer held 100 MB to the
 * merge), where an object, a string key and a `Map` entry each cost three times that.
 */
export class JournalRecords {
  #keys = new IndexColumn();
  /** Bit 0: ok; bit 1: the prediction is a failure text. */
  #flags = new Uint8Array(256);
  /** `time`, `ms` and the journal line's byte offset of each record (NaN where none). */
  #numbers = new Float64Array(256 * NUMBERS);
  /** `rank`, `worldSize`, the journal file's number and the line's length (NONE where none). */
  #ints = new Uint32Array(256 * INTS);
  #files: string[] = [];
  #fileNumbers = new Map<string, number>();
  /** Answers of records offered without their line. */
  #texts = new Map<number, string>();
  /** What few records have: a failure's stage and error type, a served model's usage. */
  #extras = new Map<number, Pick<JournalRecord, "stage" | "errorType" | "usage">>();
  #lines = new LineReader();

  /** Number of indices with a record. */
  get size(): number {
    return this.#keys.size;
  }

  /** True when `index` has a record. */
  has(index: string): boolean {
    return this.#keys.positionOf(index) !== undefined;
  }

  /**
   * The best record of `index`, or undefined; its answer is read back from the journal.
   *
   * @throws {Error} when the journal no longer holds that record where it was read.
   */
  get(index: string): JournalRecord | undefined {
    const slot = this.#keys.positionOf(index);
    return slot === undefined ? undefined : this.#record(slot, index);
  }

  /** Whether the best record of `index` is a success, a failure text, and when it was written. */
  outcome(index: string): JournalOutcome | undefined {
    const slot = this.#keys.positionOf(index);
    if (slot === undefined) return undefined;
    const flags = this.#flags[slot];
    return {
      ok: (flags & OK) !== 0,
      failureText: (flags & FAILURE_TEXT) !== 0,
      time: this.#numbers[slot * NUMBERS],
    };
  }

  /** What the call that answered `index` cost, when a served model reported it. */
  usage(index: string): JournalRecord["usage"] {
    const slot = this.#keys.positionOf(index);
    return slot === undefined ? undefined : this.#extras.get(slot)?.usage;
  }

  /** Every index's best record, in the order the indices were first read. */
  *values(): IterableIterator<JournalRecord> {
    for (let slot = 0; slot < this.#keys.size; slot++) {
      yield this.#record(slot, this.#keys.at(slot));
    }
  }

  /**
   * Keeps `record` when it is the best so far for its index. With `line` (where the record was
   * read) its answer is not kept but read back when asked for; the object may be reused.
   */
  offer(record: JournalRecord, line?: JournalLine): void {
    let slot = this.#keys.positionOf(record.index);
    if (slot === undefined) {
      slot = this.#keys.size;
      this.#keys.push(record.index);
      if (slot === this.#flags.length) {
        this.#flags = grownArray(this.#flags, slot * 2);
        this.#numbers = grownArray(this.#numbers, slot * 2 * NUMBERS);
        this.#ints = grownArray(this.#ints, slot * 2 * INTS);
      }
    } else if (!record.ok && (this.#flags[slot] & OK) !== 0) {
      return;
    }
    this.#flags[slot] = (record.ok ? OK : 0) | (isFailure(record.prediction) ? FAILURE_TEXT : 0);
    const at = slot * NUMBERS;
    this.#numbers[at] = numberOrNaN(record.time);
    this.#numbers[at + 1] = numberOrNaN(record.ms);
    const ints = slot * INTS;
    this.#ints[ints] = smallOrNone(record.rank);
    this.#ints[ints + 1] = smallOrNone(record.worldSize);
    if (line) {
      this.#numbers[at + 2] = line.offset;
      this.#ints[ints + 2] = this.#fileNumber(line.file);
      this.#ints[ints + 3] = line.length;
      this.#texts.delete(slot);
    } else {
      this.#numbers[at + 2] = Number.NaN;
      this.#texts.set(slot, record.prediction);
    }
    const { stage, errorType, usage } = record;
    if (stage !== undefined || errorType !== undefined || usage !== undefined) {
      this.#extras.set(slot, { stage, errorType, usage });
    } else {
      this.#extras.delete(slot);
    }
  }

  #fileNumber(file: string): number {
    let number = this.#fileNumbers.get(file);
    if (number === undefined) {
      number = this.#files.push(file) - 1;
      this.#fileNumbers.set(file, number);
    }
    return number;
  }

  #record(slot: number, index: string): JournalRecord {
    const at = slot * NUMBERS;
    const ints = slot * INTS;
    const record: JournalRecord = {
      index,
      prediction: this.#prediction(slot, index),
      ok: (this.#flags[slot] & OK) !== 0,
      rank: noneOrNaN(this.#ints[ints]),
      worldSize: noneOrNaN(this.#ints[ints + 1]),
      time: this.#numbers[at],
    };
    const ms = this.#numbers[at + 1];
    if (!Number.isNaN(ms)) record.ms = ms;
    const extras = this.#extras.get(slot);
    if (extras?.stage !== undefined) record.stage = extras.stage;
    if (extras?.errorType !== undefined) record.errorType = extras.errorType;
    if (extras?.usage !== undefined) record.usage = extras.usage;
    return record;
  }

  #prediction(slot: number, index: string): string {
    const text = this.#texts.get(slot);
    if (text !== undefined) return text;
    const file = this.#files[this.#ints[slot * INTS + 2]];
    const offset = this.#numbers[slot * NUMBERS + 2];
    const bytes = this.#lines.read(file, offset, this.#ints[slot * INTS + 3]);
    let value: Partial<JournalRecord> | undefined;
    try {
      value = JSON.parse(utf8.decode(bytes));
    } catch {
      // reported below
    }
    if (value?.index !== index || typeof value.prediction !== "string") {
      throw new Error(
        `Cannot read the answer of index ${index} again from ${file} at byte ${offset}: the ` +
          `journal changed after it was read`,
      );
    }
    return value.prediction;
  }
}

/** Numbers kept per record: time, ms, the line's offset. */
const NUMBERS = 3;
/** Integers kept per record: rank, world size, file number, line length. */
const INTS = 4;
const OK = 1;
const FAILURE_TEXT = 2;
/** An integer field the record did not have. */
const NONE = 0xffffffff;
const utf8 = new TextDecoder();

function numberOrNaN(value: unknown): number {
  return typeof value === "number" ? value : Number.NaN;
}

function smallOrNone(value: unknown): number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < NONE
    ? value as number
    : NONE;
}

function noneOrNaN(value: number): number {
  return value === NONE ? Number.NaN : value;
}

/** Bytes read from a journal at a time when an answer is read back. */
const WINDOW_BYTES = 1 << 16;
/** Windows kept per journal file (a resumed run's retries sit apart from the first answers). */
const WINDOWS_PER_FILE = 4;

/**
 * Journal lines read back by byte range through a few 64 KiB windows per file: a merge asks for
 * the answers in task order, which each rank's journal mostly follows, so one read serves
 * hundreds of lines.
 */
class LineReader {
  #windows = new Map<string, { start: number; end: number; bytes: Uint8Array }[]>();

  read(path: string, offset: number, length: number): Uint8Array {
    let list = this.#windows.get(path);
    if (list === undefined) this.#windows.set(path, list = []);
    for (let k = 0; k < list.length; k++) {
      const window = list[k];
      if (offset >= window.start && offset + length <= window.end) {
        if (k > 0) list.unshift(...list.splice(k, 1));
        return window.bytes.subarray(offset - window.start, offset - window.start + length);
      }
    }
    const oldest = list.length >= WINDOWS_PER_FILE ? list.pop() : undefined;
    const bytes = oldest !== undefined && oldest.bytes.length >= length
      ? oldest.bytes
      : new Uint8Array(Math.max(WINDOW_BYTES, length));
    let filled = 0;
    {
      using file = Deno.openSync(path, { read: true });
      file.seekSync(offset, Deno.SeekMode.Start);
      while (filled < bytes.length) {
        const n = file.readSync(bytes.subarray(filled));
        if (n === null) break;
        filled += n;
      }
    }
    list.unshift({ start: offset, end: offset + filled, bytes });
    return bytes.subarray(0, Math.min(length, filled));
  }
}

/** What every journal in a folder says, merged. */
export interface JournalState {
  /** Best record per index: a success beats a failure; among equals the latest wins. */
  records: JournalRecords;
  /** World sizes seen in the journal file names. */
  worldSizes: Set<number>;
  /** Lines that could not be read (a torn line after a kill, or damage), over every file. */
  skippedLines: number;
  /** Where those lines are: each journal file with its unreadable 1-based line numbers. */
  unreadable: { file: string; lines: number[] }[];
}

/**
 * A warning naming the unreadable journal lines (file and line), or undefined when every line
 * was read; their samples have no answer and are computed again.
 */
export function unreadableLinesWarning(state: JournalState, task: string): string | undefined {
  if (state.skippedLines === 0) return undefined;
  const where = state.unreadable.map(({ file, lines }) => {
    const shown = lines.slice(0, 5).join(", ") + (lines.length > 5 ? ", ..." : "");
    return `${file} line${lines.length > 1 ? "s" : ""} ${shown}`;
  }).join("; ");
  return `${task}: ${state.skippedLines} journal line${
    state.skippedLines > 1 ? "s" : ""
  } could not be read and ${
    state.skippedLines > 1 ? "were" : "was"
  } skipped (${where}): a write cut short by a kill, or damage; a sample without a readable ` +
    `answer is computed again`;
}

/** The journal files under `dir`, `prev.jsonl` first (sorted by name); none without the folder. */
function journalFiles(dir: string): string[] {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return entries.filter((e) => e.isFile && /^(prev|rank\d+of\d+)\.jsonl$/.test(e.name))
    .map((e) => e.name).sort();
}

/**
 * The world sizes the journal file names under `dir` carry (what {@linkcode readJournals}
 * says in `worldSizes`), found without reading a journal.
 */
export function journalWorldSizes(dir: string): Set<number> {
  const sizes = new Set<number>();
  for (const name of journalFiles(dir)) {
    const world = name.match(/of(\d+)\./);
    if (world) sizes.add(Number(world[1]));
  }
  return sizes;
}

/**
 * Reads and merges every journal under `dir`: `prev.jsonl` first, then `rank*of*.jsonl`
 * (missing folder: empty).
 */
export function readJournals(dir: string): JournalState {
  const state: JournalState = {
    records: new JournalRecords(),
    worldSizes: new Set(),
    skippedLines: 0,
    unreadable: [],
  };
  for (const name of journalFiles(dir)) {
    const world = name.match(/of(\d+)\./);
    if (world) state.worldSizes.add(Number(world[1]));
    const bad: number[] = [];
    const where: JournalLine = { file: `${dir}/${name}`, offset: 0, length: 0 };
    const skippedLines = readJsonlFile(where.file, (value, line, offset, length) => {
      const record = value as JournalRecord;
      if (typeof record?.index !== "string" || typeof record.prediction !== "string") {
        bad.push(line);
        return;
      }
      where.offset = offset;
      where.length = length;
      state.records.offer(record, where);
    });
    bad.push(...skippedLines);
    if (bad.length > 0) {
      state.skippedLines += bad.length;
      state.unreadable.push({ file: `${dir}/${name}`, lines: bad.sort((a, b) => a - b) });
    }
  }
  return state;
}

/**
 * True when the record is final: anything but a `Failed to obtain answer` text, or one the user
 * chose to keep. Every recorded failure is retried (VLMEvalKit retries only API failures).
 */
export function isFinished(outcome: JournalOutcome | undefined, keepFailed: boolean): boolean {
  if (!outcome) return false;
  return keepFailed || !outcome.failureText;
}
