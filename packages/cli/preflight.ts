/**
 * What `vlmeval eval` checks before anything starts, so that a bad command line costs seconds
 * and leaves nothing behind: model and benchmark names (with the closest names suggested) and
 * whether the folder results go to can be written.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { closestNames } from "@vlmeval/internal";
import { EXIT_CODES } from "@vlmeval/schema";
import { findBenchmark, listBenchmarks } from "@vlmeval/catalog";
import { listModels, runsInProcess } from "@vlmeval/models";

/** A Hugging Face repository id, `owner/name`, as VLMEvalKit takes one. */
const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;
import { bundledTaskNames, findTaskFile, type OpenTaskOptions } from "@vlmeval/pipeline";

/** A problem found before the run: its message and exit code. */
export interface PreflightProblem {
  /** One or more lines for the user. */
  message: string;
  /** The exit code it stands for. */
  exitCode: number;
}

function didYouMean(names: string[]): string {
  return names.length ? `; did you mean ${names.map((n) => `"${n}"`).join(", ")}?` : "";
}

/**
 * Model names that can be built: a built-in one, a Hugging Face model (a known name, a model
 * folder, a repository id `owner/name`), or any name with an endpoint (`--base-url`,
 * `$OPENAI_API_BASE`). An unknown name is a usage error (exit 2) naming the closest built-in
 * names.
 */
export function checkModelNames(
  models: readonly string[],
  baseUrl: string | undefined,
): PreflightProblem | undefined {
  if (baseUrl) return undefined;
  const known = listModels().map((m) => m.name);
  for (const name of models) {
    if (runsInProcess(name) || REPO_ID.test(name)) continue;
    return {
      exitCode: EXIT_CODES.usage,
      message: `Cannot build model "${name}" as it is not built in${
        didYouMean(closestNames(name, known))
      } (built in: ${known.join(", ")}); to evaluate a served model pass --base-url`,
    };
  }
  return undefined;
}

/**
 * Every `--data` value names a benchmark that can be opened: one of `open.benchmarks` (a
 * `--config` entry, a catalog file's), a benchmark of VLMEvalKit's catalog (fetched into the
 * data root when missing), a bundled one, a name under `$LMUData` or a path to a file. A path
 * that does not exist, or a name that is none of these, is a usage error (exit 2) with the
 * closest names; a catalog video benchmark named without a frame setting is a usage error
 * saying how to name one.
 */
export async function checkDataNames(
  data: readonly string[],
  open: OpenTaskOptions,
): Promise<PreflightProblem | undefined> {
  for (const value of data) {
    if (open.benchmarks?.has(value)) continue;
    const found = await findTaskFile(value, open);
    const entry = findBenchmark(found.video ? found.base : value);
    if (!found.video && entry?.kind === "video") {
      return {
        exitCode: EXIT_CODES.usage,
        message: `Cannot run "${value}" as it is a video benchmark and no frame setting was ` +
          `given: name one, e.g. ${value}_8frame or ${value}_1fps (add _pack for pack mode), ` +
          `or pass --nframe N / --fps F`,
      };
    }
    if (!("missing" in found)) continue;
    const looked = `looked at ${found.missing.join(", ")}`;
    if (found.isPath) {
      return {
        exitCode: EXIT_CODES.usage,
        message: `Cannot find benchmark file "${found.base}": ${looked}: no such file`,
      };
    }
    // A catalog benchmark that is not there yet is fetched when the run opens it.
    if (entry) continue;
    const names = [
      ...bundledTaskNames(),
      ...listBenchmarks().flatMap((b) => [b.name, ...(b.aliases ?? [])]),
    ];
    return {
      exitCode: EXIT_CODES.usage,
      message: `Cannot find benchmark "${value}": it is not bundled, not under $LMUData ` +
        `(${looked}) and not in the catalog${didYouMean(closestNames(found.base, names))}. ` +
        `Bundled: ${bundledTaskNames().join(", ")} (video: Shapes_Video_<N>frame or _<F>fps, ` +
        `_pack for pack mode); \`deno task eval datasets\` lists the catalog; a local TSV is ` +
        `given by its path`,
    };
  }
  return undefined;
}

/**
 * The folder the run writes into can be written: created when missing (and removed again
 * when this check made it), then a probe file written and removed. A read-only folder is a
 * usage error (exit 2) that says what to pass instead.
 */
export async function checkWritable(
  dir: string,
  flag: string,
  hint: string,
): Promise<PreflightProblem | undefined> {
  const made = await topmostMissing(dir);
  const probe = `${dir}/.vlmeval-write-check-${Deno.pid}`;
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
    return undefined;
  } catch (err) {
    return {
      exitCode: EXIT_CODES.usage,
      message: `Cannot write results into ${flag} ${dir} as ${whyNotWritable(err)}: nothing ` +
        `was run. ${hint}`,
    };
  } finally {
    if (made !== undefined) await Deno.remove(made, { recursive: true }).catch(() => {});
  }
}

/** Why a folder cannot be written, in words (the OS error's text as a last resort). */
function whyNotWritable(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/read-only file system/i.test(message)) return "it is on a read-only file system";
  if (err instanceof Deno.errors.PermissionDenied) return "this user may not write there";
  if (err instanceof Deno.errors.NotADirectory) return "a file stands where a folder should be";
  if (/no space left/i.test(message)) return "its disk is full";
  return message;
}

/** The outermost folder of `dir`'s path that does not exist yet (what a mkdir -p would make). */
async function topmostMissing(dir: string): Promise<string | undefined> {
  let missing: string | undefined;
  let current = resolve(dir);
  while (true) {
    try {
      await Deno.stat(current);
      return missing;
    } catch {
      missing = current;
    }
    const parent = dirname(current);
    if (parent === current) return missing;
    current = parent;
  }
}
