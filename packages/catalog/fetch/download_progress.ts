import { formatBytes } from "@vlmeval/internal";

/** What a download reports while it runs. */
export interface DownloadProgress {
  /** A transfer begins: `from` bytes are already on disk (a resumed download). */
  start(label: string, total: number | undefined, from: number): void;
  /** `bytes` of the file are on disk now (the resumed part included). */
  advance(bytes: number): void;
  /** A line to show above the bar (a retry, a warning). */
  note(line: string): void;
  /** The transfer ended (done or failed); the bar is cleared or closed with a summary. */
  finish(ok: boolean): void;
}

/** Options of {@linkcode createDownloadProgress}. */
export interface DownloadProgressOptions {
  /** Draw a live bar (`\r` redraws) instead of plain lines. @default stderr is a terminal */
  tty?: boolean;
  /** Show only notes and failures. */
  quiet?: boolean;
  /** Where text goes. @default stderr */
  write?: (text: string) => void;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const encoder = new TextEncoder();

/**
 * A progress display for downloads on stderr: on a terminal one redrawn line with bytes,
 * percentage, rate and ETA; elsewhere (logs, CI, Slurm output files) a plain line at the start,
 * at every 10% (or every 30 s when the size is unknown) and at the end.
 */
export function createDownloadProgress(options: DownloadProgressOptions = {}): DownloadProgress {
  const tty = options.tty ?? Deno.stderr.isTerminal();
  const write = options.write ??
    ((text: string) => void Deno.stderr.writeSync(encoder.encode(text)));
  const now = options.now ?? Date.now;
  let label = "";
  let total: number | undefined;
  let from = 0;
  let bytes = 0;
  let started = 0;
  let lastDraw = 0;
  let nextStep = 0;
  let drawn = false;

  const line = () => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? (bytes - from) / elapsed : 0;
    const size = total !== undefined
      ? `${formatBytes(bytes)} / ${formatBytes(total)} ${(100 * bytes / total).toFixed(0)}%`
      : formatBytes(bytes);
    const eta = total !== undefined && rate > 0
      ? `, ETA ${formatSeconds((total - bytes) / rate)}`
      : "";
    return `${label}: ${size}, ${formatBytes(rate)}/s${eta}`;
  };
  const clear = () => {
    if (drawn) write("\r\x1b[2K");
    drawn = false;
  };
  return {
    start(name, size, offset) {
      label = name;
      total = size;
      from = bytes = offset;
      started = lastDraw = now();
      nextStep = 0.1;
      if (options.quiet) return;
      const resumed = offset > 0 ? `, resuming at ${formatBytes(offset)}` : "";
      if (!tty) {
        write(
          `${name}: downloading${size !== undefined ? ` ${formatBytes(size)}` : ""}${resumed}\n`,
        );
      }
    },
    advance(n) {
      bytes = n;
      if (options.quiet) return;
      const t = now();
      if (tty) {
        if (t - lastDraw < 100) return;
        lastDraw = t;
        write(`\r\x1b[2K${line()}`);
        drawn = true;
      } else if (total !== undefined ? bytes / total >= nextStep : t - lastDraw >= 30_000) {
        if (total !== undefined) {
          while (bytes / total >= nextStep) nextStep += 0.1;
        }
        lastDraw = t;
        write(`${line()}\n`);
      }
    },
    note(text) {
      clear();
      write(`${text}\n`);
    },
    finish(ok) {
      clear();
      if (options.quiet || !ok) return;
      const seconds = (now() - started) / 1000;
      const rate = seconds > 0 ? `, ${formatBytes((bytes - from) / seconds)}/s` : "";
      write(`${label}: ${formatBytes(bytes)} in ${seconds.toFixed(1)} s${rate}\n`);
    },
  };
}
