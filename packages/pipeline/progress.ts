import cliProgress from "cli-progress";
import process from "node:process";

/** Progress reporting for a shard: a bar on a terminal, periodic lines otherwise. */
export interface Progress {
  start(total: number, alreadyDone: number): void;
  tick(info: { failed: boolean }): void;
  stop(): void;
}

/** A progress reporter that prints nothing (tests, quiet mode). */
export const SILENT_PROGRESS: Progress = { start() {}, tick() {}, stop() {} };

/**
 * A progress bar with rate and ETA on stderr. Without a terminal it prints a plain line every
 * 10% (and at the end), so logs under Slurm or CI stay readable.
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
      const rate = seconds > 0 ? (fresh / seconds).toFixed(1) : "0.0";
      if (bar) {
        bar.update(value, { rate, failed });
      } else {
        const decile = Math.floor((value / Math.max(total, 1)) * 10);
        if (decile !== lastReported && (decile > 0 || value === total)) {
          lastReported = decile;
          console.error(`${label}: ${value}/${total} (${rate}/s, failed ${failed})`);
        }
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
