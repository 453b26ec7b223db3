import cliProgress from "cli-progress";
import process from "node:process";

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
 * `label`, cut in the middle (`…`) to at most `room` characters: a long task name gives way
 * before the count, rate, ETA or failures would.
 */
export function fitLabel(label: string, room: number): string {
  if (label.length <= room) return label;
  if (room <= 1) return label.slice(0, Math.max(0, room));
  const head = Math.ceil((room - 1) / 2);
  return `${label.slice(0, head)}\u2026${label.slice(label.length - (room - 1 - head))}`;
}

/**
 * A bar line `label |bar| tail` that fits `columns - 1` characters: the tail (count, rate, ETA,
 * failures) whole, a bar of 10 to 30 characters, and the label shortened to what is left.
 */
export function fitBarLine(label: string, tail: string, columns: number): string {
  const width = Math.max(20, (columns > 0 ? columns : 80) - 1);
  const bar = Math.max(10, Math.min(30, width - tail.length - label.length - 4));
  return `${fitLabel(label, Math.max(8, width - tail.length - bar - 4))} |${"{bar}"}| ${tail}`
    .replace("{bar}", "\0".repeat(bar));
}

/** The width of the terminal on stderr, 80 when it cannot be known. */
export function consoleColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80;
  }
}

/**
 * A progress bar with rate and ETA on stderr. Without a terminal it prints a plain line with
 * rate and ETA every 10% (and at the end), so logs under Slurm or CI stay readable. The ETA is
 * `--` until a sample has finished; at any terminal width the count, rate, ETA and failures
 * are shown whole and a long label is shortened instead.
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
        // The widest tail the run can show, so the line never outgrows the terminal.
        const widest = `${total}/${total} 9999.9/s ETA 99h59m failed ${total}`;
        const line = fitBarLine(label, widest, consoleColumns());
        const barsize = line.split("\0").length - 1;
        const shown = line.slice(0, line.indexOf(" |"));
        bar = new cliProgress.SingleBar({
          format: `${shown} |{bar}| {value}/{total} {rate}/s ETA {etaText} failed {failed}`,
          stream: process.stderr,
          hideCursor: true,
          barsize,
          linewrap: false,
        }, cliProgress.Presets.shades_classic);
        bar.start(total, already, { rate: "0.0", failed: 0, etaText: "--" });
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
        const etaS = value >= total ? 0 : ratePerS > 0 ? (total - value) / ratePerS : undefined;
        bar.update(value, { rate: ratePerS.toFixed(1), failed, etaText: formatDuration(etaS) });
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
