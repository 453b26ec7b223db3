/**
 * The `--nproc N` supervisor: starts N worker processes on this machine, one rank each,
 * restarts a worker that dies (it resumes from its journal), and stops them all on Ctrl-C.
 * Rank 0 merges by itself once every shard is complete; the supervisor only supervises.
 *
 * Workers run in their own session, so a terminal's Ctrl-C reaches the supervisor alone, which
 * passes each interrupt on once (a first one lets the workers stop cleanly, a second makes them
 * quit at once). Each worker's stdin is a pipe the supervisor never writes: when the supervisor
 * dies, even by SIGKILL, the pipe closes and the workers end (`VLMEVAL_WORKER` processes watch
 * it). A worker killed by a signal while on a sample has that crash counted in the job's
 * `crashes.jsonl`; a sample that crashed its worker {@linkcode CRASH_LIMIT} times is recorded as
 * a failure naming the signal.
 *
 * @module
 */
import { JsonlLog, readJsonl, type SyncWriter, writeAllSync } from "@vlmeval/internal";
import { EXIT_CODES, failMessage } from "@vlmeval/schema";
import { createMergedProgress, type MergedProgressDisplay } from "./merged_progress.ts";
import {
  MarkerLineFilter,
  PROGRESS_MARKERS_ENV,
  type ProgressReport,
  type UnitReport,
} from "./progress_marker.ts";
import { cudaVisibleDevicesFor } from "./gpu_split.ts";
import { doneMarkerName, JournalWriter } from "../loop/journal.ts";

/** Crashes of a worker on one sample after which the sample is recorded as failed. */
export const CRASH_LIMIT = 3;

/** Environment variable giving workers the time the supervised run started (ms). */
export const RUN_STARTED_ENV = "VLMEVAL_RUN_STARTED_AT";

/**
 * Set to `stdin` in every worker's environment: its stdin is the supervisor's lifeline, and
 * its end means the supervisor is gone.
 */
export const LIFELINE_ENV = "VLMEVAL_LIFELINE";

/** Two interrupts closer than this are one (a terminal's Ctrl-C also forwarded by `deno task`). */
export const SAME_INTERRUPT_MS = 500;

/** What the supervisor does after a worker exits. */
export type ExitAction =
  /** Exit 0: the rank is done. */
  | "done"
  /** Died and may succeed when resumed: sticky CUDA error (3), killed by a signal other than
   * an interrupt (SIGKILL from the OOM killer, SIGSEGV, ...), an unknown code. */
  | "restart"
  /** Would fail the same way again: a sample failed without --skip-err or an error (1), usage
   * (2), bad input (4), rank timeout (5), missing prerequisite (6), a busy benchmark (75). */
  | "fatal"
  /** Interrupted (130, SIGINT, SIGTERM, SIGHUP): the whole run stops. */
  | "interrupted";

/** Something the supervisor did or saw, for the caller's log or progress display. */
export type SupervisorEvent =
  | { kind: "start"; rank: number; attempt: number; pid: number }
  | {
    kind: "exit";
    rank: number;
    attempt: number;
    code: number;
    signal: Deno.Signal | null;
    /** What the exit means; "restart" becomes "give-up" when the rank has no restarts left,
     * and every exit after the run began to stop is "stopped". */
    action: "done" | "restart" | "give-up" | "fatal" | "interrupted" | "stopped";
  }
  | { kind: "stop"; reason: string }
  | { kind: "kill"; rank: number; pid: number }
  | {
    kind: "crash";
    rank: number;
    signal: Deno.Signal;
    /** The indices the worker was on. */
    indices: string[];
    /** Crashes on them so far, this one included (the most of any of them). */
    count: number;
    /** True when they reached {@linkcode CRASH_LIMIT} and were recorded as failed. */
    recorded: boolean;
  }
  | { kind: "interrupt"; signal: Deno.Signal; again: boolean };

