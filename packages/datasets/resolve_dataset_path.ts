import { resolve } from "node:path";
import { type DataRootOptions, dataRootTsvPath, ignoredLmuData, lmuDataRoot } from "./data_root.ts";
import { DatasetNotFoundError } from "./errors.ts";

/** Options of {@linkcode resolveDatasetPath}: where the data root is (see `lmuDataRoot`). */
export type ResolveDatasetPathOptions = Omit<DataRootOptions, "create">;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * Finds a benchmark TSV. A value ending in `.tsv` or containing `/` is a path (relative to the
 * working directory); a bare NAME means `<data root>/<NAME>.tsv`, else `<data root>/<NAME>/<NAME>.tsv`
 * (a video benchmark fetched with its `video/` folder; see {@linkcode lmuDataRoot}).
 *
 * @throws {DatasetNotFoundError} listing every path it looked at.
 *
 * @example Resolve a name
 * ```ts ignore
 * import { resolveDatasetPath } from "@vlmeval/datasets";
 * await resolveDatasetPath("MMBench_DEV_EN"); // "/home/me/LMUData/MMBench_DEV_EN.tsv"
 * ```
 */
export async function resolveDatasetPath(
  nameOrPath: string,
  opts: ResolveDatasetPathOptions = {},
): Promise<string> {
  if (nameOrPath.trim() === "") {
    throw new DatasetNotFoundError("Cannot find a dataset as the name is empty", []);
  }
  const isPath = nameOrPath.toLowerCase().endsWith(".tsv") || nameOrPath.includes("/");
  const root = isPath ? "" : await lmuDataRoot(opts);
  // A fetched video benchmark keeps its TSV beside its video/ folder: <root>/<NAME>/<NAME>.tsv.
  const candidates = isPath
    ? [resolve(nameOrPath)]
    : [dataRootTsvPath(root, nameOrPath), dataRootTsvPath(root, nameOrPath, { video: true })];
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  let hint = isPath
    ? "no such file"
    : "no such file in the data root (set $LMUData to an existing folder, or pass a path to a .tsv)";
  const ignored = isPath ? undefined : await ignoredLmuData(opts);
  if (ignored !== undefined) {
    hint += `; $LMUData="${ignored}" was ignored as it is not an existing folder`;
  }
  throw new DatasetNotFoundError(
    `Cannot find dataset "${nameOrPath}": looked at ${candidates.join(", ")}: ${hint}`,
    candidates,
  );
}
