import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";
import { writeAtomically } from "@vlmeval/internal";
import type { EvalTask } from "../task/eval_task.ts";
import { doneMarkerName, readJournals } from "../loop/journal.ts";
import type { JournalOutcome, JournalRecords } from "../loop/journal_records.ts";
import { shardPositions } from "../loop/run_shard.ts";

/** What a rank writes when its shard ends, complete or not. */
export interface DoneMarker {
  rank: number;
  worldSize: number;
  complete: boolean;
  /** Why the rank stopped early. */
  reason?: string;
  /** The exit code the rank's stop stands for (absent in markers of earlier versions). */
  exitCode?: number;
  finishedAt: number;
}

/** Rank 0 gave up waiting: names the ranks whose samples are still missing. */
export class RankWaitTimeoutError extends Error {
  /** Giving up on other ranks ends the run with exit code 5. */
  readonly exitCode: ExitCode = EXIT_CODES.rankTimeout;
  /** Always `"RankWaitTimeoutError"`. */
  override name = "RankWaitTimeoutError";
  /** Missing ranks and how many of their samples are missing. */
  readonly missing: { rank: number; samples: number }[];
  /** `message` names the ranks; `missing` lists them with their missing sample counts. */
  constructor(message: string, missing: { rank: number; samples: number }[]) {
    super(message);
    this.missing = missing;
  }
}

/** Another rank stopped before finishing its shard. */
export class RankStoppedError extends Error {
  /** Another rank that stopped ends rank 0 with exit code 1. */
  readonly exitCode: ExitCode = EXIT_CODES.sampleFailed;
  /** Always `"RankStoppedError"`. */
  override name = "RankStoppedError";
}