/** Settings of {@link runLocalRanks}. */
export interface LocalRanksOptions {
  /** Number of worker processes (ranks), at least 1. */
  nproc: number;
  /** Executable of a worker, e.g. `Deno.execPath()`. */
  command: string;
  /** Its arguments, the same for every rank (the rank comes through the environment). */
  args: string[];
  /** Extra environment for every worker (the supervisor's own is inherited). */
  env?: Record<string, string>;
  /**
   * Restarts allowed per rank.
   * @default {3}
   */
  maxRestarts?: number;
  /** GPU ids to split among the ranks with {@link cudaVisibleDevicesFor}; none: leave
   * `CUDA_VISIBLE_DEVICES` alone. */
  gpuIds?: string[];
  /** Aborting stops every worker, as Ctrl-C does. */
  signal?: AbortSignal;
  /** Called for every {@link SupervisorEvent}; without it each event is written to stderr. */
  onEvent?: (event: SupervisorEvent) => void;
  /**
   * `"prefix"`: workers' stdout/stderr go through pipes, each line prefixed `[rank r] `, and
   * their progress markers (`progress_marker.ts`) are taken out; workers get
   * `VLMEVAL_PROGRESS_MARKERS=1`. `"inherit"`: workers write to this process's stdout/stderr
   * directly (and draw their own progress).
   * @default {"prefix"}
   */
  output?: "prefix" | "inherit";
  /**
   * Called for each progress report of a worker (with `output: "prefix"`); without it the
   * reports feed one merged display per task on stderr ({@linkcode createMergedProgress}).
   */
  onProgress?: (report: ProgressReport) => void;
  /**
   * Milliseconds a worker has to exit after SIGTERM before it gets SIGKILL.
   * @default {5000}
   */
  graceMs?: number;
  /**
   * Milliseconds to wait before restarting a worker.
   * @default {1000}
   */
  restartDelayMs?: number;
  /**
   * Listen for SIGINT/SIGTERM on this process while the workers run.
   * @default {true}
   */
  handleSignals?: boolean;
  /**
   * After a sample is recorded as failed for crashing its worker {@linkcode CRASH_LIMIT} times:
   * restart the worker and go on (`--skip-err`), or stop the run (exit 1).
   * @default {false}
   */
  skipErr?: boolean;
}

/** How a supervised run ended. */
export interface LocalRanksResult {
  /**
   * 0 when every rank exited 0; 130 when the run was interrupted; otherwise the exit code of
   * the first rank that failed for good (a fatal code, or its last code once it ran out of
   * restarts; a death by signal counts as 1).
   */
  exitCode: number;
  /** Restarts used, per rank. */
  restarts: number[];
}

const FATAL_CODES: ReadonlySet<number> = new Set([
  EXIT_CODES.sampleFailed,
  EXIT_CODES.usage,
  EXIT_CODES.busy,
  EXIT_CODES.badInput,
  EXIT_CODES.rankTimeout,
  EXIT_CODES.missingPrerequisite,
  // A restart would meet the same endpoint, or the same failures, again.
  EXIT_CODES.endpoint,
  EXIT_CODES.tooManyFailures,
]);
const INTERRUPT_SIGNALS: ReadonlySet<string> = new Set(["SIGINT", "SIGTERM", "SIGHUP"]);
/** 128 + SIGHUP, SIGINT, SIGTERM: what a shell wrapper reports for an interrupted child. */
const INTERRUPT_CODES: ReadonlySet<number> = new Set([129, EXIT_CODES.interrupted, 143]);

/** What a worker's exit status asks the supervisor to do (see {@link ExitAction}). */
export function exitAction(code: number, signal: Deno.Signal | null): ExitAction {
  if (signal !== null) return INTERRUPT_SIGNALS.has(signal) ? "interrupted" : "restart";
  if (code === EXIT_CODES.ok) return "done";
  if (INTERRUPT_CODES.has(code)) return "interrupted";
  return FATAL_CODES.has(code) ? "fatal" : "restart";
}

