import type { EvaluateOptions, ScoredRows, ScoreOutputs, TaskScores } from "./score_types.ts";
import { EXACT_MATCHING, judgeFileName, type OpenedJudge, openJudge } from "./judge.ts";

/**
 * The judge of one dataset's scoring (multiple choice or yes/no), opened only when some row
 * needs it: the check request waits for the first question.
 */
export interface ScoringJudge {
  /** The judge's name (`--judge`), or undefined when the heuristics alone score. */
  readonly name: string | undefined;
  /** The result file's name part: `<stem>_<resultName>_result.<fmt>`. */
  readonly resultName: string;
  /** Rows (or question groups) judged at once. */
  readonly concurrency: number;
  /**
   * Opens the judge (cache `<stem>_<judge>_judge.jsonl`), runs `fn`, closes it, and warns about
   * requests that failed after their retries.
   */
  use<T>(fn: (judge: OpenedJudge) => Promise<T>): Promise<T>;
  /** What the judge did, for the job's report; undefined when it was never opened. */
  report(): TaskScores["judge"];
  /**
   * `<rules>`, or `<rules>, then judge <name> (model <id>) for the <judged> <what> it left`, for
   * the metric text.
   */
  extractorText(rules: string, judged: number, what: string): string;
  /**
   * What every scorer with a judge returns besides its table: the counts (`judged` and
   * `judgeFailed` only with a judge), the extractor's name and the judge's report.
   */
  outcome(
    counts: {
      total: number;
      failed: number;
      unresolved: number;
      byMethod: TaskScores["counts"]["byMethod"] & object;
    },
    judged: number,
  ): Pick<TaskScores, "counts" | "extractor" | "judge">;
  /** The per-row file's extra columns: `base`, then `log` (the judge's answers) with a judge. */
  columns(base: string[]): string[];
  /** A row's `log` cell for the per-row file; nothing without a judge. */
  logCell(log: string | undefined): { log?: string };
  /**
   * Writes `<stem>_<resultName>_result.<fmt>`: every row (or `source`'s), the one at position k with `score(k)`'s `extracted`,
   * `method`, `hit` and, with a judge, `log`.
   */
  writeResultFile(
    out: ScoreOutputs,
    score: (position: number) => { extracted: string; method: string; hit: number; log?: string },
    source?: ScoredRows,
  ): Promise<void>;
}

/** The judge `opts.judge` names for dataset `dataset`; none for `exact_matching` or none set. */
export function scoringJudge(dataset: string, opts: EvaluateOptions): ScoringJudge {
  const name = opts.judge && opts.judge.name !== EXACT_MATCHING ? opts.judge.name : undefined;
  let opened: OpenedJudge | undefined;
  return {
    name,
    resultName: name ? judgeFileName(name) : EXACT_MATCHING,
    concurrency: opts.judge?.nproc ?? 4,
    async use(fn) {
      if (!name) throw new Error(`Cannot ask a judge for ${dataset}: none is set`);
      const judge = opened = await openJudge(opts.judge!, {
        dataset,
        cachePath: `${opts.stem}_${judgeFileName(name)}_judge.jsonl`,
        signal: opts.signal,
      });
      try {
        return await fn(judge);
      } finally {
        await judge.close();
        if (judge.stats.apiFailures > 0) {
          opts.warn?.(
            `${dataset}: ${judge.stats.apiFailures} judge requests to ${name} failed ` +
              `after their retries; they are not cached and are asked again on the next run`,
          );
        }
      }
    },
    report() {
      if (!opened) return undefined;
      return {
        name: opened.name,
        model: opened.model,
        cachePath: opened.cachePath,
        ...opened.stats,
      };
    },
    outcome(counts, judged) {
      return {
        counts: {
          total: counts.total,
          failed: counts.failed,
          unresolved: counts.unresolved,
          byMethod: counts.byMethod,
          judged: name ? judged : undefined,
          judgeFailed: name ? counts.byMethod["judge-failed"] : undefined,
        },
        extractor: name ?? EXACT_MATCHING,
        judge: this.report(),
      };
    },
    writeResultFile(out, score, source) {
      return out.perRowFile(
        this.resultName,
        this.columns(["extracted", "method", "hit"]),
        (position) => {
          const r = score(position);
          return {
            extracted: r.extracted,
            method: r.method,
            hit: String(r.hit),
            ...this.logCell(r.log),
          };
        },
        source,
      );
    },
    columns(base) {
      return name ? [...base, "log"] : base;
    },
    logCell(log) {
      return name ? { log: log ?? "" } : {};
    },
    extractorText(rules, judged, what) {
      if (!name) return rules;
      const model = opened ? ` (model ${opened.model})` : "";
      return `${rules}, then judge ${name}${model} for the ${judged} ${what} it left`;
    },
  };
}

/** `option 5, text 1, judge 2`: the methods that decided at least one row. */
export function methodText(byMethod: Readonly<Record<string, number>>): string {
  const parts = Object.entries(byMethod).filter(([, n]) => n > 0).map(([m, n]) => `${m} ${n}`);
  return parts.length ? parts.join(", ") : "none";
}
