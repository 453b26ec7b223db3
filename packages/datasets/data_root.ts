import { join, resolve } from "node:path";
import { DatasetNotFoundError } from "./errors.ts";

/** Options of {@linkcode lmuDataRoot}; each defaults to the environment. */
export interface DataRootOptions {
  /** Use this folder. @default `$LMUData` when that folder exists, else `<home>/LMUData` */
  dataRoot?: string;
  /** Home folder for the fallback root. @default `$HOME` */
  home?: string;
  /** Environment to read `LMUData` and `HOME` from. @default the process environment */
  env?: Record<string, string | undefined>;
  /**
   * Create the folder (fetching): a `$LMUData` that does not exist yet is created and used,
   * where VLMEvalKit would silently fall back to `~/LMUData`. Without it the rule is
   * VLMEvalKit's: `$LMUData` when it is an existing folder.
   */
  create?: boolean;
}

async function isDirectory(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isDirectory, () => false);
}

/**
 * VLMEvalKit's data root (`LMUDataRoot`): `$LMUData` if set and an existing folder, else
 * `<home>/LMUData`. Benchmarks are fetched into it (`@vlmeval/catalog`, with `create`) and
 * looked up in it by name ({@linkcode resolveDatasetPath}).
 *
 * @throws {DatasetNotFoundError} when neither `$LMUData` nor a home folder is known.
 */
export async function lmuDataRoot(options: DataRootOptions = {}): Promise<string> {
  const env = options.env ?? Deno.env.toObject();
  let root: string;
  if (options.dataRoot !== undefined) {
    root = resolve(options.dataRoot);
  } else if (env.LMUData && (options.create || await isDirectory(env.LMUData))) {
    root = resolve(env.LMUData);
  } else if (options.home ?? env.HOME) {
    root = join(resolve(options.home ?? env.HOME!), "LMUData");
  } else {
    throw new DatasetNotFoundError(
      `Cannot find the data root as neither $LMUData${
        options.create ? "" : " (an existing folder)"
      } nor $HOME is set: set LMUData to a folder`,
      [],
    );
  }
  if (options.create) await Deno.mkdir(root, { recursive: true });
  return root;
}

/**
 * Where a benchmark's TSV sits under the data root, as VLMEvalKit lays it out:
 * `<root>/<name>.tsv`, or for a video benchmark, fetched with its `video/` folder,
 * `<root>/<name>/<name>.tsv`.
 */
export function dataRootTsvPath(
  root: string,
  name: string,
  options: { video?: boolean } = {},
): string {
  return options.video ? join(root, name, `${name}.tsv`) : join(root, `${name}.tsv`);
}

/**
 * The `$LMUData` that {@linkcode lmuDataRoot} passed over (set, but not an existing folder,
 * and no `dataRoot` given), for messages that say why a name was not found; else undefined.
 */
export async function ignoredLmuData(options: DataRootOptions = {}): Promise<string | undefined> {
  const fromEnv = (options.env ?? Deno.env.toObject()).LMUData;
  if (options.dataRoot !== undefined || options.create || !fromEnv) return undefined;
  return await isDirectory(fromEnv) ? undefined : fromEnv;
}
