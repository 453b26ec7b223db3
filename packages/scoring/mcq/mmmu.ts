import type { Row } from "@vlmeval/schema";

/** The option text VLMEvalKit gives an open MMMU question's second option (`MMMU_preproc`). */
export const MMMU_OTHER_ANSWERS = "Other Answers";

/**
 * Whether VLMEvalKit scores a multiple-choice dataset with MMMU's preprocessing:
 * `'MMMU' in dataset_name` (multiple_choice.py:481), case-sensitive.
 */
export function isMmmuDataset(dataset: string): boolean {
  return dataset.includes("MMMU");
}

/** Result of {@linkcode mmmuRows}. */
export interface MmmuRows {
  /** Rows to score (`scoreMcq`, `judgeMcq`): open questions as two options, `answer` the letter. */
  scoring: Row[];
  /** Rows for the result file, as VLMEvalKit writes it: `A` and `B` filled, `answer` as given. */
  record: Row[];
  /** Open questions reformulated (VLMEvalKit logs this count). */
  reformulated: number;
}

/**
 * VLMEvalKit's scoring of MMMU's open questions (`MMMU_preproc` and `mcq_vanilla_eval`,
 * multiple_choice.py:62 and :475): a row with no option `A` (empty, or `nan` as a missing cell
 * read as pandas does is rendered) becomes a two-option question,
 * `A` = its answer text and `B` = `Other Answers`; then every row's expected letter is its
 * answer when that is a single letter A-Z, else `A`. The rows are then scored as multiple choice
 * (`can_infer`, and the judge for what it leaves). Kept quirks: a prediction of just `A` is right
 * for every open question; an open question whose answer is itself a letter keeps that letter
 * (`B` then means the `Other Answers` option).
 *
 * @example
 * ```ts
 * import { mmmuRows, scoreMcq } from "@vlmeval/scoring";
 * const { scoring } = mmmuRows([{ index: "1", question: "x?", answer: "42", prediction: "It is 42" }]);
 * scoreMcq(scoring).counts.hits; // 1
 * ```
 */
export function mmmuRows(rows: readonly Row[]): MmmuRows {
  let reformulated = 0;
  const record = rows.map((row) => {
    // Missing as read literally (`""`) or as pandas reads it (`nan`), as `build_choices`.
    if (row.A !== undefined && row.A !== "" && row.A !== "nan") return row;
    reformulated++;
    return { ...row, A: row.answer ?? "", B: MMMU_OTHER_ANSWERS };
  });
  const scoring = record.map((row) => ({
    ...row,
    answer: /^[A-Z]$/.test(row.answer ?? "") ? row.answer : "A",
  }));
  return { scoring, record, reformulated };
}
