import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { EXIT_CODES } from "@vlmeval/schema";
import {
  currentReportFacts,
  problemText,
  scanWorkDir,
  WorkDirError,
  writeReport,
} from "@vlmeval/viewer";
import { formatBytes } from "@vlmeval/internal";
import { describeError } from "../errors.ts";

/** `vlmeval report --help`. */
export const REPORT_HELP = `vlmeval report: one HTML page over a work dir's results

Usage: vlmeval report [--work-dir DIR] [--out FILE] [--inline-images N] [--memory DIR]

Writes a single self-contained HTML file (style and script inlined, nothing loaded from the
network; open it from disk in any browser) with:
  - the leaderboard: models by benchmarks, each benchmark's primary metric (chosen from its
    score file as VLMEvalKit's summary does), sortable, with failure rates;
  - per benchmark: every score file's table across models (splits, categories, judge scores)
    and video rating dimensions, with bar charts;
  - a sample browser: thumbnails or sampled frames, question, options, answer, each model's
    prediction, extracted answer, hit, scoring method and failure text; filters (wrong, right,
    failed, category, two models that answer differently) and text search, 50 rows a page;
  - failures grouped by error type, with counts and the first samples of each;
  - the memory benchmark's plots, when its results are found;
  - run facts from each status.json and the journals (command line, backend, world size,
    times, outcomes and errors).
A work dir with partial or broken results still renders: the page says what is missing or
unreadable (a benchmark still running, a missing score file, a corrupt xlsx).

Options:
  --work-dir DIR       the eval output root (default ./outputs; $MMEVAL_ROOT overrides, as for eval)
  --out FILE           where to write the page (default <work-dir>/report.html)
  --inline-images N    rows per benchmark whose images or frames are inlined as thumbnails
                       (default 200); later rows link to <work-dir>/images/, which shows while
                       the page stays beside the work dir
  --memory DIR         the memory benchmark's results (default <work-dir>/memory, when present)
  -h, --help           this text

Exit codes: 0 written, every file found was readable (missing or running benchmarks are
listed); 4 written, but some result files could not be read (named on stderr and in the page);
2 bad command line, or a work dir that does not exist or holds no results; 1 the page could
not be written.`;

interface ReportArgs {
  workDir: string;
  out?: string;
  inlineImages: number;
  memory?: string;
  help: boolean;
}

function parseReportArgs(argv: string[], env: Record<string, string | undefined>): ReportArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      "work-dir": { type: "string" },
      out: { type: "string" },
      "inline-images": { type: "string" },
      memory: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const inline = values["inline-images"] ?? "200";
  if (!/^\d+$/.test(inline)) {
    throw new Error(
      `Cannot use --inline-images as it must be a whole number: current value is ${
        JSON.stringify(inline)
      }`,
    );
  }
  return {
    workDir: env.MMEVAL_ROOT || values["work-dir"] || "./outputs",
    out: values.out,
    inlineImages: Number(inline),
    memory: values.memory,
    help: values.help === true,
  };
}

/** `vlmeval report`: returns the process exit code. */
export async function runReportCommand(argv: string[]): Promise<number> {
  let args: ReportArgs;
  try {
    args = parseReportArgs(argv, Deno.env.toObject());
  } catch (err) {
    console.error(`vlmeval report: ${(err as Error).message}\nSee vlmeval report --help.`);
    return EXIT_CODES.usage;
  }
  if (args.help) {
    console.log(REPORT_HELP);
    return EXIT_CODES.ok;
  }
  const out = resolve(args.out ?? join(args.workDir, "report.html"));
  const outInfo = await Deno.stat(out).catch(() => undefined);
  if (outInfo?.isDirectory) {
    console.error(
      `vlmeval report: Cannot write the report as --out names a folder: current value is ${
        JSON.stringify(out)
      }`,
    );
    return EXIT_CODES.usage;
  }
  let scan;
  try {
    scan = await scanWorkDir(args.workDir, { rows: true, memoryDir: args.memory });
  } catch (err) {
    console.error(`vlmeval report: ${describeError(err)}`);
    return err instanceof WorkDirError ? EXIT_CODES.usage : EXIT_CODES.sampleFailed;
  }
  let written;
  try {
    written = await writeReport(scan, {
      outFile: out,
      facts: await currentReportFacts(),
      inlineImages: args.inlineImages,
    });
  } catch (err) {
    console.error(`vlmeval report: Cannot write ${out}: ${describeError(err)}`);
    return EXIT_CODES.sampleFailed;
  }
  for (const problem of scan.problems) console.error(`vlmeval report: ${problemText(problem)}`);
  const unreadable = scan.problems.filter((p) => p.severity === "unreadable").length;
  const missing = scan.problems.length - unreadable;
  console.log(
    `report: ${written.path} (${formatBytes(written.bytes)}, ${scan.models.length} model(s), ` +
      `${scan.benchmarks.length} benchmark(s), ${written.thumbnails} thumbnail(s); ` +
      `${missing} missing, ${unreadable} unreadable)`,
  );
  return unreadable > 0 ? EXIT_CODES.badInput : EXIT_CODES.ok;
}
