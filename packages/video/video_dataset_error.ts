import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";

/**
 * A video dataset file that cannot be used: the message names the file and, where known, the
 * row (1-based line of the TSV) and the field.
 */
export class VideoDatasetError extends Error {
  /** A malformed video dataset ends the run with exit code 4. */
  readonly exitCode: ExitCode = EXIT_CODES.badInput;
  /** The dataset file (absolute, when `openVideoDataset` raises it). */
  readonly file: string;
  /** 1-based line of the TSV, if the problem is in a row. */
  readonly line?: number;
  /** The column, if the problem is in one field. */
  readonly field?: string;

  /** `problem` completes "Cannot read video dataset <file> as ..."; `where` locates it. */
  constructor(
    file: string,
    problem: string,
    where: { line?: number; field?: string } = {},
    options?: ErrorOptions,
  ) {
    const at = [
      where.line === undefined ? "" : ` line ${where.line}`,
      where.field === undefined ? "" : ` field "${where.field}"`,
    ].join("");
    super(`Cannot read video dataset ${file}${at} as ${problem}`, options);
    this.name = "VideoDatasetError";
    this.file = file;
    this.line = where.line;
    this.field = where.field;
  }
}
