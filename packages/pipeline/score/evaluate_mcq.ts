import { looksLikeList, parsePythonStringList } from "@vlmeval/internal";
import {
  isCircularDataset,
  isMmmuDataset,
  judgeMcq,
  judgeMcqCircular,
  MCQ_EXTRACTION_VERSION,
  McqTally,
  mmmuRows,
  mvbenchRating,
  scoreMcq,
  scoreMcqCircular,
  videoDimensionRating,
} from "@vlmeval/scoring";
import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "../task/eval_task.ts";
import {
  eachRow,
  type EvaluateOptions,
  heldRows,
  type ScoredRows,
  type ScoreOutputs,
  type TaskScores,
} from "./score_types.ts";
import { methodText, scoringJudge } from "./scoring_judge.ts";

/**
 * Multiple-choice scoring of image and video benchmarks: the heuristics, then the judge for what
 * they left (when one is set), circularly for MMBench-style benchmarks, MMMU's open questions as
 * two-option questions (`mmmuRows`; the result file shows their `A` and `B` as VLMEvalKit's);
 * writes `<stem>_acc` and the per-row result file, and for video benchmarks Video-MME's
 * `<stem>_rating.json`.
 */
export async function evaluateMcq(
  task: EvalTask,
  rows: ScoredRows,
  opts: EvaluateOptions,
  out: ScoreOutputs,
): Promise<TaskScores> {
  const judge = scoringJudge(task.name, opts);
  const judgeName = judge.name;
  const { resultName, concurrency } = judge;
  const rules = `exact matching (${MCQ_EXTRACTION_VERSION})`;
  // A catalog benchmark's scorer decides; a local TSV's name, by VLMEvalKit's rules.
  const scorer = task.benchmark?.scorer;
  const ruleName = task.benchmark?.name ?? task.name;
  const circular = scorer ? scorer === "mcq_circular" : isCircularDataset(ruleName);
  const mmmu = scorer ? scorer === "mmmu" : isMmmuDataset(ruleName);
  if (task.kind === "mcq" && circular) {
    const held = await heldRows(rows);
    let scored = scoreMcqCircular(held);
    if (judgeName && scored.counts.unresolved > 0) {
      const prefetched = scored;
      scored = await judge.use((j) => judgeMcqCircular(held, prefetched, j.ask, { concurrency }));
    }
    await out.scoreFile("acc", scored.report);
    const groups = scored.groups;
    await out.perRowFile(
      resultName,
      ["hit", "log"],
      (k) => ({ hit: String(groups[k].hit), log: groups[k].log }),
      groups.map((g) => held[g.mainPosition]),
    );
    const c = scored.counts;
    return {
      primaryMetric: "circular accuracy",
      metric: `circular accuracy over ${c.total} questions (${c.rows} rows), ` +
        `${judge.extractorText(rules, c.judged, "question groups")}; ` +
        `rows by method: ${methodText(c.byMethod)}`,
      overall: c.total ? c.hits / c.total : 0,
      table: scored.report,
      ...judge.outcome(c, c.judged),
      files: out.files,
    };
  }
  // Plain multiple choice is scored in a pass over the rows, which writes them too unless a judge
  // must be asked first: the rows are never held. Video benchmarks (their options spread from `candidates`, their rating) and
  // MMMU (its open questions rewritten) are small, and held.
  let mcqRows: ScoredRows = rows;
  let recordRows: ScoredRows = rows;
  let mmmuNote = "";
  if (task.kind === "video-mcq" || task.rating) {
    const held = await heldRows(rows);
    recordRows = held;
    mcqRows = task.kind === "video-mcq" ? held.map(withOptionColumns) : held;
  } else if (task.kind === "mcq" && mmmu) {
    const preprocessed = mmmuRows(await heldRows(rows));
    mcqRows = preprocessed.scoring;
    recordRows = preprocessed.record;
    mmmuNote = `; ${preprocessed.reformulated} open questions scored as two-option questions ` +
      `(VLMEvalKit's MMMU_preproc)`;
  }
  // Rows no rule placed are held only for a judge to be asked about them.
  const tally = new McqTally({}, { holdUnresolved: Boolean(judgeName) });
  // Without a judge a row's result is final once scored: one pass scores the rows and writes the
  // result file (where the rows scored are the rows recorded); with one, the judge goes between.
  const onePass = !judgeName && mcqRows === recordRows;
  if (onePass) {
    const scoredRows = mcqRows;
    await judge.writeResultFile(out, (k) => tally.row(k), async function* () {
      for await (const row of eachRow(scoredRows)) {
        tally.add(row);
        yield row;
      }
    });
  } else {
    for await (const row of eachRow(mcqRows)) tally.add(row);
  }
  const toJudge = tally.unresolved.size;
  if (judgeName && toJudge > 0) {
    const positions = [...tally.unresolved.keys()];
    const pending = positions.map((position) => tally.unresolved.get(position)!);
    const judged = await judge.use((j) =>
      judgeMcq(pending, scoreMcq(pending), j.ask, { concurrency })
    );
    judged.perRow.forEach((verdict, k) => tally.judged(positions[k], verdict));
  }
  const scored = tally.finish();
  await out.scoreFile("acc", scored.report);
  if (task.rating) {
    const held = await heldRows(recordRows);
    await out.jsonFile("rating", videoRating(task.rating, held, (k) => tally.row(k).hit));
  }
  if (!onePass) await judge.writeResultFile(out, (k) => tally.row(k), recordRows);
  const c = scored.counts;
  return {
    metric: `accuracy, ${judge.extractorText(rules, judgeName ? toJudge : 0, "rows")}; ` +
      `rows by method: ${methodText(c.byMethod)}${mmmuNote}`,
    primaryMetric: "accuracy",
    overall: c.total ? c.hits / c.total : 0,
    table: scored.report,
    ...judge.outcome(c, toJudge),
    files: out.files,
  };
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

/**
 * The benchmark's `<stem>_rating.json`: Video-MME's means per duration class and overall (and
 * per domain, sub-category and task type where the rows have those columns), or MVBench's
 * `[correct, total, "xx.xx%"]` per task type. A recorded failure counts as wrong, as in `_acc`.
 */
function videoRating(
  style: "video-mme" | "mvbench",
  rows: readonly Row[],
  hit: (position: number) => 0 | 1,
) {
  if (style === "mvbench") {
    return mvbenchRating(rows.map((row, i) => ({ task_type: row.task_type, score: hit(i) })));
  }
  return videoDimensionRating(rows.map((row, i) => ({
    duration: row.duration,
    domain: row.domain,
    sub_category: row.sub_category,
    task_type: row.task_type,
    score: hit(i),
  })));
}
