import { looksLikeList, parsePythonStringList } from "@vlmeval/datasets";
import {
  readPredictions,
  type ScoreTable,
  writePredictions,
  writeScoreFile,
} from "@vlmeval/report";
import {
  isCircularDataset,
  judgeMcq,
  judgeMcqCircular,
  MCQ_EXTRACTION_VERSION,
  type McqMethod,
  scoreMcq,
  scoreMcqCircular,
  scoreVqa,
  scoreYesNo,
} from "@vlmeval/scoring";
import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "./eval_task.ts";
import {
  EXACT_MATCHING,
  judgeFileName,
  type JudgeSettings,
  type JudgeStats,
  type OpenedJudge,
  openJudge,
} from "./judge.ts";

/** Scores of one prediction file, and the files written. */
export interface TaskScores {
  /** What `overall` measures, e.g. `accuracy (exact matching, vlmevalkit-e8e78f05)`. */
  metric: string;
  /** Overall score: a fraction for multiple choice, a percentage for yes/no and VQA. */
  overall: number;
  /** The score table as written to the score file. */
  table: ScoreTable;
  /**
   * Rows scored (questions, for a circular benchmark), recorded failures among them, and answers
   * no extraction rule could read (VLMEvalKit would ask its judge; always 0 for VQA).
   */
  counts: {
    total: number;
    failed: number;
    unresolved: number;
    /** Multiple choice: rows per extraction method (every rotation, for a circular benchmark). */
    byMethod?: Record<McqMethod, number>;
    /** Multiple choice with a judge: rows (or question groups) the judge was asked about. */
    judged?: number;
    /** Multiple choice with a judge: rows the judge placed in no option (scored as `Z`). */
    judgeFailed?: number;
  };
  /**
   * Multiple choice: who read the letters, `exact_matching` (the heuristics alone) or the name
   * of the judge that read what the heuristics left.
   */
  extractor?: string;
  /** Multiple choice with a judge that was needed: what it was asked, and its cache file. */
  judge?: { name: string; model: string; cachePath: string } & JudgeStats;
  /** Paths of the files written: the score tables, then the per-row result file. */
  files: string[];
}

/** Where score files go and in which formats. */
export interface EvaluateOptions {
  /** `<work-dir>/<model>/<model>_<dataset>`: score files are `<stem>_acc.csv` etc. */
  stem: string;
  /** Format of the per-row result file (`<stem>_exact_matching_result.<format>`). */
  format: "xlsx" | "tsv" | "json";
  /** Format of the score tables (`<stem>_acc.<evalFormat>`, ...). */
  evalFormat: "csv" | "json";
  /**
   * Multiple choice: the LLM judge asked about the rows no heuristic placed (VLMEvalKit's
   * `--judge`); absent or named `exact_matching`: the heuristics alone.
   */
  judge?: JudgeSettings;
  /** Receives one-line warnings (judge requests that failed after their retries). */
  warn?: (message: string) => void;
}

/**
 * Scores predictions (a prediction file, or the rows just merged) by the task's kind:
 * multiple choice writes `<stem>_acc.<csv|json>` (accuracy per split and category, fractions)
 * and `<stem>_exact_matching_result.<fmt>` (every row with `extracted`, `method` and `hit`);
 * a circular benchmark (VLMEvalKit's name rule: MMBench, CCBench, ...) is scored per question
 * group, and its result file holds the main rows with the group's `hit` and a `log`.
 * With `opts.judge`, what the heuristics left unplaced goes to the judge (answers cached in
 * `<stem>_<judge>_judge.jsonl`), and the per-row file is `<stem>_<judge>_result.<fmt>`, with
 * the judge's answers in `log`; a judge that fails its check request makes this reject with
 * `JudgeUnavailableError` before any score file is written.
 * yes/no writes `<stem>_score.<csv|json>`; VQA writes `<stem>_acc.<csv|json>` (exact match) and
 * `<stem>_acc_normalized.<csv|json>`, both in percent.
 */
