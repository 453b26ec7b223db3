import cliProgress from "cli-progress";
import process from "node:process";
import { type SyncWriter, writeAllSync } from "@vlmeval/internal";
import { type MergedProgress, ProgressAggregator } from "../ranks/progress_aggregator.ts";
import type { ProgressReport } from "../ranks/progress_marker.ts";

/** Progress reporting for a shard: a bar on a terminal, periodic lines otherwise. */
export interface Progress {
  /** Called once: units in the shard, and how many earlier runs already finished. */
  start(total: number, alreadyDone: number): void;
  /** One more unit finished; `failed` when it was recorded as a failure. */
  tick(info: { failed: boolean }): void;
  /** The shard has ended, complete or not. */
  stop(): void;
}

/** A progress reporter that prints nothing (tests, quiet mode). */
export const SILENT_PROGRESS: Progress = { start() {}, tick() {}, stop() {} };

export type { SyncWriter } from "@vlmeval/internal";

/** Seconds as `42s`, `3m05s` or `2h07m`; `--` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "--";
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
}

/** The plain progress line: `label: 150/300 (45.1/s, ETA 3s, failed 0)`. */
export function progressLine(
  label: string,
  p: { count: number; total: number; ratePerS: number; etaS?: number; failed: number },
): string {
  return `${label}: ${p.count}/${p.total} (${p.ratePerS.toFixed(1)}/s, ETA ${
    formatDuration(p.etaS)
  }, failed ${p.failed})`;
}

/**
 * A progress bar with rate and ETA on stderr. Without a terminal it prints a plain line with
 * rate and ETA every 10% (and at the end), so logs under Slurm or CI stay readable.
 */
