/**
 * One writer per (work dir, model, benchmark) and rank: a lock file beside the rank's journal,
 * `rank<r>of<W>.lock`, holding its holder's pid, host and what it runs. Ranks of one run hold
 * their own locks side by side; a second run of the same rank, or of another world size, while
 * the first is alive waits a few seconds (a holder that is stopping) and then refuses with the
 * holder named. A lock whose holder died on this host is taken over at once; one from another
 * host (a shared filesystem) once it has not been refreshed for {@linkcode WRITER_LOCK_STALE_MS}.
 *
 * @module
 */
import {
  acquireLock,
  describeLockHolder,
  isLockActive,
  type Lock,
  readLockHolder,
} from "@vlmeval/internal";
import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";

/** A live holder refreshes its lock every 30 s; one silent for 2 minutes is dead. */
export const WRITER_LOCK_STALE_MS = 120_000;
/** How long a second run waits for a holder to finish stopping before it refuses. */
const BUSY_WAIT_MS = 5_000;

/** Another run is writing this benchmark: the message names it (pid, host, rank). */
export class BenchmarkBusyError extends Error {
  /** A busy benchmark ends this run's job with exit code 75 (try again later). */
  readonly exitCode: ExitCode = EXIT_CODES.busy;
  /** Always `"BenchmarkBusyError"`. */
  override name = "BenchmarkBusyError";
}

/** What {@linkcode lockBenchmark} needs to know. */
export interface WriterLockOptions {
  /** The job's journal folder (created when missing). */
  journalDir: string;
  /** `<model> on <task>`, for the holder note and the message. */
  what: string;
  /** This process's rank. */
  rank: number;
  /** The run's world size. */
  worldSize: number;
  /** Hears that the lock of a dead or silent holder was taken over. */
  warn: (message: string) => void;
  /** Hears that another run holds the lock, once, before the wait. */
  note?: (message: string) => void;
  /** Aborting ends the wait. */
  signal?: AbortSignal;
}

/**
 * Takes this rank's writer lock of a job; release it when the job ends.
 *
 * @throws {BenchmarkBusyError} naming the holder when another live run writes the benchmark:
 * the same rank, or any rank of another world size.
 */
export async function lockBenchmark(opts: WriterLockOptions): Promise<Lock> {
  await Deno.mkdir(opts.journalDir, { recursive: true });
  const path = `${opts.journalDir}/rank${opts.rank}of${opts.worldSize}.lock`;
  const lock = await acquireLock(path, {
    staleMs: WRITER_LOCK_STALE_MS,
    maxWaitMs: BUSY_WAIT_MS,
    pollMs: 100,
    note: `rank ${opts.rank} of ${opts.worldSize}, ${opts.what}`,
    signal: opts.signal,
    onTakeover: opts.warn,
    onWait: (holder) =>
      (opts.note ?? opts.warn)(
        `${opts.what} is being written by ${holder}: waiting up to ${BUSY_WAIT_MS / 1000} s ` +
          `for it to finish`,
      ),
  });
  if (!lock.held) throw await busyError(path, opts);
  for (const entry of Deno.readDirSync(opts.journalDir)) {
    const other = entry.name.match(/^rank\d+of(\d+)\.lock$/);
    if (!other || Number(other[1]) === opts.worldSize) continue;
    const otherPath = `${opts.journalDir}/${entry.name}`;
    if (await isLockActive(otherPath, WRITER_LOCK_STALE_MS)) {
      await lock.release();
      throw await busyError(otherPath, opts);
    }
  }
  return lock;
}

async function busyError(path: string, opts: WriterLockOptions): Promise<BenchmarkBusyError> {
  const holder = await readLockHolder(path);
  const by = holder
    ? `${describeLockHolder(holder)}, refreshed ${Math.round(holder.ageMs / 1000)} s ago`
    : "a process that has just finished";
  return new BenchmarkBusyError(
    `Cannot run ${opts.what} as another run is writing it in this work dir: ${by} (lock ` +
      `${path}); let it finish or stop it, then run again: its finished samples are kept`,
  );
}