export async function evaluatePredictions(
  task: EvalTask,
  predictions: string | { columns: string[]; rows: Row[] },
  opts: EvaluateOptions,
): Promise<TaskScores> {
  const { columns, rows } = typeof predictions === "string"
    ? await readPredictions(predictions)
    : predictions;
  const files: string[] = [];
  const scoreFile = async (suffix: string, table: ScoreTable) => {
    const path = `${opts.stem}_${suffix}.${opts.evalFormat}`;
    await writeScoreFile(path, table, opts.evalFormat);
    files.push(path);
  };
  const judgeName = opts.judge && opts.judge.name !== EXACT_MATCHING ? opts.judge.name : undefined;
  let resultName = EXACT_MATCHING;
  const perRowFile = async (
    extra: string[],
    perRow: Record<string, string>[],
    source: readonly Row[] = rows,
  ) => {
    const path = `${opts.stem}_${resultName}_result.${opts.format}`;
    const merged = source.map((row, i) => ({ ...row, ...perRow[i] }));
    await writePredictions(path, [...columns, ...extra], merged, opts.format);
    files.push(path);
  };

  switch (task.kind) {
    case "mcq":
    case "video-mcq": {
      let judge: OpenedJudge | undefined;
      // Opened only when some row needs it; the check request waits for the first question.
      const withJudge = async <T>(fn: (judge: OpenedJudge) => Promise<T>): Promise<T> => {
        judge = await openJudge(opts.judge!, {
          dataset: task.name,
          cachePath: `${opts.stem}_${judgeFileName(judgeName!)}_judge.jsonl`,
        });
        try {
          return await fn(judge);
        } finally {
          await judge.close();
          if (judge.stats.apiFailures > 0) {
            opts.warn?.(
              `${task.name}: ${judge.stats.apiFailures} judge requests to ${judgeName} failed ` +
                `after their retries; they are not cached and are asked again on the next run`,
            );
          }
        }
      };
      if (judgeName) resultName = judgeFileName(judgeName);
      const concurrency = opts.judge?.nproc ?? 4;
      if (task.kind === "mcq" && isCircularDataset(task.name)) {
        let scored = scoreMcqCircular(rows);
        if (judgeName && scored.counts.unresolved > 0) {
          const prefetched = scored;
          scored = await withJudge((j) =>
            judgeMcqCircular(rows, prefetched, j.ask, { concurrency })
          );
        }
        await scoreFile("acc", scored.report);
        await perRowFile(
          ["hit", "log"],
          scored.groups.map((g) => ({ hit: String(g.hit), log: g.log })),
          scored.groups.map((g) => rows[g.mainPosition]),
        );
        const c = scored.counts;
        return {
          metric: `circular accuracy over ${c.total} questions (${c.rows} rows), ` +
            `${extractorText(judgeName, judge, c.judged, "question groups")}; ` +
            `rows by method: ${methodText(c.byMethod)}`,
          overall: c.total ? c.hits / c.total : 0,
          table: scored.report,
          counts: {
            total: c.total,
            failed: c.failed,
            unresolved: c.unresolved,
            byMethod: c.byMethod,
            judged: judgeName ? c.judged : undefined,
            judgeFailed: judgeName ? c.byMethod["judge-failed"] : undefined,
          },
          extractor: judgeName ?? EXACT_MATCHING,
          judge: judgeReport(judge),
          files,
        };
      }
      const mcqRows = task.kind === "video-mcq" ? rows.map(withOptionColumns) : rows;
      let scored = scoreMcq(mcqRows);
      const toJudge = scored.counts.unresolved;
      if (judgeName && toJudge > 0) {
        const prefetched = scored;
        scored = await withJudge((j) => judgeMcq(mcqRows, prefetched, j.ask, { concurrency }));
      }
      await scoreFile("acc", scored.report);
      await perRowFile(
        judgeName ? ["extracted", "method", "hit", "log"] : ["extracted", "method", "hit"],
        scored.perRow.map((r) => ({
          extracted: r.extracted,
          method: r.method,
          hit: String(r.hit),
          ...(judgeName ? { log: r.log ?? "" } : {}),
        })),
      );
      const c = scored.counts;
      return {
        metric: `accuracy, ${extractorText(judgeName, judge, judgeName ? toJudge : 0, "rows")}; ` +
          `rows by method: ${methodText(c.byMethod)}`,
        overall: c.total ? c.hits / c.total : 0,
        table: scored.report,
        counts: {
          total: c.total,
          failed: c.failed,
          unresolved: c.unresolved,
          byMethod: c.byMethod,
          judged: judgeName ? toJudge : undefined,
          judgeFailed: judgeName ? c.byMethod["judge-failed"] : undefined,
        },
        extractor: judgeName ?? EXACT_MATCHING,
        judge: judgeReport(judge),
        files,
      };
    }
    case "yorn": {
      const scored = scoreYesNo(rows);
      await scoreFile("score", scored.report);
      await perRowFile(
        ["extracted", "hit"],
        scored.perRow.map((r) => ({ extracted: r.extracted, hit: String(r.score) })),
      );
      const c = scored.counts;
      return {
        metric: "yes/no accuracy, percent",
        overall: c.total ? (100 * c.hits) / c.total : 0,
        table: scored.report,
        counts: { total: c.total, failed: c.failed, unresolved: c.unknown },
        files,
      };
    }
    case "vqa": {
      const scored = scoreVqa(rows);
      await scoreFile("acc", scored.report.exact);
      await scoreFile("acc_normalized", scored.report.normalized);
      await perRowFile(
        ["exact", "normalized"],
        scored.perRow.map((r) => ({ exact: String(r.exact), normalized: String(r.normalized) })),
      );
      const c = scored.counts;
      return {
        metric: "exact match, percent",
        overall: c.total ? (100 * c.exactHits) / c.total : 0,
        table: scored.report.exact,
        counts: { total: c.total, failed: c.failed, unresolved: 0 },
        files,
      };
    }
  }
}

