import { MalformedFileError } from "./malformed_file_error.ts";

/** Decodes a whole file as UTF-8, refusing invalid bytes. */
export async function readUtf8(path: string): Promise<string> {
  const bytes = await Deno.readFile(path);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new MalformedFileError(`Cannot read ${path} as it is not valid UTF-8`, {
      path,
      cause: error,
    });
  }
}

/**
 * Checks a header: at least one column, no empty or repeated names.
 *
 * @throws {MalformedFileError} Naming the offending column.
 */
export function checkHeader(path: string, columns: readonly string[]): void {
  if (columns.length === 0) {
    throw new MalformedFileError(`Cannot read ${path} as it has no header row`, { path });
  }
  const seen = new Set<string>();
  columns.forEach((name, i) => {
    if (name === "") {
      throw new MalformedFileError(
        `Cannot read ${path} as header column ${i + 1} has no name`,
        { path, column: String(i + 1) },
      );
    }
    if (seen.has(name)) {
      throw new MalformedFileError(
        `Cannot read ${path} as column ${JSON.stringify(name)} appears twice in the header`,
        { path, column: name },
      );
    }
    seen.add(name);
  });
}
