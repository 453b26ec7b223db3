/**
 * Sums the {@linkcode ProgressReport}s of every rank into one progress figure per task, for the
 * `--nproc` supervisor's display.
 *
 * @module
 */
import type { ProgressReport } from "./progress_marker.ts";

/** One task's progress over every rank. */
export interface MergedProgress {
  /** The task, as the ranks report it (e.g. `ShapesVLM/Shapes_MCQ`). */
  task: string;
  /** Ranks in the run. */
  worldSize: number;
  /** Ranks that have reported their shard size. */
  reportedRanks: number;
  /** Units over the reported ranks' shards (the task's size once every rank has reported). */
  total: number;
  /** Units finished, over the reported ranks. */
  count: number;
  /** Units already finished when each rank first reported (by earlier runs). */
  reused: number;
  /** Units that failed in the ranks' latest attempts. */
  failed: number;
  /** Units per second finished since the first report of the task (reused ones not counted). */
  ratePerS: number;
  /** Seconds left at that rate: only once every rank has reported and something was done. */
  etaS?: number;
  /** Seconds since the first report of the task. */
  elapsedS: number;
  /** Every rank has reported and every rank's latest attempt has stopped. */
  complete: boolean;
}

interface RankState {
  /** The latest report: a restarted worker's report replaces its predecessor's. */
  latest: ProgressReport;
  /** Units finished when the rank first reported, so the rate counts only new work. */
  baseline: number;
}

interface TaskState {
  firstSeenMs: number;
  ranks: Map<number, RankState>;
}

/**
 * The progress of each task over `worldSize` ranks. Each rank's latest report replaces its
 * previous one, so a restarted worker that reports its shard again is not counted twice (its
 * earlier work comes back as `already`).
 */
export class ProgressAggregator {
  /** Ranks in the run; reports of other ranks are ignored. */
  readonly worldSize: number;
  #now: () => number;
  #tasks = new Map<string, TaskState>();

  /** `now`: a milliseconds clock (tests). */
  constructor(worldSize: number, now: () => number = () => performance.now()) {
    this.worldSize = worldSize;
    this.#now = now;
  }

  /** Takes one report in; returns its task's merged progress, or `undefined` for a report of
   * a rank outside the run. */
  add(report: ProgressReport): MergedProgress | undefined {
    if (!Number.isInteger(report.rank) || report.rank < 0 || report.rank >= this.worldSize) {
      return undefined;
    }
    let task = this.#tasks.get(report.task);
    if (!task) {
      task = { firstSeenMs: this.#now(), ranks: new Map() };
      this.#tasks.set(report.task, task);
    }
    const known = task.ranks.get(report.rank);
    task.ranks.set(report.rank, {
      latest: report,
      baseline: known?.baseline ?? report.already + report.done,
    });
    return this.get(report.task);
  }

  /** A task's merged progress, `undefined` before any report of it. */
  get(name: string): MergedProgress | undefined {
    const task = this.#tasks.get(name);
    if (!task) return undefined;
    let total = 0, count = 0, reused = 0, failed = 0, fresh = 0, allFinal = true;
    for (const { latest, baseline } of task.ranks.values()) {
      total += latest.total;
      count += latest.already + latest.done;
      reused += baseline;
      failed += latest.failed;
      fresh += Math.max(0, latest.already + latest.done - baseline);
      allFinal &&= latest.final;
    }
    const elapsedS = (this.#now() - task.firstSeenMs) / 1000;
    const ratePerS = elapsedS > 0 ? fresh / elapsedS : 0;
    const allReported = task.ranks.size === this.worldSize;
    const merged: MergedProgress = {
      task: name,
      worldSize: this.worldSize,
      reportedRanks: task.ranks.size,
      total,
      count,
      reused,
      failed,
      ratePerS,
      elapsedS,
      complete: allReported && allFinal,
    };
    if (allReported && (count >= total || ratePerS > 0)) {
      merged.etaS = count >= total ? 0 : (total - count) / ratePerS;
    }
    return merged;
  }

  /** Every task's merged progress, in the order they were first reported. */
  all(): MergedProgress[] {
    return [...this.#tasks.keys()].map((name) => this.get(name)!);
  }
}