/** One line describing an event, as the supervisor logs it when no `onEvent` is given. */
export function describeEvent(event: SupervisorEvent): string {
  switch (event.kind) {
    case "start":
      return `[supervisor] rank ${event.rank} started (pid ${event.pid}` +
        (event.attempt > 0 ? `, restart ${event.attempt})` : ")");
    case "exit": {
      const how = event.signal ? `was killed by ${event.signal}` : `exited with code ${event.code}`;
      const then = {
        done: "",
        restart: "; restarting it to resume from its journal",
        "give-up": "; no restarts left",
        fatal: "; not restarting (it would fail the same way)",
        interrupted: "; stopping every rank",
        stopped: "",
      }[event.action];
      return `[supervisor] rank ${event.rank} ${how}${then}`;
    }
    case "stop":
      return `[supervisor] stopping every rank: ${event.reason}`;
    case "kill":
      return `[supervisor] rank ${event.rank} (pid ${event.pid}) did not stop in time; SIGKILL`;
    case "crash":
      return `[supervisor] rank ${event.rank} was killed by ${event.signal} while on sample ` +
        `${event.indices.join(", ")} (crash ${event.count} of ${CRASH_LIMIT} on it)` +
        (event.recorded ? `: recorded as failed, not tried again in this run` : "");
    case "interrupt":
      return event.again
        ? `[supervisor] ${event.signal} again: every rank quits at once`
        : `[supervisor] ${event.signal}: every rank stops after its samples in flight ` +
          `(interrupt again to quit at once)`;
  }
}

/**
 * Runs `nproc` workers, one rank each, and supervises them until all are done. Each worker gets
 * `VLMEVAL_RANK`, `VLMEVAL_WORLD_SIZE`, `VLMEVAL_LOCAL_RANK`, `VLMEVAL_LOCAL_WORLD_SIZE`,
 * `VLMEVAL_WORKER=1` and, when `gpuIds` is not empty, its own `CUDA_VISIBLE_DEVICES`.
 *
 * A worker whose exit is "restart" (see {@link exitAction}) is started again, up to
 * `maxRestarts` times per rank. A rank that fails for good (a fatal code, or no restarts left)
 * stops the others, since rank 0 could never merge: the work done so far stays in the journals
 * and a rerun resumes it. SIGINT/SIGTERM to this process, the `signal` option, or an
 * interrupted worker also stop every worker: SIGTERM, then SIGKILL after `graceMs`.
 *
 * @throws {RangeError} for a bad `nproc`/`maxRestarts`, or fewer GPUs than ranks.
 * @throws {Error} when this process is itself a supervised worker (`VLMEVAL_WORKER=1`).
 */
export async function runLocalRanks(opts: LocalRanksOptions): Promise<LocalRanksResult> {
  const { nproc } = opts;
  const maxRestarts = opts.maxRestarts ?? 3;
  if (!Number.isSafeInteger(nproc) || nproc < 1) {
    throw new RangeError(
      `Cannot start workers as --nproc must be a positive integer: current value is ${nproc}`,
    );
  }
  if (!Number.isSafeInteger(maxRestarts) || maxRestarts < 0) {
    throw new RangeError(
      `Cannot supervise workers as maxRestarts must be a non-negative integer: current value ` +
        `is ${maxRestarts}`,
    );
  }
  if ((opts.env?.VLMEVAL_WORKER ?? Deno.env.get("VLMEVAL_WORKER")) === "1") {
    throw new Error(
      `Cannot start ${nproc} workers as this process is itself a worker (VLMEVAL_WORKER=1): ` +
        `--nproc must not be passed on to workers`,
    );
  }
  const devices = Array.from(
    { length: nproc },
    (_, r) => opts.gpuIds ? cudaVisibleDevicesFor(r, nproc, opts.gpuIds) : undefined,
  );
  return await new Supervisor(opts, maxRestarts, devices).run();
}

interface Worker {
  rank: number;
  attempt: number;
  child?: Deno.ChildProcess;
  /** The write end of the worker's stdin: held open while it lives (see the module doc). */
  lifeline?: WritableStreamDefaultWriter<Uint8Array>;
  finished: boolean;
  restartTimer?: ReturnType<typeof setTimeout>;
  /** Units the worker started and has not ended, by journal folder and first index. */
  inFlight: Map<string, UnitReport>;
}

class Supervisor {
  #opts: LocalRanksOptions;
  #maxRestarts: number;
  #devices: (string | undefined)[];
  #workers: Worker[];
  #stopping = false;
  #interrupted = false;
  #failure?: number;
  #killTimer?: ReturnType<typeof setTimeout>;
  #settle!: () => void;
  /** The merged progress display, when the workers' output is read and no `onProgress`. */
  #display?: MergedProgressDisplay;

