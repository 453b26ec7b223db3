import { grownArray, IndexColumn, JsonlLog, readJsonlFile } from "@vlmeval/internal";
import { type CallUsage, isRetryableFailure } from "@vlmeval/schema";

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

/**
 * The best record of each index over a task's journals: a success beats a failure; among equals
 * the latest read wins. Kept in typed arrays keyed by an {@linkcode IndexColumn}, and `get` makes
 * a record's object when asked: 100k answers cost their prediction texts and about 70 bytes
 * each, where an object, a string key and a `Map` entry each cost three times that, all of it on
 * the heap that the merge and the scoring then grow from (issue 19).
 */
export class JournalRecords {
  #keys = new IndexColumn();
  #predictions: string[] = [];
  #ok = new Uint8Array(256);
  /** `time`, `ms`, `rank` and `worldSize` of each record (NaN where a record had none). */
  #numbers = new Float64Array(256 * NUMBERS);
  /** What few records have: a failure's stage and error type, a served model's usage. */
  #extras = new Map<number, Pick<JournalRecord, "stage" | "errorType" | "usage">>();

  /** Number of indices with a record. */
  get size(): number {
    return this.#keys.size;
  }

  /** True when `index` has a record. */
  has(index: string): boolean {
    return this.#keys.positionOf(index) !== undefined;
  }

  /** The best record of `index`, or undefined. */
  get(index: string): JournalRecord | undefined {
    const slot = this.#keys.positionOf(index);
    return slot === undefined ? undefined : this.#record(slot, index);
  }

  /** Every index's best record, in the order the indices were first read. */
  *values(): IterableIterator<JournalRecord> {
    for (let slot = 0; slot < this.#keys.size; slot++) {
      yield this.#record(slot, this.#keys.at(slot));
    }
  }

  /** Keeps `record` when it is the best so far for its index. */
  offer(record: JournalRecord): void {
    let slot = this.#keys.positionOf(record.index);
    if (slot === undefined) {
      slot = this.#keys.size;
      this.#keys.push(record.index);
      if (slot === this.#ok.length) {
        this.#ok = grownArray(this.#ok, slot * 2);
        this.#numbers = grownArray(this.#numbers, slot * 2 * NUMBERS);
      }
    } else if (!record.ok && this.#ok[slot] === 1) {
      return;
    }
    this.#predictions[slot] = record.prediction;
    this.#ok[slot] = record.ok ? 1 : 0;
    const at = slot * NUMBERS;
    this.#numbers[at] = numberOrNaN(record.time);
    this.#numbers[at + 1] = numberOrNaN(record.ms);
    this.#numbers[at + 2] = numberOrNaN(record.rank);
    this.#numbers[at + 3] = numberOrNaN(record.worldSize);
    const { stage, errorType, usage } = record;
    if (stage !== undefined || errorType !== undefined || usage !== undefined) {
      this.#extras.set(slot, { stage, errorType, usage });
    } else {
      this.#extras.delete(slot);
    }
  }

  #record(slot: number, index: string): JournalRecord {
    const at = slot * NUMBERS;
    const record: JournalRecord = {
      index,
      prediction: this.#predictions[slot],
      ok: this.#ok[slot] === 1,
      rank: this.#numbers[at + 2],
      worldSize: this.#numbers[at + 3],
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
}

/** Numbers kept per record: time, ms, rank, world size. */
const NUMBERS = 4;

function numberOrNaN(value: unknown): number {
  return typeof value === "number" ? value : Number.NaN;
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
    const skippedLines = readJsonlFile(`${dir}/${name}`, (value, line) => {
      const record = value as JournalRecord;
      if (typeof record?.index !== "string" || typeof record.prediction !== "string") {
        bad.push(line);
        return;
      }
      state.records.offer(record);
    });
    bad.push(...skippedLines);
    if (bad.length > 0) {
      state.skippedLines += bad.length;
      state.unreadable.push({ file: `${dir}/${name}`, lines: bad.sort((a, b) => a - b) });
    }
  }
  return state;
}

/** True when the record is final: a success, or a failure the user chose to keep. */
export function isFinished(record: JournalRecord | undefined, keepFailed: boolean): boolean {
  if (!record) return false;
  return !isRetryableFailure(record.prediction, keepFailed);
}