export function createProgress(label: string): Progress {
  const tty = Deno.stderr.isTerminal();
  let failed = 0;
  let bar: cliProgress.SingleBar | undefined;
  let total = 0;
  let value = 0;
  let fresh = 0;
  let started = 0;
  let lastReported = -1;
  return {
    start(t, already) {
      total = t;
      value = already;
      started = performance.now();
      if (tty) {
        bar = new cliProgress.SingleBar({
          format: `${label} |{bar}| {value}/{total} {rate}/s ETA {eta_formatted} failed {failed}`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 50,
        }, cliProgress.Presets.shades_classic);
        bar.start(total, already, { rate: "0.0", failed: 0 });
      } else {
        console.error(`${label}: ${total} samples, ${already} already done`);
      }
    },
    tick(info) {
      value++;
      fresh++;
      if (info.failed) failed++;
      const seconds = (performance.now() - started) / 1000;
      const ratePerS = seconds > 0 ? fresh / seconds : 0;
      if (bar) {
        bar.update(value, { rate: ratePerS.toFixed(1), failed });
      } else {
        const decile = Math.floor((value / Math.max(total, 1)) * 10);
        if (decile !== lastReported && (decile > 0 || value === total)) {
          lastReported = decile;
          const etaS = value >= total ? 0 : ratePerS > 0 ? (total - value) / ratePerS : undefined;
          console.error(progressLine(label, { count: value, total, ratePerS, etaS, failed }));
        }
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** The `--nproc` supervisor's display of its workers' progress (see {@linkcode createMergedProgress}). */
export interface MergedProgressDisplay {
  /** Takes in one worker's report and shows the change. */
  report(report: ProgressReport): void;
  /** Writes ordinary output (whole lines) to `out` without garbling the bars. */
  write(out: SyncWriter, text: string): void;
  /** Ends the display; a task that did not complete gets a last line with its state. */
  stop(): void;
}

/** Settings of {@linkcode createMergedProgress}. */
export interface MergedProgressOptions {
  /** Draw bars (redrawn in place) instead of plain lines; default: stderr is a terminal. */
  tty?: boolean;
  /** Where the display goes; default stderr. */
  err?: SyncWriter;
  /** Milliseconds clock (tests). */
  now?: () => number;
  /** Terminal width; default the console's. */
  columns?: () => number;
}

interface TaskView {
  /** The "N samples on W ranks" line was printed (plain lines). */
  announced: boolean;
  /** Last 10% step printed (plain lines). */
  decile: number;
  /** The completion line was printed. */
  finished: boolean;
}

const BAR_WIDTH = 30;
const REDRAW_MS = 100;

/**
 * One progress display per task for all `worldSize` ranks, fed with the workers' reports:
 * summed count over summed total, rate, failures, and the ETA once every rank has reported its
 * shard. On a terminal each running task has a bar, redrawn at most every 100 ms below the
 * ordinary output; otherwise a task prints a line when every rank has reported, one every 10%
 * with rate and ETA, and one when it completes.
 */
export function createMergedProgress(
  worldSize: number,
  opts: MergedProgressOptions = {},
): MergedProgressDisplay {
  const tty = opts.tty ?? Deno.stderr.isTerminal();
  const err = opts.err ?? Deno.stderr;
  const now = opts.now ?? (() => performance.now());
  const columns = opts.columns ?? consoleColumns;
  const aggregator = new ProgressAggregator(worldSize, now);
  const views = new Map<string, TaskView>();
  let drawnLines = 0;
  let lastDraw = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const print = (out: SyncWriter, text: string) => writeAllSync(out, encoder.encode(text));
  const erase = () => {
    if (drawnLines === 0) return;
    print(err, "\r\x1b[2K" + "\x1b[1A\x1b[2K".repeat(drawnLines - 1));
    drawnLines = 0;
  };
  const draw = () => {
    clearTimeout(timer);
    timer = undefined;
    lastDraw = now();
    const cols = columns();
    const width = Math.max(20, (cols > 0 ? cols : 80) - 1);
    const lines = aggregator.all().filter((p) => !views.get(p.task)?.finished)
      .map((p) => barLine(p).slice(0, width));
    erase();
    if (lines.length > 0) print(err, lines.join("\n"));
    drawnLines = lines.length;
  };
  const scheduleDraw = () => {
    if (timer !== undefined) return;
    const wait = lastDraw + REDRAW_MS - now();
    if (wait <= 0) return draw();
    const t = setTimeout(draw, wait);
    Deno.unrefTimer(t);
    timer = t;
  };
  const above = (line: string) => {
    erase();
    print(err, line + "\n");
  };

  return {
    report(report) {
      const p = aggregator.add(report);
      if (!p) return;
      let view = views.get(p.task);
      if (!view) views.set(p.task, view = { announced: false, decile: 0, finished: false });
      if (p.complete) {
        if (!view.finished) {
          view.finished = true;
          if (tty) above(doneLine(p));
          else print(err, doneLine(p) + "\n");
          if (tty) draw();
        }
        return;
      }
      view.finished = false;
      if (tty) return scheduleDraw();
      if (p.reportedRanks < worldSize) return;
      const decile = Math.floor((p.count / Math.max(p.total, 1)) * 10);
      if (!view.announced) {
        view.announced = true;
        view.decile = decile;
        print(
          err,
          `${p.task}: ${p.total} samples on ${worldSize} ranks, ${p.reused} already done\n`,
        );
      } else if (decile > view.decile && p.count < p.total) {
        view.decile = decile;
        print(err, progressLine(p.task, p) + "\n");
      }
    },
    write(out, text) {
      if (!tty || drawnLines === 0) return print(out, text);
      erase();
      print(out, text);
      draw();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      erase();
      for (const p of aggregator.all()) {
        if (views.get(p.task)?.finished) continue;
        views.get(p.task)!.finished = true;
        print(err, `${progressLine(p.task, p)} when the run ended${ranksNote(p)}\n`);
      }
    },
  };
}

function ranksNote(p: MergedProgress): string {
  return p.reportedRanks < p.worldSize
    ? ` (${p.reportedRanks} of ${p.worldSize} ranks reported)`
    : "";
}

function barLine(p: MergedProgress): string {
  const filled = Math.round(BAR_WIDTH * Math.min(1, p.count / Math.max(p.total, 1)));
  const bar = "\u2588".repeat(filled) + "\u2591".repeat(BAR_WIDTH - filled);
  return `${p.task} |${bar}| ${p.count}/${p.total} ${p.ratePerS.toFixed(1)}/s ETA ${
    formatDuration(p.etaS)
  } failed ${p.failed}${ranksNote(p)}`;
}

function doneLine(p: MergedProgress): string {
  return `${p.task}: ${p.count}/${p.total} on ${p.worldSize} ranks in ${
    formatDuration(p.elapsedS)
  } (${p.ratePerS.toFixed(1)}/s, failed ${p.failed})`;
}

function consoleColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80;
  }
}

const encoder = new TextEncoder();
