import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";

/** Where in a dataset file a problem sits. Every field but `file` is optional. */
export interface DatasetLocation {
  /** The dataset file (as given to `openImageDataset`). */
  file: string;
  /** 1-based physical line where the row starts (the header is line 1). */
  line?: number;
  /** The row's `index` cell, when it could be read. */
  index?: string;
  /** The column the problem is in. */
  field?: string;
}

/** `"<file>" line 5 (index "3") field "image"`, leaving out what is unknown. */
export function describeLocation(at: DatasetLocation): string {
  let text = `"${at.file}"`;
  if (at.line !== undefined) text += ` line ${at.line}`;
  if (at.index !== undefined) text += ` (index "${at.index}")`;
  if (at.field !== undefined) text += ` field "${at.field}"`;
  return text;
}

/** A problem at a place in a dataset file: the fields every dataset error carries. */
export class DatasetLocationError extends Error {
  /** The dataset file. */
  readonly file: string;
  /** 1-based physical line of the row, if the problem is in a row. */
  readonly line?: number;
  /** The row's `index`, if known. */
  readonly index?: string;
  /** The column, if the problem is in one field. */
  readonly field?: string;

  /** `message` should already name the location (see {@linkcode describeLocation}). */
  constructor(message: string, at: DatasetLocation, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.file = at.file;
    this.line = at.line;
    this.index = at.index;
    this.field = at.field;
  }
}

/**
 * The dataset file is malformed (bad header, wrong field count, duplicate index, dangling image
 * reference, unsafe `image_path`, ...). Raised by `openImageDataset` before any row is used.
 * The run exits with `EXIT_CODES.badInput` (4).
 *
 * @example Catch a malformed file
 * ```ts ignore
 * try {
 *   await openImageDataset("bad.tsv");
 * } catch (error) {
 *   if (error instanceof DatasetFormatError) console.error(error.line, error.field, error.message);
 * }
 * ```
 */
export class DatasetFormatError extends DatasetLocationError {
  /** A malformed dataset file ends the run with exit code 4. */
  readonly exitCode: ExitCode = EXIT_CODES.badInput;
}

/**
 * One sample's input cannot be used (bad base64, unknown image format, missing image file).
 * Raised by `ImageDataset.buildPrompt`; the caller records it as that sample's failure and goes on.
 */
export class SampleInputError extends DatasetLocationError {}

/** A dataset name or path did not lead to a file. `searched` lists every path tried. */
export class DatasetNotFoundError extends Error {
  /** A dataset that cannot be found ends the run with exit code 4. */
  readonly exitCode: ExitCode = EXIT_CODES.badInput;
  /** Paths that were looked at, in order. */
  readonly searched: readonly string[];

  /** Builds the error from a message and the paths tried. */
  constructor(message: string, searched: readonly string[], options?: ErrorOptions) {
    super(message, options);
    this.name = "DatasetNotFoundError";
    this.searched = searched;
  }
}
