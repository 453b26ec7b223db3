import { join, resolve } from "node:path";
import { DatasetNotFoundError } from "./errors.ts";

/** Options of {@linkcode resolveDatasetPath}; each defaults to the environment. */
export interface ResolveDatasetPathOptions {
  /** The data root to use. @default `$LMUData` when that folder exists, else `<home>/LMUData` */
  dataRoot?: string;
  /** Home folder for the fallback root. @default `$HOME` */
  home?: string;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * VLMEvalKit's data root: `$LMUData` if set and an existing folder, else `<home>/LMUData`.
 *
 * @throws {DatasetNotFoundError} when neither `$LMUData` nor a home folder is known.
 */
export async function lmuDataRoot(opts: ResolveDatasetPathOptions = {}): Promise<string> {
  if (opts.dataRoot !== undefined) return resolve(opts.dataRoot);
  const fromEnv = Deno.env.get("LMUData");
  if (fromEnv && await isDirectory(fromEnv)) return resolve(fromEnv);
  const home = opts.home ?? Deno.env.get("HOME");
  if (!home) {
    throw new DatasetNotFoundError(
      "Cannot find the data root as neither $LMUData (an existing folder) nor $HOME is set",
      [],
    );
  }
  return join(resolve(home), "LMUData");
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
    : [join(root, `${nameOrPath}.tsv`), join(root, nameOrPath, `${nameOrPath}.tsv`)];
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  let hint = isPath
    ? "no such file"
    : "no such file in the data root (set $LMUData to an existing folder, or pass a path to a .tsv)";
  const fromEnv = Deno.env.get("LMUData");
  if (!isPath && opts.dataRoot === undefined && fromEnv && !await isDirectory(fromEnv)) {
    hint += `; $LMUData="${fromEnv}" was ignored as it is not an existing folder`;
  }
  throw new DatasetNotFoundError(
    `Cannot find dataset "${nameOrPath}": looked at ${candidates.join(", ")}: ${hint}`,
    candidates,
  );
}
