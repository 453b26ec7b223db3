import { parseArgs } from "node:util";
import { writeAllSync } from "@vlmeval/internal";
import { EXIT_CODES } from "@vlmeval/schema";
import {
  problemText,
  scanWorkDir,
  SUMMARY_FORMATS,
  summaryCsv,
  type SummaryFormat,
  summaryJson,
  summaryText,
  WorkDirError,
} from "@vlmeval/viewer";
import { describeError } from "../errors.ts";

/** `vlmeval summary --help`. */
export const SUMMARY_HELP =
  `vlmeval summary: the leaderboard of a work dir, for the terminal or scripts

Usage: vlmeval summary [--work-dir DIR] [--format text|csv|json]

Reads every <model>/ folder of the work dir (status.json, score files, predictions, journals)
and prints each benchmark's primary metric per model, chosen from its score file as
VLMEvalKit's summary does, with the share of samples that recorded a failure:
  text  one line per benchmark, one column per model (default); what is missing or unreadable
        is listed on stderr
  csv   one record per (model, benchmark): model, benchmark, state, metric, value, fail_rate,
        samples, score_file
  json  {work_dir, models, benchmarks, results: [the csv records], problems}

Options:
  --work-dir DIR   the eval output root (default ./outputs; $MMEVAL_ROOT overrides, as for eval)
  --format F       text, csv or json (default text)
  -h, --help       this text

Exit codes: 0 printed, every file found was readable; 4 printed, but some result files could
not be read (named on stderr); 2 bad command line, or a work dir that does not exist or holds
no results.`;

/** `vlmeval summary`: returns the process exit code. */
export async function runSummaryCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "work-dir": { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    console.error(`vlmeval summary: ${(err as Error).message}\nSee vlmeval summary --help.`);
    return EXIT_CODES.usage;
  }
  if (values.help) {
    console.log(SUMMARY_HELP);
    return EXIT_CODES.ok;
  }
  const format = (values.format ?? "text") as SummaryFormat;
  if (!SUMMARY_FORMATS.includes(format)) {
    console.error(
      `vlmeval summary: Cannot print the summary as --format must be one of ` +
        `${SUMMARY_FORMATS.join(", ")}: current value is ${JSON.stringify(values.format)}`,
    );
    return EXIT_CODES.usage;
  }
  const workDir = Deno.env.get("MMEVAL_ROOT") || values["work-dir"] || "./outputs";
  let scan;
  try {
    scan = await scanWorkDir(workDir);
  } catch (err) {
    console.error(`vlmeval summary: ${describeError(err)}`);
    return err instanceof WorkDirError ? EXIT_CODES.usage : EXIT_CODES.sampleFailed;
  }
  const text = format === "csv"
    ? summaryCsv(scan)
    : format === "json"
    ? summaryJson(scan)
    : `${summaryText(scan)}\n`;
  writeAllSync(Deno.stdout, new TextEncoder().encode(text));
  if (format !== "json") {
    for (const problem of scan.problems) console.error(problemText(problem));
  }
  return scan.problems.some((p) => p.severity === "unreadable")
    ? EXIT_CODES.badInput
    : EXIT_CODES.ok;
}
