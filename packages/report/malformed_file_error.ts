import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";

/** Where in a file a problem was found. */
export interface MalformedFileErrorOptions extends ErrorOptions {
  /** The file that could not be read. */
  path: string;
  /** 1-based data row (header excluded), when the problem lies in one row. */
  row?: number;
  /** Column name (or a spreadsheet letter when the column has no name). */
  column?: string;
}

/**
 * A prediction file that cannot be read as a table: torn, hand-edited or not what its
 * extension says. The message names the file, row and column; the fields repeat them.
 *
 * @example
 * ```ts
 * import { MalformedFileError, readPredictions } from "@vlmeval/report";
 * try {
 *   await readPredictions("old.tsv");
 * } catch (error) {
 *   if (!(error instanceof MalformedFileError)) throw error;
 *   console.warn(`Ignoring ${error.path}: ${error.message}`);
 * }
 * ```
 */
export class MalformedFileError extends Error {
  /** A malformed prediction file ends the run with exit code 4. */
  readonly exitCode: ExitCode = EXIT_CODES.badInput;
  /** The file that could not be read. */
  readonly path: string;
  /** 1-based data row (header excluded), if known. */
  readonly row?: number;
  /** Column name or letter, if known. */
  readonly column?: string;

  /** `message` names the file and, where known, the row and column; `cause` is kept. */
  constructor(message: string, options: MalformedFileErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MalformedFileError";
    this.path = options.path;
    this.row = options.row;
    this.column = options.column;
  }
}
