import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";

/** A benchmark name that is neither in the catalog nor an alias of one. */
export class UnknownBenchmarkError extends Error {
  /** The error's name. */
  override name = "UnknownBenchmarkError";
  /** Exit code {@linkcode EXIT_CODES}.usage. */
  readonly exitCode: ExitCode = EXIT_CODES.usage;
  /** Catalog names close to the one asked for. */
  readonly suggestions: string[];

  /** Says which name is unknown and which catalog names are close. */
  constructor(asked: string, suggestions: string[]) {
    super(
      `Cannot find benchmark "${asked}" in the catalog` +
        (suggestions.length ? `: did you mean ${suggestions.join(", ")}?` : "") +
        ` (vlmeval datasets lists every name; a local TSV is given by its path)`,
    );
    this.suggestions = suggestions;
  }
}

/**
 * A file that could not be downloaded: an HTTP status that retrying cannot change, or every
 * attempt failed (the message names the URL, the attempts and the last reason).
 */
export class DatasetDownloadError extends Error {
  /** The error's name. */
  override name = "DatasetDownloadError";
  /** Exit code {@linkcode EXIT_CODES}.missingPrerequisite. */
  readonly exitCode: ExitCode = EXIT_CODES.missingPrerequisite;
  /** The URL asked (after `VLMEVAL_DATA_MIRROR` / `HF_ENDPOINT`). */
  readonly url: string;
  /** The last HTTP status, when a server answered. */
  readonly status?: number;

  /** Wraps the reason, keeping the URL and the status. */
  constructor(message: string, url: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.url = url;
    this.status = status;
  }
}

/** A downloaded file whose checksum is not the catalog's; nothing is left under its name. */
export class ChecksumMismatchError extends Error {
  /** The error's name. */
  override name = "ChecksumMismatchError";
  /** Exit code {@linkcode EXIT_CODES}.badInput. */
  readonly exitCode: ExitCode = EXIT_CODES.badInput;
  /** The final path nothing was kept under. */
  readonly path: string;
  /** `md5`, `sha256` or `git-sha1`. */
  readonly algorithm: string;
  /** The digest expected. */
  readonly expected: string;
  /** The digest of the download. */
  readonly actual: string;

  /** Names the file, the URL and both digests. */
  constructor(path: string, algorithm: string, expected: string, actual: string, url: string) {
    super(
      `Cannot use the download of ${url} as ${path}: its ${algorithm.toUpperCase()} is ` +
        `${actual}, the catalog expects ${expected}; nothing was kept under ${path} (the server ` +
        `may hold another version of the file: a mirror out of date, or a changed upstream file)`,
    );
    this.path = path;
    this.algorithm = algorithm;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A benchmark archive or source file that cannot be unpacked into the expected layout. */
export class DatasetLayoutError extends Error {
  /** The error's name. */
  override name = "DatasetLayoutError";
  /** Exit code {@linkcode EXIT_CODES}.badInput. */
  readonly exitCode: ExitCode = EXIT_CODES.badInput;
  /** The file at fault. */
  readonly path: string;

  /** The message names the file and the member or row. */
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}