/** `exact matching (<rules>)`, or the judge and what it was asked, for the metric text. */
function extractorText(
  judgeName: string | undefined,
  judge: OpenedJudge | undefined,
  judged: number,
  what: string,
): string {
  const rules = `exact matching (${MCQ_EXTRACTION_VERSION})`;
  if (!judgeName) return rules;
  const model = judge ? ` (model ${judge.model})` : "";
  return `${rules}, then judge ${judgeName}${model} for the ${judged} ${what} it left`;
}

/** What the judge did, for the job's report. */
function judgeReport(judge: OpenedJudge | undefined): TaskScores["judge"] {
  if (!judge) return undefined;
  return { name: judge.name, model: judge.model, cachePath: judge.cachePath, ...judge.stats };
}

/** `option 5, text 1, judge 2`: the methods that decided at least one row. */
function methodText(byMethod: Record<McqMethod, number>): string {
  const parts = Object.entries(byMethod).filter(([, n]) => n > 0).map(([m, n]) => `${m} ${n}`);
  return parts.length ? parts.join(", ") : "none";
}

/**
 * Video benchmarks keep their options in `candidates` (`['A. left', 'B. right']`, or bare
 * option texts as in MVBench): spread them into `A`, `B`, ... columns for MCQ scoring. An
 * answer given as option text (MVBench) becomes its letter.
 */
function withOptionColumns(row: Row): Row {
  if (row.A !== undefined || !row.candidates || !looksLikeList(row.candidates)) return row;
  const out: Row = { ...row };
  const candidates = parsePythonStringList(row.candidates);
  candidates.forEach((text, i) => {
    const letter = String.fromCharCode(65 + i);
    const m = text.match(/^([A-Z])[.)]\s*(.*)$/s);
    out[letter] = m && m[1] === letter ? m[2] : text;
  });
  if (!/^[A-Z]$/.test(out.answer ?? "")) {
    const hit = candidates.findIndex((t) => t === out.answer);
    if (hit >= 0) out.answer = String.fromCharCode(65 + hit);
  }
  return out;
}
