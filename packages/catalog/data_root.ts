import { join, resolve } from "node:path";

/** Options of {@linkcode dataRoot}. */
export interface DataRootOptions {
  /** Use this folder. @default `$LMUData`, else `<home>/LMUData` */
  dataRoot?: string;
  /** Environment to read `LMUData` and `HOME` from. @default the process environment */
  env?: Record<string, string | undefined>;
  /**
   * Create the folder (fetching): a `$LMUData` that does not exist yet is created and used,
   * where VLMEvalKit would silently fall back to `~/LMUData`. Without it the rule is
   * VLMEvalKit's (and `resolveDatasetPath`'s): `$LMUData` when it is an existing folder.
   */
  create?: boolean;
}

async function isDirectory(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isDirectory, () => false);
}

/**
 * The data root benchmarks are fetched into and looked up in: `$LMUData`, else `<home>/LMUData`
 * (VLMEvalKit's `LMUDataRoot`, the same folder `@vlmeval/datasets` resolves names in).
 *
 * @throws {TypeError} when neither `$LMUData` nor a home folder is known
 */
export async function dataRoot(options: DataRootOptions = {}): Promise<string> {
  const env = options.env ?? Deno.env.toObject();
  let root: string;
  if (options.dataRoot !== undefined) {
    root = resolve(options.dataRoot);
  } else if (env.LMUData && (options.create || await isDirectory(env.LMUData))) {
    root = resolve(env.LMUData);
  } else if (env.HOME) {
    root = join(resolve(env.HOME), "LMUData");
  } else {
    throw new TypeError(
      "Cannot find the data root as neither $LMUData nor $HOME is set: set LMUData to a folder",
    );
  }
  if (options.create) await Deno.mkdir(root, { recursive: true });
  return root;
}
