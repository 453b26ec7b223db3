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
