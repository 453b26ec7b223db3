import { JsonlLog, readJsonlFile } from "@vlmeval/internal";
import {
  type IndexKeys,
  type JournalLine,
  type JournalOutcome,
  type JournalRecord,
  JournalRecords,
} from "./journal_records.ts";

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
export function readJournals(dir: string, keys?: IndexKeys): JournalState {
  const state: JournalState = {
    records: new JournalRecords(keys),
    worldSizes: new Set(),
    skippedLines: 0,
    unreadable: [],
  };
  for (const name of journalFiles(dir)) {
    const world = name.match(/of(\d+)\./);
    if (world) state.worldSizes.add(Number(world[1]));
    const bad: number[] = [];
    const where: JournalLine = { file: `${dir}/${name}`, offset: 0 };
    const skippedLines = readJsonlFile(where.file, (value, line, offset) => {
      const record = value as JournalRecord;
      if (typeof record?.index !== "string" || typeof record.prediction !== "string") {
        bad.push(line);
        return;
      }
      where.offset = offset;
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