/** Removes this rank's marker (at the start of its run). */
export function clearDoneMarker(dir: string, rank: number, worldSize: number): void {
  try {
    Deno.removeSync(`${dir}/${doneMarkerName(rank, worldSize)}`);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/** Writes this rank's marker atomically (at the end of its run). */
export async function writeDoneMarker(
  dir: string,
  marker: Omit<DoneMarker, "finishedAt">,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${doneMarkerName(marker.rank, marker.worldSize)}`;
  const text = JSON.stringify({ ...marker, finishedAt: Date.now() });
  await writeAtomically(path, (temp) => Deno.writeTextFile(temp, text));
}

function readMarker(dir: string, rank: number, worldSize: number) {
  const path = `${dir}/${doneMarkerName(rank, worldSize)}`;
  try {
    const stat = Deno.statSync(path);
    return { marker: JSON.parse(Deno.readTextFileSync(path)) as DoneMarker, mtime: stat.mtime };
  } catch {
    return undefined;
  }
}

/**
 * Why another rank of this run stopped early, when one did for another reason than an
 * interrupt: rank 0, stopped by the supervisor because that rank failed, records that rank's
 * cause instead of its own "interrupted". Markers written before `since` are of earlier runs.
 */
export function stoppedRankCause(
  dir: string,
  worldSize: number,
  exceptRank: number,
  since: number,
): { rank: number; reason: string; exitCode: number } | undefined {
  for (let rank = 0; rank < worldSize; rank++) {
    if (rank === exceptRank) continue;
    const found = readMarker(dir, rank, worldSize);
    if (!found || found.marker.complete || (found.mtime?.getTime() ?? 0) < since) continue;
    const code = found.marker.exitCode ?? EXIT_CODES.sampleFailed;
    if (code === EXIT_CODES.interrupted) continue;
    return { rank, reason: found.marker.reason ?? "no reason given", exitCode: code };
  }
  return undefined;
}

/**
 * True when a sample's record can go into this run's merge: a success, a failure recorded in
 * this run (`time >= since`; it is retried by the next run), or any failure the user keeps.
 */
export function isSettled(
  record: JournalOutcome | undefined,
  since: number,
  keepFailed: boolean,
): boolean {
  if (!record) return false;
  return record.ok || keepFailed || record.time >= since;
}

/**
 * Samples per rank of `worldSize` that are not yet settled for this run's merge. With
 * `journalDir`, a failure is also settled when its rank finished its shard in this run (a
 * complete done marker written since `since`) after recording it: that rank retried it and
 * this is its answer, even when it was recorded before rank 0's job began (a fast rank).
 */
export function missingByRank(
  task: EvalTask,
  records: JournalRecords,
  worldSize: number,
  keepFailed: boolean,
  since: number,
  journalDir?: string,
): Map<number, number> {
  const missing = new Map<number, number>();
  for (let rank = 0; rank < worldSize; rank++) {
    let finishedAt: number | undefined | null = null;
    const rankFinished = (record: JournalOutcome) => {
      if (journalDir === undefined) return false;
      if (finishedAt === null) {
        // A marker of an earlier run (before `since`) says nothing about this one.
        const marker = readMarker(journalDir, rank, worldSize)?.marker;
        finishedAt = marker?.complete && marker.finishedAt >= since ? marker.finishedAt : undefined;
      }
      return finishedAt !== undefined && finishedAt >= record.time;
    };
    for (const position of shardPositions(task.unitCount, rank, worldSize)) {
      for (const index of task.unitIndices(position)) {
        const record = records.outcome(index);
        if (isSettled(record, since, keepFailed) || (record && rankFinished(record))) continue;
        missing.set(rank, (missing.get(rank) ?? 0) + 1);
      }
    }
  }
  return missing;
}

/** Settings of {@link waitForShards}. */
export interface WaitOptions {
  /** The task whose samples must all be settled. */
  task: EvalTask;
  /** Folder holding the task's journals and done markers. */
  journalDir: string;
  /** Number of ranks in this run. */
  worldSize: number;
  /** Old recorded failures count as settled (`--keep-failed`); else only this run's do. */
  keepFailed: boolean;
  /** Give up after this long (VLMEvalKit's DIST_TIMEOUT, default 3600 s). */
  timeoutMs: number;
  /** Only markers written after this time count as news from this run. */
  since: number;
  /**
   * Milliseconds between looks at the ranks' done markers (a `stat` each); default 50. The
   * journals are read again when a marker appeared or changed, and at least every
   * {@link JOURNAL_REREAD_MS} otherwise.
   */
  pollMs?: number;
  /** Once aborted, the wait throws its reason after the current poll. */
  signal?: AbortSignal;
  /** Called once, on the first poll that finds samples missing: missing samples by rank. */
  onWait?: (missing: Map<number, number>) => void;
}

/**
 * Waits until every sample of the task has a final record in some journal (the journals are the
 * truth; done markers only let rank 0 fail fast when another rank stopped). Returns the merged
 * records. Throws {@link RankStoppedError} or {@link RankWaitTimeoutError} naming the ranks.
 */
export async function waitForShards(opts: WaitOptions): Promise<JournalRecords> {
  const deadline = Date.now() + opts.timeoutMs;
  const poll = opts.pollMs ?? 50;
  let announced = false;
  while (true) {
    const readAt = Date.now();
    const stamps = markerStamps(opts.journalDir, opts.worldSize);
    const { records } = readJournals(opts.journalDir, opts.task.indexKeys);
    const missing = missingByRank(
      opts.task,
      records,
      opts.worldSize,
      opts.keepFailed,
      opts.since,
      opts.journalDir,
    );
    if (missing.size === 0) return records;
    for (const rank of missing.keys()) {
      const found = readMarker(opts.journalDir, rank, opts.worldSize);
      if (found && !found.marker.complete && (found.mtime?.getTime() ?? 0) >= opts.since) {
        throw new RankStoppedError(
          `Cannot merge ${opts.task.name} as rank ${rank} of ${opts.worldSize} stopped before ` +
            `finishing its shard (${missing.get(rank)} samples missing): ${
              found.marker.reason ?? "no reason given"
            }. Rerun to resume`,
        );
      }
    }
    if (Date.now() >= deadline) {
      const list = [...missing].map(([rank, samples]) => ({ rank, samples }));
      throw new RankWaitTimeoutError(
        `Timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ranks ${
          list.map((m) => `${m.rank} (${m.samples} samples missing)`).join(", ")
        } of ${opts.worldSize} to finish ${opts.task.name}. Their work so far is kept in ` +
          `${opts.journalDir}; rerun those ranks to resume`,
        list,
      );
    }
    if (!announced) opts.onWait?.(missing);
    announced = true;
    // Reading every journal costs as much as the merge's own read (0.2 s at 100k rows): while
    // the other ranks work, only their markers are watched, so the wait takes no core from them.
    do {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, Math.min(poll, deadline - Date.now())))
      );
      if (opts.signal?.aborted) throw opts.signal.reason;
    } while (
      Date.now() < deadline && Date.now() - readAt < JOURNAL_REREAD_MS &&
      markerStamps(opts.journalDir, opts.worldSize) === stamps
    );
  }
}

/** Longest time {@link waitForShards} goes without reading the journals again. */
export const JOURNAL_REREAD_MS = 2000;

/** The modification times of every rank's done marker, as one string (absent ones empty). */
function markerStamps(dir: string, worldSize: number): string {
  const stamps: string[] = [];
  for (let rank = 0; rank < worldSize; rank++) {
    try {
      stamps.push(
        String(Deno.statSync(`${dir}/${doneMarkerName(rank, worldSize)}`).mtime?.getTime()),
      );
    } catch {
      stamps.push("");
    }
  }
  return stamps.join(",");
}
