/**
 * The progress protocol between `--nproc` workers and their supervisor: a worker writes one
 * marker line to stderr for each progress report ({@linkcode encodeProgressMarker}); the
 * supervisor takes marker lines out of the worker's output ({@linkcode MarkerLineFilter}) and
 * never prints them. A marker is {@linkcode PROGRESS_MARKER} followed by one JSON object.
 *
 * @module
 */
import { writeAllSync } from "@vlmeval/internal";
import type { Progress } from "../loop/progress.ts";

/** Starts every marker line: an ASCII record separator and a name no log line begins with. */
export const PROGRESS_MARKER = "\x1evlmeval-progress ";

/**
 * Set to `"1"` by the supervisor in a worker's environment when it reads the worker's output
 * (and so can take the markers out); a worker reports progress as markers only then.
 */
export const PROGRESS_MARKERS_ENV = "VLMEVAL_PROGRESS_MARKERS";

/** One rank's progress on one task, as a worker reports it. Counts are in units (samples). */
export interface ProgressReport {
  /** The task, the same on every rank, e.g. `ShapesVLM/Shapes_MCQ`. */
  task: string;
  /** The reporting worker's global rank. */
  rank: number;
  /** Units in this rank's shard. */
  total: number;
  /** Units finished by earlier runs (or attempts) when this attempt started. */
  already: number;
  /** Units finished by this attempt, failed ones included. */
  done: number;
  /** Units of this attempt that failed. */
  failed: number;
  /** This attempt has stopped working on the shard (finished, or stopped early). */
  final: boolean;
}

/** The marker line (with its newline) for `report`. */
export function encodeProgressMarker(report: ProgressReport): string {
  const { task, rank, total, already, done, failed, final } = report;
  return PROGRESS_MARKER + JSON.stringify({ task, rank, total, already, done, failed, final }) +
    "\n";
}

const COUNTS = ["rank", "total", "already", "done", "failed"] as const;

/**
 * The report in a marker line (its newline, if any, removed), or `undefined` when the line is
 * not a well-formed marker.
 */
export function parseProgressMarker(line: string): ProgressReport | undefined {
  if (!line.startsWith(PROGRESS_MARKER)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(PROGRESS_MARKER.length));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.task !== "string" || typeof v.final !== "boolean") return undefined;
  for (const key of COUNTS) {
    const n = v[key];
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return undefined;
  }
  const report = v as unknown as ProgressReport;
  if (report.already + report.done > report.total || report.failed > report.done) {
    return undefined;
  }
  const { task, rank, total, already, done, failed, final } = report;
  return { task, rank, total, already, done, failed, final };
}

/**
 * Splits a worker's output stream into lines and takes the marker lines out: each well-formed
 * marker goes to `onReport`, a malformed one is dropped, and every other line is returned. A
 * marker written after a partial line (no newline yet) still counts: the text before it is
 * returned as a line of its own. Chunks may split lines, markers and UTF-8 sequences anywhere.
 */
export class MarkerLineFilter {
  #decoder = new TextDecoder();
  #pending = "";
  #onReport: (report: ProgressReport) => void;

  /** `onReport` receives each well-formed marker's report, in stream order. */
  constructor(onReport: (report: ProgressReport) => void) {
    this.#onReport = onReport;
  }

  /** The ordinary lines completed by `chunk`, without their newlines. */
  push(chunk: Uint8Array): string[] {
    this.#pending += this.#decoder.decode(chunk, { stream: true });
    const lines = this.#pending.split("\n");
    this.#pending = lines.pop()!;
    return lines.flatMap((line) => this.#take(line));
  }

  /** At the end of the stream: the last line, if it has no newline and is not a marker. */
  end(): string[] {
    const rest = this.#pending + this.#decoder.decode();
    this.#pending = "";
    return rest === "" ? [] : this.#take(rest);
  }

  #take(line: string): string[] {
    const at = line.indexOf(PROGRESS_MARKER);
    if (at < 0) return [line];
    const report = parseProgressMarker(line.slice(at));
    if (report) this.#onReport(report);
    return at > 0 ? [line.slice(0, at)] : [];
  }
}

/** Settings of {@linkcode createMarkerProgress}. */
export interface MarkerProgressOptions {
  /** Writes one marker line; default: synchronously to stderr. */
  write?: (line: string) => void;
  /**
   * Least milliseconds between two markers for ticks; the start, the last unit and the stop
   * are always reported.
   * @default {100}
   */
  intervalMs?: number;
  /** Milliseconds clock (tests). */
  now?: () => number;
}

/**
 * The {@linkcode Progress} of a supervised worker: it draws nothing and reports each change as
 * a marker line for the supervisor's merged display.
 */
export function createMarkerProgress(
  task: string,
  rank: number,
  opts: MarkerProgressOptions = {},
): Progress {
  const write = opts.write ?? writeStderr;
  const now = opts.now ?? (() => performance.now());
  const intervalMs = opts.intervalMs ?? 100;
  const report: ProgressReport = {
    task,
    rank,
    total: 0,
    already: 0,
    done: 0,
    failed: 0,
    final: false,
  };
  let last = -Infinity;
  let active = false;
  const send = () => {
    last = now();
    write(encodeProgressMarker(report));
  };
  return {
    start(total, already) {
      Object.assign(report, { total, already, done: 0, failed: 0, final: false });
      active = true;
      send();
    },
    tick(info) {
      report.done++;
      if (info.failed) report.failed++;
      if (report.already + report.done >= report.total || now() - last >= intervalMs) send();
    },
    stop() {
      if (!active) return;
      active = false;
      report.final = true;
      send();
    },
  };
}

const encoder = new TextEncoder();

function writeStderr(line: string): void {
  writeAllSync(Deno.stderr, encoder.encode(line));
}
