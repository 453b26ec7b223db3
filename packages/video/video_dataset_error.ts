/**
 * A video dataset file that cannot be used: the message names the file and, where known, the
 * row (1-based line of the TSV) and the field.
 */
export class VideoDatasetError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;

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
