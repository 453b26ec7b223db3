import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatBytes } from "@vlmeval/internal";
import { EXIT_CODES } from "@vlmeval/schema";
import {
  cleanMediaCache,
  listMediaCache,
  mediaCacheDir,
  type MediaCacheEntry,
  MediaCacheNameError,
  selectMediaCache,
} from "@vlmeval/media";
import { parseDatasetName } from "@vlmeval/pipeline";
import { formatTable } from "@vlmeval/report";
import { describeError } from "./errors.ts";

/** `vlmeval cache --help`. */
export const CACHE_HELP =
  `vlmeval cache: list or remove the media cache (decoded images, video frames)

Usage: vlmeval cache [--work-dir DIR] [NAME...]             list the cache, or only NAMEs
       vlmeval cache --clean [--dry-run] NAME...            remove these datasets' media
       vlmeval cache --clean [--dry-run] --all              remove every dataset's media

Images and frames are decoded once into <work-dir>/images/<dataset>/ and reused by later runs
and ranks. A video benchmark's folder is its base name (Shapes_Video for every
Shapes_Video_<N>frame_... setting). Removing a folder only costs the time to decode it again.
Predictions, scores and journals (<work-dir>/<model>/...) are never touched.

Options:
  --work-dir DIR   output root (default ./outputs; $MMEVAL_ROOT overrides, as for eval)
  --clean          remove the named datasets' media (or every dataset's, with --all)
  --all            with --clean: every dataset folder in the cache
  --dry-run        with --clean: show what would be removed, remove nothing
  -h, --help       this text

A dataset whose frames are being extracted right now (a live frame lock of a running eval) is
skipped with a message; run the command again when that run is done.

Exit codes: 0 listed or cleaned (skipped busy datasets included); 2 bad command line, or a
NAME that is path-like or not a dataset folder of the cache (nothing is removed then); 1 a
folder could not be removed (the message says why).`;

interface CacheArgs {
  workDir: string;
  names: string[];
  clean: boolean;
  all: boolean;
  dryRun: boolean;
  help: boolean;
}

function parseCacheArgs(argv: string[], env: Record<string, string | undefined>): CacheArgs {
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "work-dir": { type: "string" },
      clean: { type: "boolean" },
      all: { type: "boolean" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const v = parsed.values;
  const args: CacheArgs = {
    workDir: env.MMEVAL_ROOT || v["work-dir"] || "./outputs",
    names: parsed.positionals,
    clean: v.clean === true,
    all: v.all === true,
    dryRun: v["dry-run"] === true,
    help: v.help === true,
  };
  if (args.help) return args;
  if (!args.clean && (args.all || args.dryRun)) {
    throw new Error(`Cannot use ${args.all ? "--all" : "--dry-run"} without --clean`);
  }
  if (args.clean && args.all && args.names.length > 0) {
    throw new Error("Cannot use --all with dataset names: give one or the other");
  }
  if (args.clean && !args.all && args.names.length === 0) {
    throw new Error("Cannot --clean without saying what: name datasets, or use --all");
  }
  return args;
}

/** One line per dataset folder, then the total; a status column when `status` says anything. */
function table(entries: readonly MediaCacheEntry[], status?: (e: MediaCacheEntry) => string) {
  const rows: (string | number)[][] = entries.map((e) => [e.name, e.files, formatBytes(e.bytes)]);
  const files = entries.reduce((n, e) => n + e.files, 0);
  const bytes = entries.reduce((n, e) => n + e.bytes, 0);
  const count = `${entries.length} dataset${entries.length === 1 ? "" : "s"}`;
  rows.push([`total (${count})`, files, formatBytes(bytes)]);
  const columns = ["dataset", "files", "size"];
  if (status && entries.some((e) => status(e) !== "")) {
    columns.push("status");
    entries.forEach((e, k) => rows[k].push(status(e)));
    rows[rows.length - 1].push("");
  }
  return formatTable(columns, rows, { maxWidth: 80 });
}

const busyText = (e: MediaCacheEntry) =>
  e.activeLocks.length > 0 ? `frames being extracted (${e.activeLocks.length} lock(s))` : "";

/** A video benchmark's setting name (`X_8frame_pack`) keeps its frames under its base name. */
const videoBaseName = (name: string) => parseDatasetName(name).base;

/** `vlmeval cache`: returns the process exit code. */
export async function runCacheCommand(argv: string[]): Promise<number> {
  let args: CacheArgs;
  try {
    args = parseCacheArgs(argv, Deno.env.toObject());
  } catch (err) {
    console.error(`vlmeval cache: ${(err as Error).message}\nSee vlmeval cache --help.`);
    return EXIT_CODES.usage;
  }
  if (args.help) {
    console.log(CACHE_HELP);
    return EXIT_CODES.ok;
  }
  const root = resolve(mediaCacheDir(args.workDir));
  try {
    if (!args.clean) return await list(args, root);
    const outcomes = await cleanMediaCache(args.workDir, {
      names: args.all ? "all" : args.names,
      dryRun: args.dryRun,
      folderOf: videoBaseName,
    });
    if (outcomes.length === 0) {
      console.log(`media cache ${root}: empty, nothing to remove`);
      return EXIT_CODES.ok;
    }
    for (const { entry, action } of outcomes) {
      if (action !== "busy") continue;
      console.error(
        `vlmeval cache: skipped ${entry.name}: frames are being extracted into it right now ` +
          `(${entry.activeLocks[0]}${entry.activeLocks.length > 1 ? ", ..." : ""}); ` +
          `run again when that run is done`,
      );
    }
    const gone = outcomes.filter((o) => o.action !== "busy").map((o) => o.entry);
    if (gone.length === 0) {
      console.log(`media cache ${root}: nothing removed`);
      return EXIT_CODES.ok;
    }
    console.log(`media cache ${root}: ${args.dryRun ? "would remove" : "removed"}:`);
    console.log(table(gone));
    if (args.dryRun) console.log("(dry run: nothing was removed)");
    return EXIT_CODES.ok;
  } catch (err) {
    if (err instanceof MediaCacheNameError) {
      console.error(`vlmeval cache: ${err.message}${args.clean ? "\nNothing was removed." : ""}`);
      return EXIT_CODES.usage;
    }
    console.error(`vlmeval cache: ${describeError(err)}`);
    return EXIT_CODES.sampleFailed;
  }
}

async function list(args: CacheArgs, root: string): Promise<number> {
  const all = await listMediaCache(args.workDir);
  const entries = args.names.length > 0
    ? selectMediaCache(all, args.names, { folderOf: videoBaseName })
    : all;
  if (entries.length === 0) {
    console.log(`media cache ${root}: empty`);
    return EXIT_CODES.ok;
  }
  console.log(`media cache ${root}:`);
  console.log(table(entries, busyText));
  return EXIT_CODES.ok;
}
