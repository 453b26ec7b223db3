/**
 * The `vlmeval` command line.
 *
 *   deno task eval [options]        evaluate (no options: the embedded default)
 *   deno run ... main.ts status     what this machine offers: CUDA, backends, ffmpeg
 *   deno run ... main.ts cache      list or clean the media cache (decoded images, frames)
 *   deno run ... main.ts datasets   the benchmark catalog and what is on disk
 *   deno run ... main.ts fetch      download benchmarks by name into $LMUData
 *   deno run ... main.ts report     one HTML page over a work dir's results
 *   deno run ... main.ts summary    the leaderboard as text, CSV or JSON
 *   deno run ... main.ts --help
 *
 * @module
 */
import { EXIT_CODES } from "@vlmeval/schema";
import { EVAL_HELP } from "./args.ts";
import { runEvalCommand } from "./run_eval.ts";
import { runStatusCommand } from "./run_status.ts";
import { runCacheCommand } from "./run_cache.ts";
import { runDatasetsCommand } from "./run_datasets.ts";
import { runFetchCommand } from "./run_fetch.ts";
import { runReportCommand } from "./results/run_report.ts";
import { runSummaryCommand } from "./results/run_summary.ts";

const MAIN_HELP = `vlmeval: evaluate vision-language models on image and video benchmarks

Usage: deno task eval [options]          run a model over benchmarks and score it
       vlmeval eval [options]            the same
       vlmeval status                    CUDA (native addon), tfjs backends, ffmpeg
       vlmeval cache [--clean] [NAME...] list or remove decoded images and video frames
       vlmeval datasets [--json]         the benchmarks fetched by name, and what is on disk
       vlmeval fetch NAME...             download benchmarks into $LMUData
       vlmeval report [--work-dir D]     one HTML page: leaderboard, samples, failures, facts
       vlmeval summary [--format F]      the leaderboard as text, csv or json
       vlmeval <command> --help

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
    console.error(`vlmeval: unknown command "${first}"; see --help`);
    return EXIT_CODES.usage;
  }
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(MAIN_HELP);
    return EXIT_CODES.ok;
  }
  return await runEvalCommand(argv);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
