/**
 * Scoring as VLMEvalKit does it, as pure functions over prediction rows:
 * multiple choice (`can_infer` extraction, `report_acc` table, the method per row and the count
 * of rows that would have needed a judge; circular scoring of rotated copies as for MMBench;
 * MMMU's open questions through `mmmuRows`),
 * yes/no (`YOrN_Extraction`; the rating VLMEvalKit picks by name: `MME_rating`,
 * `Hallusion_rating`, `POPE_rating`, `AMBER_rating` or `default_rating`), VLMEvalKit's free-form
 * benchmarks (`scoreImageVqa`: VQA score, ChartQA's relaxed accuracy, DocVQA/InfoVQA ANLS,
 * OCRVQA/GQA accuracy, picked by name; `scoreOcrbench`; MathVista and MMVet through their
 * judges), free-form VQA by exact and normalised matching (`scoreVqa`), and video benchmarks'
 * own ratings (Video-MME's per-duration and per-dimension means, MVBench's per-task-type
 * counts). An optional judge
 * phase (`judgeMcq`, `judgeMcqCircular`, `judgeYesNo`, `judgeMathVista`, `judgeMmvet`) sends
 * what the rules left to an LLM judge through a callback. No file or network IO: callers ask
 * the judge and write the files each scorer describes (`ScoreFileSpec`, `scoreFilePath`).
 *
 * @example Score MCQ predictions
 * ```ts
 * import { scoreMcq } from "@vlmeval/scoring";
 * const result = scoreMcq([
 *   { index: "1", question: "?", A: "cat", B: "dog", answer: "B", prediction: "The answer is B" },
 * ]);
 * result.report; // { columns: ["split", "Overall"], rows: [["none", 1]] }
 * ```
 *
 * @module
 */

export {
  canInfer,
  canInferOption,
  type CanInferOptions,
  canInferText,
  type Choices,
  OPTION_PUNCTUATION,
  REFUSAL_STRINGS,
} from "./mcq/can_infer.ts";
export {
  buildChoices,
  emptyMethodCounts,
  extractMcqAnswer,
  MCQ_EXTRACTION_VERSION,
  type McqCounts,
  type McqExtraction,
  type McqMethod,
  type McqRowScore,
  type McqScore,
  McqTally,
  type McqTallyRow,
  scoreMcq,
} from "./mcq/score_mcq.ts";
export {
  CIRCULAR_OFFSET,
  type CircularCounts,
  type CircularGroupScore,
  type CircularMcqScore,
  type CircularRotation,
  type CircularVerdict,
  isCircularDataset,
  scoreMcqCircular,
} from "./mcq/score_mcq_circular.ts";
export {
  buildJudgePrompt,
  buildJudgePromptCn,
  buildOptionStr,
  hasCjk,
  JUDGE_TRIES,
  judgeAnswer,
  type JudgedAnswer,
  type JudgeFn,
  judgeMcq,
  judgeMcqCircular,
  type JudgeMcqOptions,
  judgePromptFor,
  type JudgeRequest,
} from "./mcq/mcq_judge.ts";
export {
  defaultRating,
  type GroupedScore,
  MMBENCH_ABBREVIATIONS,
  reportAcc,
  type ReportAccOptions,
  type ScoreTable,
} from "./score_table.ts";
export {
  emptyYesNoMethodCounts,
  extractYesNo,
  scoreYesNo,
  type ScoreYesNoOptions,
  summarizeYesNo,
  type YesNo,
  type YesNoCounts,
  yesNoHit,
  type YesNoMethod,
  type YesNoRowScore,
  type YesNoScore,
} from "./yes_no/score_yes_no.ts";
export {
  type JudgedYesNo,
  judgeYesNo,
  judgeYesNoAnswer,
  type JudgeYesNoOptions,
  YES_NO_JUDGE_TRIES,
  yesNoJudgePrompt,
  yesNoJudgeTemperature,
} from "./yes_no/yes_no_judge.ts";
export {
  AMBER_CATEGORIES,
  amberRating,
  hallusionRating,
  mmeRating,
  popeRating,
  rateYesNo,
  type YesNoRatedRow,
  type YesNoRating,
  yesNoRatingFor,
  type YesNoRatingName,
} from "./yes_no/yes_no_ratings.ts";
export { type SplitThinking, splitThinking } from "./split_thinking.ts";
export { scoreVqa, vqaAnswers, type VqaRowScore, type VqaScore } from "./vqa/score_vqa.ts";
export {
  normalizeVqaAnswer,
  processDigitArticle,
  processPunctuation,
} from "./vqa/vqa_normalize.ts";
export {
  type DimensionRating,
  mvbenchRating,
  type ScoredVideoRow,
  type TaskTypeRating,
  videoDimensionRating,
} from "./video/video_rating.ts";
export {
  ANLS_THRESHOLD,
  type ImageVqaMetric,
  imageVqaMetric,
  type ImageVqaRowScore,
  type ImageVqaScore,
  scoreImageVqa,
  vqaHit,
  type VqaHitRule,
} from "./vqa/score_image_vqa.ts";
export {
  anlsCompute,
  levenshteinDistance,
  processVqaLine,
  relaxedCorrectness,
  vqaAnswerList,
  type VqaLineMatch,
  type VqaMethod,
} from "./vqa/vqa_match.ts";
export {
  OCRBENCH_CATEGORIES,
  ocrbenchHit,
  type OcrbenchScore,
  scoreOcrbench,
} from "./vqa/score_ocrbench.ts";
export {
  extractMathVista,
  type JudgeFreeFormOptions,
  judgeMathVista,
  judgeMathVistaAnswer,
  MATHVISTA_DEFAULT_JUDGE,
  MATHVISTA_EXAMPLES,
  MATHVISTA_JUDGE_MAX_TOKENS,
  MATHVISTA_JUDGE_TRIES,
  MATHVISTA_PREFETCH_LOG,
  type MathVistaExtraction,
  mathVistaHit,
  type MathVistaMethod,
  mathVistaPrefetch,
  mathVistaPrompt,
  type MathVistaScore,
  scoreMathVista,
} from "./judged/mathvista.ts";
export {
  judgeMmvet,
  judgeMmvetAnswer,
  MMVET_CAPABILITIES,
  MMVET_DEFAULT_JUDGE,
  MMVET_JUDGE_MAX_TOKENS,
  MMVET_JUDGE_TRIES,
  type MmvetJudged,
  type MmvetMethod,
  mmvetPrompt,
  type MmvetScore,
  parseMmvetScore,
  scoreMmvet,
  unjudgedMmvet,
} from "./judged/mmvet.ts";
export { isMmmuDataset, MMMU_OTHER_ANSWERS, type MmmuRows, mmmuRows } from "./mcq/mmmu.ts";
export {
  type ScoreFileContent,
  type ScoreFileFormat,
  type ScoreFileFormats,
  scoreFilePath,
  type ScoreFileSpec,
} from "./score_files.ts";
