/**
 * The `--nproc` supervisor's progress display: one bar (or plain lines) per task for all ranks,
 * fed with the workers' progress markers.
 *
 * @module
 */
import { type SyncWriter, writeAllSync } from "@vlmeval/internal";
import { formatDuration, progressLine } from "../loop/progress.ts";
import { type MergedProgress, ProgressAggregator } from "./progress_aggregator.ts";
import type { ProgressReport } from "./progress_marker.ts";

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