  constructor(opts: LocalRanksOptions, maxRestarts: number, devices: (string | undefined)[]) {
    this.#opts = opts;
    this.#maxRestarts = maxRestarts;
    this.#devices = devices;
    this.#workers = Array.from({ length: opts.nproc }, (_, rank) => ({
      rank,
      attempt: 0,
      finished: false,
      inFlight: new Map(),
    }));
  }

  #startedAt = Date.now();
  #lastInterrupt = -Infinity;

  async run(): Promise<LocalRanksResult> {
    const allDone = new Promise<void>((resolve) => this.#settle = resolve);
    const onSignal = (signal: Deno.Signal) => () => {
      const now = performance.now();
      const repeat = now - this.#lastInterrupt < SAME_INTERRUPT_MS;
      this.#lastInterrupt = now;
      if (repeat) return;
      if (this.#interrupted) {
        // A second interrupt: the workers quit at once, as a second Ctrl-C does alone.
        this.#emit({ kind: "interrupt", signal, again: true });
        for (const worker of this.#workers) {
          if (worker.child) signalChild(worker.child, signal);
        }
        return;
      }
      this.#interrupted = true;
      this.#emit({ kind: "interrupt", signal, again: false });
      this.#stop(`received ${signal}`, signal);
    };
    const listeners: [Deno.Signal, () => void][] = this.#opts.handleSignals === false
      ? []
      : [["SIGINT", onSignal("SIGINT")], ["SIGTERM", onSignal("SIGTERM")]];
    for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
    const onAbort = () => {
      this.#interrupted = true;
      this.#stop("aborted");
    };
    this.#opts.signal?.addEventListener("abort", onAbort, { once: true });
    if (this.#opts.output !== "inherit" && !this.#opts.onProgress) {
      this.#display = createMergedProgress(this.#opts.nproc);
    }
    try {
      if (this.#opts.signal?.aborted) onAbort();
      else for (const worker of this.#workers) this.#spawn(worker);
      this.#checkAllDone();
      await allDone;
    } finally {
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
      this.#opts.signal?.removeEventListener("abort", onAbort);
      clearTimeout(this.#killTimer);
      this.#display?.stop();
    }
    const exitCode = this.#interrupted ? EXIT_CODES.interrupted : this.#failure ?? EXIT_CODES.ok;
    return { exitCode, restarts: this.#workers.map((w) => w.attempt) };
  }

  #emit(event: SupervisorEvent): void {
    if (this.#opts.onEvent) this.#opts.onEvent(event);
    else this.#write(Deno.stderr, describeEvent(event) + "\n");
  }

  /** Writes whole lines to stdout or stderr, clear of the progress display. */
  #write(out: SyncWriter, text: string): void {
    if (this.#display) this.#display.write(out, text);
    else writeAllSync(out, encoder.encode(text));
  }

  #onProgress(report: ProgressReport): void {
    if (this.#opts.onProgress) this.#opts.onProgress(report);
    else this.#display?.report(report);
  }

  #spawn(worker: Worker): void {
    const { rank } = worker;
    if (this.#stopping) {
      worker.finished = true;
      return;
    }
    const env: Record<string, string> = {
      ...this.#opts.env,
      [RUN_STARTED_ENV]: String(this.#startedAt),
      VLMEVAL_RANK: String(rank),
      VLMEVAL_WORLD_SIZE: String(this.#opts.nproc),
      VLMEVAL_LOCAL_RANK: String(rank),
      VLMEVAL_LOCAL_WORLD_SIZE: String(this.#opts.nproc),
      VLMEVAL_WORKER: "1",
    };
    const devices = this.#devices[rank];
    if (devices !== undefined) env.CUDA_VISIBLE_DEVICES = devices;
    const prefix = this.#opts.output !== "inherit";
    if (prefix) env[PROGRESS_MARKERS_ENV] = "1";
    env[LIFELINE_ENV] = "stdin";
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.#opts.command, {
        args: this.#opts.args,
        env,
        // Its own session: a terminal's Ctrl-C reaches the supervisor, which passes it on once.
        detached: true,
        // Never written: it closes when the supervisor dies, and the worker ends then.
        stdin: "piped",
        stdout: prefix ? "piped" : "inherit",
        stderr: prefix ? "piped" : "inherit",
      }).spawn();
    } catch (err) {
      worker.finished = true;
      this.#failure ??= EXIT_CODES.missingPrerequisite;
      this.#stop(`cannot start rank ${rank} (${this.#opts.command}): ${(err as Error).message}`);
      return;
    }
    worker.child = child;
    worker.lifeline = child.stdin.getWriter();
    worker.inFlight.clear();
    this.#emit({ kind: "start", rank, attempt: worker.attempt, pid: child.pid });
    const readers = prefix ? [child.stdout.getReader(), child.stderr.getReader()] : [];
    const pumps = readers.map((reader, i) =>
      pumpLines(
        reader,
        (text) => this.#write(i === 0 ? Deno.stdout : Deno.stderr, text),
        // stdout holds rank 0's scores and summary, printed as they are; logs are prefixed.
        i === 0 ? "" : `[rank ${rank}] `,
        (report) => this.#onProgress(report),
        (unit) => onUnit(worker, unit),
      )
    );
    child.status.then(async (status) => {
      await drain(pumps, readers);
      await worker.lifeline?.close().catch(() => {});
      worker.lifeline = undefined;
      const crash = this.#countCrash(worker, status);
      this.#onExit(worker, status, crash);
    });
  }

  /**
   * A worker killed by a signal (not an interrupt) while on samples: each such sample's crash
   * is counted in its job's `crashes.jsonl`; at {@linkcode CRASH_LIMIT} it is recorded in the
   * rank's journal as failed. Returns whether a sample was recorded so.
   */
  #countCrash(worker: Worker, status: Deno.CommandStatus): boolean {
    const signal = status.signal;
    if (signal === null || INTERRUPT_SIGNALS.has(signal) || worker.inFlight.size === 0) {
      return false;
    }
    let recorded = false;
    for (const unit of worker.inFlight.values()) {
      try {
        const count = recordCrash(unit, signal);
        const limit = count >= CRASH_LIMIT;
        if (limit) recordCrashFailure(unit, signal, count, this.#opts.skipErr ?? false);
        recorded ||= limit;
        this.#emit({
          kind: "crash",
          rank: worker.rank,
          signal,
          indices: unit.indices,
          count,
          recorded: limit,
        });
      } catch (err) {
        this.#write(
          Deno.stderr,
          `[supervisor] could not count the crash of rank ${worker.rank} in ` +
            `${unit.journalDir}: ${(err as Error).message}\n`,
        );
      }
    }
    worker.inFlight.clear();
    return recorded;
  }

  #onExit(worker: Worker, status: Deno.CommandStatus, crashRecorded: boolean): void {
    worker.child = undefined;
    const { rank, attempt } = worker;
    const base = { kind: "exit", rank, attempt, code: status.code, signal: status.signal } as const;
    let action = exitAction(status.code, status.signal);
    // Without --skip-err a sample recorded as failed stops the run, as any failing sample does.
    if (crashRecorded && !this.#opts.skipErr) action = "fatal";
    if (this.#stopping || action === "done") {
      worker.finished = true;
      this.#emit({ ...base, action: this.#stopping && action !== "done" ? "stopped" : "done" });
    } else if (action === "interrupted") {
      worker.finished = true;
      this.#interrupted = true;
      this.#emit({ ...base, action });
      this.#stop(`rank ${rank} was interrupted`);
    } else if (action === "restart" && attempt < this.#maxRestarts) {
      this.#emit({ ...base, action });
      worker.attempt++;
      worker.restartTimer = setTimeout(() => {
        worker.restartTimer = undefined;
        this.#spawn(worker);
      }, this.#opts.restartDelayMs ?? 1000);
    } else {
      worker.finished = true;
      this.#failure ??= status.signal === null ? status.code : EXIT_CODES.sampleFailed;
      this.#emit({ ...base, action: action === "fatal" ? "fatal" : "give-up" });
      this.#stop(
        crashRecorded && !this.#opts.skipErr
          ? `rank ${rank} crashed ${CRASH_LIMIT} times on one sample, now recorded as failed; ` +
            `pass --skip-err to go on past such samples (the work done so far is kept)`
          : `rank ${rank} failed; the work done so far is kept, rerun to resume`,
      );
    }
    this.#checkAllDone();
  }

  /** Stops every worker: `signal` first (a clean stop), SIGKILL after the grace period. */
  #stop(reason: string, signal: Deno.Signal = "SIGTERM"): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#emit({ kind: "stop", reason });
    for (const worker of this.#workers) {
      clearTimeout(worker.restartTimer);
      worker.restartTimer = undefined;
      if (worker.child) signalChild(worker.child, signal);
      else worker.finished = true;
    }
    this.#killTimer = setTimeout(() => {
      for (const worker of this.#workers) {
        if (!worker.child) continue;
        this.#emit({ kind: "kill", rank: worker.rank, pid: worker.child.pid });
        signalChild(worker.child, "SIGKILL");
      }
    }, this.#opts.graceMs ?? 5000);
    this.#checkAllDone();
  }

  #checkAllDone(): void {
    if (this.#workers.every((w) => w.finished)) this.#settle();
  }
}

