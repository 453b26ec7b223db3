import {
  type CallUsage,
  EXIT_CODES,
  type ExitCode,
  isFailure,
  type VisionLanguageModel,
} from "@vlmeval/schema";
import type { EvalTask, EvalUnit, ParsedPrediction } from "../task/eval_task.ts";
import {
  decideOnFailure,
  errorTypeName,
  failurePrediction,
  type GpuHooks,
  recoverAfterFailure,
  releaseAfterUnit,
} from "./guard.ts";
import { isFinished, JournalWriter, readJournals, unreadableLinesWarning } from "./journal.ts";
import type { JournalOutcome, JournalRecord } from "./journal_records.ts";
import type { Progress } from "./progress.ts";
import { type FailurePolicy, FailureWatch } from "./failure_policy.ts";
import { type UsageSummary, UsageTally } from "./usage.ts";

/** The model cannot answer several questions in one generation (pack mode). */
export class UnsupportedPackError extends Error {
  /** Pack mode with a model that cannot answer it is a usage error: exit code 2. */
  readonly exitCode: ExitCode = EXIT_CODES.usage;
  override name = "UnsupportedPackError";
}

/** Settings of one rank's inference over one task. */
export interface ShardOptions {
  /** The task whose units are sharded. */
  task: EvalTask;
  /** Builds the model; called only when some unit still needs inference. */
  getModel: () => Promise<VisionLanguageModel>;
  /** Folder holding this task's journals. */
  journalDir: string;
  /** This process's rank; it takes unit positions `rank, rank + worldSize, ...`. */
  rank: number;
  /** Number of ranks sharing the task. */
  worldSize: number;
  /** Record failures and go on (SKIP_ERR=1). */
  skipErr: boolean;
  /** Do not retry failures recorded by earlier runs. */
  keepFailed: boolean;
  /** Units in flight at once (API models: `--api-nproc`). */
  concurrency?: number;
  /** When to empty the GPU cache: after every unit (VLMEvalKit) or only after failures. */
  emptyCache?: "always" | "on-failure";
  /** GPU synchronize and cache release: after each failure, and after every unit under `always`. */
  gpu: GpuHooks;
  /** Receives one-line warnings (recorded failures, cleanup errors). */
  warn: (message: string) => void;
  /** Reports units as they finish; default none. */
  progress?: Progress;
  /**
   * Passed to `generate`; once aborted, no new unit starts (`stopped.reason` `aborted`), and a
   * unit in flight that then fails is dropped, not recorded: it runs again on resume.
   */
  signal?: AbortSignal;
  /**
   * Failures recorded at or after this time (ms since the epoch) count as finished: a restarted
   * worker does not retry what its supervisor recorded in this run (a sample that crashed the
   * process again and again). Default: none do.
   */
  since?: number;
  /** Hears each unit's indices when it starts and when it ends (the supervisor's crash count). */
  inFlight?: { start(indices: string[]): void; end(indices: string[]): void };
  /**
   * When recorded failures (under `skipErr`, and a served model's failed answers) stop the
   * shard (`stopped.reason` `failures`); default never.
   */
  failurePolicy?: FailurePolicy;
  /** Runs once the model is built, before the first sample is journaled. */
  beforeFirstSample?: () => Promise<void>;
}

/** How one rank's inference ended. */
export interface ShardSummary {
  /** Units this rank owns. */
  units: number;
  /** Units answered by this run (successes and recorded failures). */
  done: number;
  /** Units whose answers came from an earlier run's journal. */
  reused: number;
  /** Units that failed in this run. */
  failed: number;
  /** Units in flight when the run was interrupted, dropped unrecorded (they run again). */
  dropped: number;
  /** Milliseconds spent. */
  elapsedMs: number;
  /** Why the shard stopped early, if it did (`failures`: see `ShardOptions.failurePolicy`). */
  stopped?: {
    reason: "error" | "sticky" | "aborted" | "failures";
    error?: unknown;
    key?: string;
    /** For `failures`: the counts and the last failure. */
    message?: string;
  };
  /** What this run's calls cost, when the model reports it (served models). */
  usage?: UsageSummary;
  /** A served model's concurrency limit: its lowest, and where it ended. */
  concurrency?: { lowest: number; last: number };
}

/** Longest stretch of units run without giving the event loop a turn, in milliseconds. */
const YIELD_EVERY_MS = 20;

/**
 * Unit positions owned by `rank` of `worldSize`: `rank, rank + W, rank + 2W, ...`, made as they
 * are taken (a 100k-unit shard is never an array).
 */
export function* shardPositions(
  unitCount: number,
  rank: number,
  worldSize: number,
): Generator<number> {
  for (let p = rank; p < unitCount; p += worldSize) yield p;
}

/**
 * Runs inference over this rank's shard. Every finished unit is journaled at once; units
 * finished by earlier runs (of any world size) are reused, failed ones retried unless
 * `keepFailed`. Never throws for a sample's failure: the summary says why it stopped.
 */
