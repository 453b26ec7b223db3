/**
 * The `--nproc N` supervisor: starts N worker processes on this machine, one rank each,
 * restarts a worker that dies (it resumes from its journal), and stops them all on Ctrl-C.
 * Rank 0 merges by itself once every shard is complete; the supervisor only supervises.
 *
 * @module
 */
import { type SyncWriter, writeAllSync } from "@vlmeval/internal";
import { EXIT_CODES } from "@vlmeval/schema";
import { createMergedProgress, type MergedProgressDisplay } from "./merged_progress.ts";
import { MarkerLineFilter, PROGRESS_MARKERS_ENV, type ProgressReport } from "./progress_marker.ts";
import { cudaVisibleDevicesFor } from "./gpu_split.ts";

/** What the supervisor does after a worker exits. */
export type ExitAction =
  /** Exit 0: the rank is done. */
  | "done"
  /** Died and may succeed when resumed: sticky CUDA error (3), crash (1), killed by a signal
   * other than an interrupt (SIGKILL from the OOM killer, SIGSEGV, ...), an unknown code. */
  | "restart"
  /** Would fail the same way again: usage (2), bad input (4), rank timeout (5), missing
   * prerequisite (6). */
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
  | { kind: "kill"; rank: number; pid: number };

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
  EXIT_CODES.usage,
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
  finished: boolean;
  restartTimer?: ReturnType<typeof setTimeout>;
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
    }));
  }

  async run(): Promise<LocalRanksResult> {
    const allDone = new Promise<void>((resolve) => this.#settle = resolve);
    const onSignal = (signal: Deno.Signal) => () => {
      this.#interrupted = true;
      this.#stop(`received ${signal}`);
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
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.#opts.command, {
        args: this.#opts.args,
        env,
        stdin: "null",
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
    this.#emit({ kind: "start", rank, attempt: worker.attempt, pid: child.pid });
    const readers = prefix ? [child.stdout.getReader(), child.stderr.getReader()] : [];
    const pumps = readers.map((reader, i) =>
      pumpLines(
        reader,
        (text) => this.#write(i === 0 ? Deno.stdout : Deno.stderr, text),
        `[rank ${rank}] `,
        (report) => this.#onProgress(report),
      )
    );
    child.status.then(async (status) => {
      await drain(pumps, readers);
      this.#onExit(worker, status);
    });
  }

  #onExit(worker: Worker, status: Deno.CommandStatus): void {
    worker.child = undefined;
    const { rank, attempt } = worker;
    const base = { kind: "exit", rank, attempt, code: status.code, signal: status.signal } as const;
    const action = exitAction(status.code, status.signal);
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
      this.#stop(`rank ${rank} failed; the work done so far is kept, rerun to resume`);
    }
    this.#checkAllDone();
  }

  #stop(reason: string): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#emit({ kind: "stop", reason });
    for (const worker of this.#workers) {
      clearTimeout(worker.restartTimer);
      worker.restartTimer = undefined;
      if (worker.child) signalChild(worker.child, "SIGTERM");
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

/**
 * Copies a worker's output with `write` line by line, each line prefixed; progress markers go
 * to `onReport` instead and are never written.
 */
async function pumpLines(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  write: (text: string) => void,
  prefix: string,
  onReport: (report: ProgressReport) => void,
): Promise<void> {
  const filter = new MarkerLineFilter(onReport);
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