function signalChild(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // Already exited: nothing to stop.
  }
}

const encoder = new TextEncoder();

/** Keeps a worker's units in flight up to date from its unit markers. */
function onUnit(worker: Worker, unit: UnitReport): void {
  const key = `${unit.journalDir}\0${unit.indices[0] ?? ""}`;
  if (unit.phase === "start") worker.inFlight.set(key, unit);
  else worker.inFlight.delete(key);
}

/** Appends one crash of `unit` to its job's `crashes.jsonl`; returns its crashes so far. */
function recordCrash(unit: UnitReport, signal: Deno.Signal): number {
  const path = `${unit.journalDir}/crashes.jsonl`;
  let text = "";
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const key = unit.indices.join(",");
  const before = readJsonl(text).values.filter((v) => (v as { key?: unknown })?.key === key).length;
  const log = JsonlLog.open(path);
  try {
    log.append({ key, indices: unit.indices, signal, rank: unit.rank, time: Date.now() });
    log.sync();
  } finally {
    log.close();
  }
  return before + 1;
}

/**
 * Records each index of `unit` as failed in its rank's journal, naming the signal. Without
 * `skipErr` the run stops there: the rank's done marker says why, for rank 0's `status.json`.
 */
function recordCrashFailure(
  unit: UnitReport,
  signal: Deno.Signal,
  count: number,
  skipErr: boolean,
): void {
  if (!skipErr) {
    const path = `${unit.journalDir}/${doneMarkerName(unit.rank, unit.worldSize)}`;
    const marker = {
      rank: unit.rank,
      worldSize: unit.worldSize,
      complete: false,
      reason: `Sample ${unit.indices.join(", ")} crashed the worker ${count} times (killed by ` +
        `${signal}); it is recorded as failed and finished samples are kept. Pass --skip-err ` +
        `to go on past such samples`,
      exitCode: EXIT_CODES.sampleFailed,
      finishedAt: Date.now(),
    };
    Deno.writeTextFileSync(path, JSON.stringify(marker));
  }
  const journal = JournalWriter.open(unit.journalDir, unit.rank, unit.worldSize);
  try {
    for (const index of unit.indices) {
      journal.append({
        index,
        prediction: failMessage(
          "WorkerCrash",
          `the worker process was killed by ${signal} on this sample ${count} times`,
        ),
        ok: false,
        stage: "generate",
        errorType: "WorkerCrash",
      });
    }
    journal.sync();
  } finally {
    journal.close();
  }
}

/**
 * Copies a worker's output with `write` line by line, each line prefixed; progress and unit
 * markers go to `onReport` and `onUnit` instead and are never written.
 */
async function pumpLines(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  write: (text: string) => void,
  prefix: string,
  onReport: (report: ProgressReport) => void,
  onUnit: (unit: UnitReport) => void,
): Promise<void> {
  const filter = new MarkerLineFilter(onReport, onUnit);
  const flush = (lines: string[]) => {
    if (lines.length > 0) write(lines.map((line) => prefix + line + "\n").join(""));
  };
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    flush(filter.push(value));
  }
  flush(filter.end());
}

/**
 * Waits for a finished worker's output to be copied. A grandchild that inherited the pipes can
 * keep them open after the worker died: after 2 s the pipes are closed on our side.
 */
async function drain(
  pumps: Promise<void>[],
  readers: ReadableStreamDefaultReader<Uint8Array>[],
): Promise<void> {
  if (pumps.length === 0) return;
  const all = Promise.allSettled(pumps);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = await Promise.race([
    all.then(() => false),
    new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(true), 2000)),
  ]);
  clearTimeout(timer);
  if (!late) return;
  await Promise.allSettled(readers.map((reader) => reader.cancel()));
  await all;
}
