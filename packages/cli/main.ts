/**
 * The `vlmeval` command line.
 *
 *   deno task eval [options]        evaluate (no options: the embedded default)
 *   deno task eval status           what this machine offers: CUDA, backends, ffmpeg
 *   deno task eval cache            list or clean the media cache (decoded images, frames)
 *   deno task eval datasets         the benchmark catalog and what is on disk
 *   deno task eval fetch            download benchmarks by name into $LMUData
 *   deno task eval report           one HTML page over a work dir's results
 *   deno task eval summary          the leaderboard as text, CSV or JSON
 *   deno task eval --help
 *
 * @module
 */
import {
  COLLECTION_PACE_ENV,
  parseCollectionPace,
  startPeriodicCollections,
} from "@vlmeval/internal";
import { EXIT_CODES } from "@vlmeval/schema";
import { EVAL_HELP } from "./args.ts";
import { runEvalCommand } from "./run_eval.ts";
import { runStatusCommand } from "./run_status.ts";
import { runCacheCommand } from "./run_cache.ts";
import { runDatasetsCommand } from "./run_datasets.ts";
import { runFetchCommand } from "./run_fetch.ts";
import { runReportCommand } from "./results/run_report.ts";
import { runSummaryCommand } from "./results/run_summary.ts";
import { VERSION } from "./version.ts";

const MAIN_HELP = `vlmeval: evaluate vision-language models on image and video benchmarks

Usage: deno task eval [options]                    run a model over benchmarks and score it
       deno task eval eval [options]               the same
       deno task eval status                       CUDA (native addon), tfjs backends, ffmpeg
       deno task eval cache [--clean] [NAME...]    list or remove decoded images and frames
       deno task eval datasets [--json]            the benchmarks fetched by name, on disk
       deno task eval fetch NAME...                download benchmarks into $LMUData
       deno task eval report [--work-dir D]        one HTML page: leaderboard, samples, failures
       deno task eval summary [--format F]         the leaderboard as text, csv or json
       deno task eval <command> --help
       deno task eval --version

${EVAL_HELP}`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "status") return await runStatusCommand(rest);
  if (first === "eval") return await runEvalCommand(rest);
  if (first === "cache") return await runCacheCommand(rest);
  if (first === "datasets") return await runDatasetsCommand(rest);
  if (first === "fetch") return await runFetchCommand(rest);
  if (first === "report") return await runReportCommand(rest);
  if (first === "summary") return await runSummaryCommand(rest);
  if (first === "help") {
    console.log(MAIN_HELP);
    return EXIT_CODES.ok;
  }
  if (first !== undefined && !first.startsWith("-")) {
    console.error(`vlmeval: unknown command "${first}"; see deno task eval --help`);
    return EXIT_CODES.usage;
  }
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(MAIN_HELP);
    return EXIT_CODES.ok;
  }
  if (argv.includes("--version")) {
    console.log(VERSION);
    return EXIT_CODES.ok;
  }
  return await runEvalCommand(argv);
}

/**
 * Starts the full collections that keep a long run's memory from growing with its rows
 * (`startPeriodicCollections`, with `--expose-gc` in `CLI_V8_FLAGS`); false, having said why, when
 * `VLMEVAL_GC_EVERY_MS` is not a whole number.
 */
function startCollections(): boolean {
  try {
    startPeriodicCollections({ everyMs: parseCollectionPace(Deno.env.get(COLLECTION_PACE_ENV)) });
    return true;
  } catch (error) {
    console.error(`vlmeval: ${(error as Error).message}`);
    return false;
  }
}

if (import.meta.main) {
  Deno.exit(startCollections() ? await main(Deno.args) : EXIT_CODES.usage);
}