export async function runShard(opts: ShardOptions): Promise<ShardSummary> {
  const started = performance.now();
  const { task, rank, worldSize } = opts;
  const journals = readJournals(opts.journalDir, task.indexKeys);
  const unreadable = unreadableLinesWarning(journals, task.name);
  if (unreadable && rank === 0) opts.warn(unreadable);
  const previous = journals.records;
  const finished = (outcome: JournalOutcome | undefined) =>
    isFinished(outcome, opts.keepFailed) ||
    (outcome !== undefined && opts.since !== undefined && outcome.time >= opts.since);
  // The units still to run; of those finished before, the ones whose answers hold a failure
  // the user chose to keep (they count against the failure policy).
  // Positions in a typed array: 4 bytes a unit, where a list of numbers grew by copies.
  const units = Math.max(0, Math.ceil((task.unitCount - rank) / worldSize));
  const todo = new Uint32Array(units);
  let count = 0;
  let keptFailures = 0;
  for (const p of shardPositions(task.unitCount, rank, worldSize)) {
    const indices = task.unitIndices(p);
    if (!indices.every((i) => finished(previous.outcome(i)))) todo[count++] = p;
    else if (indices.some((i) => !previous.outcome(i)?.ok)) keptFailures++;
  }
  const pending = todo.subarray(0, count);
  const summary: ShardSummary = {
    units,
    done: 0,
    reused: units - pending.length,
    failed: 0,
    dropped: 0,
    elapsedMs: 0,
  };
  opts.progress?.start(units, summary.reused);
  if (pending.length === 0) {
    opts.progress?.stop();
    summary.elapsedMs = performance.now() - started;
    return summary;
  }

  let model;
  try {
    model = await opts.getModel();
    if (task.packed && !model.supportsPack) {
      throw new UnsupportedPackError(
        `Cannot run ${task.name} in pack mode as model ${model.name} cannot answer packed ` +
          `prompts; drop _pack / --pack`,
      );
    }
    await opts.beforeFirstSample?.();
  } catch (err) {
    // The bar (or the supervisor's view of this rank) must not outlive a model that never ran.
    opts.progress?.stop();
    throw err;
  }
  // Media for the coming units is prepared in parallel, this rank's share of the cores.
  task.prefetch?.(pending, { concurrency: prefetchConcurrency(worldSize), signal: opts.signal });
  const journal = JournalWriter.open(opts.journalDir, rank, worldSize);
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const shard: ShardRun = {
    journal,
    summary,
    watch: new FailureWatch(opts.failurePolicy ?? {}, units, keptFailures),
    usages: new UsageTally(),
  };
  let next = 0;
  let yielded = performance.now();
  const worker = async () => {
    while (!summary.stopped && next < pending.length) {
      // A unit whose work is all synchronous (rows read with sync calls, a model that answers
      // at once) never gives the event loop a turn: signals (Ctrl-C), timers and messages
      // would wait for the whole shard. One macrotask turn every 20 ms keeps them served.
      if (performance.now() - yielded > YIELD_EVERY_MS) {
        // A timer, not setImmediate: that one costs less than a timer's 2 ms but leaves signal
        // listeners (Ctrl-C) unserved for hundreds of milliseconds (measured for issue 19).
        await new Promise((resolve) => setTimeout(resolve, 0));
        yielded = performance.now();
        // Other workers (concurrency > 1) may have taken the last units meanwhile.
        if (summary.stopped || next >= pending.length) return;
      }
      if (opts.signal?.aborted) {
        summary.stopped ??= { reason: "aborted" };
        return;
      }
      const position = pending[next++];
      await runOneUnit(position, opts, model, shard);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
  } finally {
    journal.close();
    opts.progress?.stop();
  }
  summary.elapsedMs = performance.now() - started;
  summary.usage = shard.usages.summary();
  if (shard.usages.concurrency) summary.concurrency = shard.usages.concurrency;
  return summary;
}

/**
 * Media preparations one rank runs at once: `VLMEVAL_MEDIA_WORKERS` when set, else this
 * machine's cores shared among the ranks (at least 1).
 */
export function prefetchConcurrency(worldSize: number): number {
  let set = Number.NaN;
  try {
    set = Number(Deno.env.get("VLMEVAL_MEDIA_WORKERS"));
  } catch {
    // no --allow-env: the default
  }
  if (Number.isInteger(set) && set >= 1) return set;
  return Math.max(1, Math.floor(navigator.hardwareConcurrency / Math.max(1, worldSize)));
}

/** What the units of one shard share while it runs. */
interface ShardRun {
  journal: JournalWriter;
  summary: ShardSummary;
  /** Counts failures against the shard's failure policy. */
  watch: FailureWatch;
  /** What the calls of this run cost. */
  usages: UsageTally;
}

/** Counts a finished unit against the failure policy; stops the shard when it says so. */
function watchFailures(shard: ShardRun, failure: string | undefined): void {
  const stop = shard.watch.record(failure);
  if (stop) shard.summary.stopped ??= { reason: "failures", message: stop.message };
}

/** Where one unit is in its run: what a failure is recorded against. */
interface UnitRun {
  position: number;
  started: number;
  unit?: EvalUnit;
  stage: "prompt" | "generate" | "parse";
}

/** One unit inside the failure guard: prompt, generate, parse, then journal the outcome. */
async function runOneUnit(
  position: number,
  opts: ShardOptions,
  model: VisionLanguageModel,
  shard: ShardRun,
): Promise<void> {
  const run: UnitRun = { position, started: performance.now(), stage: "prompt" };
  const indices = opts.task.unitIndices(position);
  opts.inFlight?.start(indices);
  try {
    await runUnitInFlight(run, opts, model, shard);
  } finally {
    opts.inFlight?.end(indices);
  }
}

async function runUnitInFlight(
  run: UnitRun,
  opts: ShardOptions,
  model: VisionLanguageModel,
  shard: ShardRun,
): Promise<void> {
  const { journal, summary } = shard;
  const { position } = run;
  let results: Map<string, ParsedPrediction>;
  let usage: CallUsage | undefined;
  try {
    run.unit = await opts.task.unitAt(position);
    const message = await run.unit.buildPrompt();
    run.stage = "generate";
    const answer = await model.generate(message, {
      dataset: opts.task.name,
      index: run.unit.key,
      signal: opts.signal,
      onUsage: (u) => void (usage = u),
    });
    run.stage = "parse";
    results = run.unit.parseAnswer(String(answer));
  } catch (err) {
    if (opts.signal?.aborted) {
      // Interrupted: whatever this unit threw after the stop was asked for (the abort itself,
      // most likely) is not its answer. It is dropped and runs again on resume.
      summary.dropped++;
      return;
    }
    await recordFailure(err, run, opts, model, shard);
    return;
  }
  shard.usages.add(usage);
  let failure: string | undefined;
  for (const [index, parsed] of results) {
    const ok = parsed.ok && !isFailure(parsed.prediction);
    if (!ok) failure ??= parsed.prediction;
    const record: Omit<JournalRecord, "rank" | "worldSize" | "time"> = {
      index,
      prediction: parsed.prediction,
      ok,
      ms: performance.now() - run.started,
    };
    if (!ok) {
      record.stage = "parse";
      record.errorType = parsed.errorType ?? "ModelReportedFailure";
    }
    // A pack's one call is kept once, with its first question, so sums count it once.
    if (usage) {
      const { concurrency: _, ...spent } = usage;
      record.usage = spent;
      usage = undefined;
    }
    journal.append(record);
  }
  const anyFailed = failure !== undefined;
  summary.done++;
  if (anyFailed) summary.failed++;
  opts.progress?.tick({ failed: anyFailed });
  watchFailures(shard, failure);
  if (opts.emptyCache === "always") {
    const sticky = await releaseAfterUnit(model, opts.gpu, opts.warn);
    if (sticky) {
      journal.sync();
      summary.stopped ??= { reason: "sticky", error: sticky, key: run.unit!.key };
    }
  }
}

/**
 * A unit that threw: journals the failure for each of its indices, cleans up the GPU and the
 * model's caches, and decides (`decideOnFailure`) whether the shard goes on or stops.
 */
async function recordFailure(
  err: unknown,
  run: UnitRun,
  opts: ShardOptions,
  model: VisionLanguageModel,
  shard: ShardRun,
): Promise<void> {
  const { journal, summary } = shard;
  const { unit, stage } = run;
  const key = unit?.key ?? opts.task.unitIndices(run.position).join(",");
  const indices = unit?.indices ?? opts.task.unitIndices(run.position);
  const prediction = failurePrediction(err);
  for (const index of indices) {
    journal.append({
      index,
      prediction,
      ok: false,
      stage,
      errorType: errorTypeName(err),
      ms: performance.now() - run.started,
    });
  }
  summary.failed++;
  opts.progress?.tick({ failed: true });
  let decision = decideOnFailure(err, opts.skipErr);
  let cause = err;
  if (decision !== "stop-sticky") {
    const sticky = await recoverAfterFailure(model, opts.gpu, opts.warn);
    if (sticky) {
      decision = "stop-sticky";
      cause = sticky;
    }
  }
  if (decision === "continue") {
    // Recorded and skipped: this run is done with it (a failure that stops the run is not).
    summary.done++;
    opts.warn(
      `Failed on ${opts.task.name} sample ${key} (${stage}), recorded and skipped: ${prediction}`,
    );
    watchFailures(shard, prediction);
    return;
  }
  journal.sync();
  summary.stopped ??= {
    reason: decision === "stop-sticky" ? "sticky" : "error",
    error: cause,
    key,
  };
}
