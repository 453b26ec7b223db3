import { looksLikeList, parsePythonStringList } from "@vlmeval/datasets";
import {
  readPredictions,
  type ScoreTable,
  writePredictions,
  writeScoreFile,
} from "@vlmeval/report";
import {
  isCircularDataset,
  MCQ_EXTRACTION_VERSION,
  scoreMcq,
  scoreMcqCircular,
  scoreVqa,
  scoreYesNo,
} from "@vlmeval/scoring";
import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "./eval_task.ts";

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
  counts: { total: number; failed: number; unresolved: number };
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
}

/**
 * Scores predictions (a prediction file, or the rows just merged) by the task's kind, without a judge (VLMEvalKit's exact matching):
 * multiple choice writes `<stem>_acc.<csv|json>` (accuracy per split and category, fractions)
 * and `<stem>_exact_matching_result.<fmt>` (every row with `extracted`, `method` and `hit`);
 * a circular benchmark (VLMEvalKit's name rule: MMBench, CCBench, ...) is scored per question
 * group, and its result file holds the main rows with the group's `hit` and a `log`;
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
  const perRowFile = async (
    extra: string[],
    perRow: Record<string, string>[],
    source: readonly Row[] = rows,
  ) => {
    const path = `${opts.stem}_exact_matching_result.${opts.format}`;
    const merged = source.map((row, i) => ({ ...row, ...perRow[i] }));
    await writePredictions(path, [...columns, ...extra], merged, opts.format);
    files.push(path);
  };

  switch (task.kind) {
    case "mcq":
    case "video-mcq": {
      if (task.kind === "mcq" && isCircularDataset(task.name)) {
        const scored = scoreMcqCircular(rows);
        await scoreFile("acc", scored.report);
        await perRowFile(
          ["hit", "log"],
          scored.groups.map((g) => ({ hit: String(g.hit), log: g.log })),
          scored.groups.map((g) => rows[g.mainPosition]),
        );
        const c = scored.counts;
        return {
          metric: `circular accuracy over ${c.total} questions (${c.rows} rows), exact ` +
            `matching (${MCQ_EXTRACTION_VERSION})`,
          overall: c.total ? c.hits / c.total : 0,
          table: scored.report,
          counts: { total: c.total, failed: c.failed, unresolved: c.unresolved },
          files,
        };
      }
      const scored = scoreMcq(task.kind === "video-mcq" ? rows.map(withOptionColumns) : rows);
      await scoreFile("acc", scored.report);
      await perRowFile(
        ["extracted", "method", "hit"],
        scored.perRow.map((r) => ({
          extracted: r.extracted,
          method: r.method,
          hit: String(r.hit),
        })),
      );
      const c = scored.counts;
      return {
        metric: `accuracy, exact matching (${MCQ_EXTRACTION_VERSION})`,
        overall: c.total ? c.hits / c.total : 0,
        table: scored.report,
        counts: { total: c.total, failed: c.failed, unresolved: c.unresolved },
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
