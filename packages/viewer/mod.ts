/**
 * Results you can look at: a work dir read back (`scanWorkDir`: every model folder's
 * `status.json`, prediction, score and result files and journals, whatever state they are in),
 * its leaderboard (each benchmark's primary metric, chosen as VLMEvalKit's summary chooses it,
 * with failure rates), the same as text, CSV or JSON for `vlmeval summary`, and one
 * self-contained HTML report for `vlmeval report` (leaderboard, per-benchmark tables and
 * charts, a sample browser with filters, failures by error type, memory plots, run facts)
 * that opens from disk with nothing to install or serve.
 *
 * Nothing runs at import.
 *
 * @example Summarise a work dir
 * ```ts ignore
 * import { scanWorkDir, summaryText } from "@vlmeval/viewer";
 * const scan = await scanWorkDir("./outputs");
 * console.log(summaryText(scan));
 * ```
 *
 * @module
 */
export { type ScanOptions, scanWorkDir, WorkDirError } from "./scan/work_dir.ts";
export type {
  DatasetRun,
  JournalSummary,
  MemoryResults,
  ModelRun,
  PrimaryMetric,
  Problem,
  ProblemSeverity,
  RunState,
  SampleTable,
  ScoreContent,
  ScoreFile,
  WorkDirScan,
} from "./scan/types.ts";
export { choosePrimaryKey, flattenScores } from "./scan/primary_metric.ts";
export {
  buildLeaderboard,
  formatRate,
  formatScore,
  type Leaderboard,
  type LeaderboardCell,
} from "./leaderboard.ts";
export {
  problemText,
  SUMMARY_FORMATS,
  summaryCsv,
  type SummaryFormat,
  summaryJson,
  type SummaryRecord,
  summaryRecords,
  summaryText,
} from "./summary.ts";
export {
  renderReport,
  type ReportOptions,
  type ReportSummary,
  writeReport,
} from "./render/page.ts";
export { currentReportFacts, type ReportFacts } from "./render/facts.ts";
export { escapeHtml, scriptSafeJson } from "./render/html.ts";
