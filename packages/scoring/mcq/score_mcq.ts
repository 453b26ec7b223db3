import { isFailure, type Row } from "@vlmeval/schema";
import { canInferOption, type CanInferOptions, canInferText, type Choices } from "./can_infer.ts";
import { grownArray, pyStrip } from "@vlmeval/internal";
import { requireField, rowGroups } from "../_row_fields.ts";
import { GroupTotals, reportAcc, type ScoreTable } from "../score_table.ts";

/** The version of the extraction rules implemented here (VLMEvalKit commit they follow). */
export const MCQ_EXTRACTION_VERSION = "vlmevalkit-e8e78f05";

/**
 * How a row's letter was found: `option` (a letter or `answer is X`), `text` (an option's text),
 * `z` (a refusal or a `Z` token), `failed` (the prediction records a failure; scored as `Z`),
 * `unresolved` (nothing matched and no judge was asked; scored as `Z`), `judge` (the LLM judge
 * named the letter, see `judgeMcq`) or `judge-failed` (the judge placed no option in its tries;
 * scored as `Z`, never a random letter).
 */
export type McqMethod =
  | "option"
  | "text"
  | "z"
  | "failed"
  | "unresolved"
  | "judge"
  | "judge-failed";

/** Zero rows for every {@linkcode McqMethod}. */
export function emptyMethodCounts(): Record<McqMethod, number> {
  return {
    option: 0,
    text: 0,
    z: 0,
    failed: 0,
    unresolved: 0,
    judge: 0,
    "judge-failed": 0,
  };
}

/** The letter extracted from one prediction and how. */
export interface McqExtraction {
  /** A choice letter or `Z`. */
  letter: string;
  /** Which rule found `letter`. */
  method: McqMethod;
}

/** One row's MCQ score. */
export interface McqRowScore {
  /** The row's `index`; empty when the row has none. */
  index: string;
  /** The `prediction` cell as scored. */
  prediction: string;
  /** The `answer` cell: the right letter. */
  answer: string;
  /** The letter extracted from the prediction, or `Z` for none. */
  extracted: string;
  /** How `extracted` was found. */
  method: McqMethod;
  /** 1 when `extracted` equals `answer` (never for a recorded failure). */
  hit: 0 | 1;
  /** The judge's raw answer(s), for rows the judge decided or failed on; else absent. */
  log?: string;
}

/** Row counts of an MCQ scoring run. */
export interface McqCounts {
  /** Rows scored. */
  total: number;
  /** Rows answered right. */
  hits: number;
  /** Predictions that record a failure (`Failed to obtain answer...`). */
  failed: number;
  /** Predictions no heuristic could place: VLMEvalKit would have needed its judge. */
  unresolved: number;
  /** Rows per extraction method. */
  byMethod: Record<McqMethod, number>;
}

/** Result of {@linkcode scoreMcq}. */
export interface McqScore {
  /** One score per input row, in input order. */
  perRow: McqRowScore[];
  /** `report_acc` layout, fractions 0-1. */
  report: ScoreTable;
  /** Totals over the rows. */
  counts: McqCounts;
}

/**
 * `{letter: text}` for every option column A-Z that is present and not missing in the row:
 * neither empty nor `nan`, which is how a value pandas reads as missing is rendered (VLMEvalKit's
 * `build_choices` drops `pd.isna` options, and no text cell survives pandas' reading as `nan`).
 */
export function buildChoices(row: Row): Record<string, string> {
  const choices: Record<string, string> = {};
  for (let code = 65; code <= 90; code++) {
    const letter = String.fromCharCode(code);
    const text = row[letter];
    if (text !== undefined && text !== "" && text !== "nan") choices[letter] = text;
  }
  return choices;
}

/**
 * Exact-matching extraction (no judge): a recorded failure is `failed`/`Z`; otherwise the
 * stripped prediction goes through `can_infer_option` then `can_infer_text`, and nothing found
 * is `unresolved`/`Z`.
 */
export function extractMcqAnswer(
  prediction: string,
  choices: Choices,
  opts: CanInferOptions = {},
): McqExtraction {
  if (isFailure(prediction)) return { letter: "Z", method: "failed" };
  const text = pyStrip(prediction);
  const option = canInferOption(text, choices, opts);
  if (option) return { letter: option, method: option === "Z" ? "z" : "option" };
  const byText = canInferText(text, choices);
  if (byText) return { letter: byText, method: "text" };
  return { letter: "Z", method: "unresolved" };
}

/**
 * One row's `prediction` and `answer` and the letter extracted from it (shared by the vanilla
 * and circular scorers; not exported from the package).
 *
 * @throws {TypeError} naming the row when it lacks `prediction` or `answer`, or its answer is empty.
 */
export function extractRowAnswer(
  row: Row,
  position: number,
  opts: CanInferOptions,
): { prediction: string; answer: string } & McqExtraction {
  const prediction = requireField(row, "prediction", position);
  const answer = requireField(row, "answer", position);
  if (answer === "") {
    throw new TypeError(
      `Cannot score row ${position + 1} (index "${row.index ?? "?"}") as its answer is empty`,
    );
  }
  return { prediction, answer, ...extractMcqAnswer(prediction, buildChoices(row), opts) };
}

/**
 * Scores multiple-choice predictions as VLMEvalKit does under `exact_matching` (no judge). Each
 * row needs `index`, `prediction`, `answer` (a letter) and its option columns; `split`,
 * `category` and `l2-category` are used for the report when present.
 *
 * @throws {TypeError} when a row lacks `prediction` or `answer`, or its answer is empty.
 *
 * @example
 * ```ts
 * import { scoreMcq } from "@vlmeval/scoring";
 * const { counts } = scoreMcq([{ index: "1", A: "cat", B: "dog", answer: "B", prediction: "B" }]);
 * counts.hits; // 1
 * ```
 */
export function scoreMcq(rows: readonly Row[], opts: CanInferOptions = {}): McqScore {
  const byMethod = emptyMethodCounts();
  const perRow: McqRowScore[] = rows.map((row, position) => {
    const { prediction, answer, letter, method } = extractRowAnswer(row, position, opts);
    byMethod[method]++;
    return {
      index: row.index ?? "",
      prediction,
      answer,
      extracted: letter,
      method,
      hit: method !== "failed" && letter === answer ? 1 : 0,
    };
  });
  const report = reportAcc(perRow.map((score, k) => rowGroups(rows[k], score.hit)));
  return {
    perRow,
    report,
    counts: {
      total: perRow.length,
      hits: perRow.reduce((sum, score) => sum + score.hit, 0),
      failed: byMethod.failed,
      unresolved: byMethod.unresolved,
      byMethod,
    },
  };
}

/** The methods by their one-byte code in {@linkcode McqTally}. */
const METHOD_CODES: readonly McqMethod[] = Object.keys(emptyMethodCounts()) as McqMethod[];

/** What {@linkcode McqTally} keeps of a row: what the result file shows of it. */
export interface McqTallyRow {
  /** The letter extracted from the prediction, or `Z` for none. */
  extracted: string;
  /** How `extracted` was found. */
  method: McqMethod;
  /** 1 when `extracted` equals `answer`. */
  hit: 0 | 1;
  /** The judge's raw answer(s), for rows the judge decided or failed on. */
  log?: string;
}

/**
 * {@linkcode scoreMcq} one row at a time, keeping of each row only its extracted letter, method
 * and hit (a few bytes) and its share of the report's running totals: a benchmark of any size
 * is scored in one pass over its rows, never held (issue 19). Rows no rule placed are kept
 * whole in `unresolved` when a judge is to be asked (`holdUnresolved`); they join the report at
 * `finish`, after the judge's verdicts (`judged`), as in VLMEvalKit where the judge decides
 * before `report_acc`. Without a judge they are counted as misses at once, and not held.
 */
export class McqTally {
  #opts: CanInferOptions;
  /** Per row, the extracted letter's character code; 0 for another text (in `#otherLetters`). */
  #letters = new Uint8Array(1024);
  #otherLetters = new Map<number, string>();
  #size = 0;
  #method = new Uint8Array(1024);
  #hit = new Uint8Array(1024);
  #totals = new GroupTotals();
  #byMethod = emptyMethodCounts();
  #hits = 0;
  #logs = new Map<number, string>();
  #holdUnresolved: boolean;
  /** The rows no rule placed, by position, under `holdUnresolved`: what a judge is asked about. */
  readonly unresolved: Map<number, Row> = new Map();

  /**
   * `opts` as {@linkcode scoreMcq} takes them; `holdUnresolved` (default true) keeps the rows no
   * rule placed for a judge.
   */
  constructor(opts: CanInferOptions = {}, { holdUnresolved = true } = {}) {
    this.#opts = opts;
    this.#holdUnresolved = holdUnresolved;
  }

  /** Rows scored so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Scores the next row (position `size`).
   *
   * @throws {TypeError} when the row lacks `prediction` or `answer`, or its answer is empty.
   */
  add(row: Row): void {
    const position = this.#size;
    const { answer, letter, method } = extractRowAnswer(row, position, this.#opts);
    const hit = method !== "failed" && letter === answer ? 1 : 0;
    this.#size++;
    if (position === this.#method.length) {
      this.#method = grownArray(this.#method, position * 2);
      this.#hit = grownArray(this.#hit, position * 2);
      this.#letters = grownArray(this.#letters, position * 2);
    }
    this.#setLetter(position, letter);
    this.#set(position, method, hit);
    this.#byMethod[method]++;
    if (method === "unresolved" && this.#holdUnresolved) this.unresolved.set(position, row);
    else this.#totals.add(rowGroups(row, hit));
  }

  /** A judge's verdict on the unresolved row at `position`. */
  judged(position: number, verdict: McqTallyRow): void {
    this.#byMethod[METHOD_CODES[this.#method[position]]]--;
    this.#byMethod[verdict.method]++;
    this.#hits -= this.#hit[position];
    this.#setLetter(position, verdict.extracted);
    this.#set(position, verdict.method, verdict.hit);
    if (verdict.log !== undefined) this.#logs.set(position, verdict.log);
  }

  /**
   * Counts the unresolved rows (judged or not) into the report; call once, after the pass and
   * any judge. Returns the `report_acc` table and the counts.
   */
  finish(): { report: ScoreTable; counts: McqCounts } {
    for (const [position, row] of this.unresolved) {
      this.#totals.add(rowGroups(row, this.#hit[position]));
    }
    this.unresolved.clear();
    return {
      report: this.#totals.report(),
      counts: {
        total: this.size,
        hits: this.#hits,
        failed: this.#byMethod.failed,
        unresolved: this.#byMethod.unresolved,
        byMethod: { ...this.#byMethod },
      },
    };
  }

  /** What the row at `position` scored. */
  row(position: number): McqTallyRow {
    const row: McqTallyRow = {
      extracted: this.#letter(position),
      method: METHOD_CODES[this.#method[position]],
      hit: this.#hit[position] as 0 | 1,
    };
    const log = this.#logs.get(position);
    if (log !== undefined) row.log = log;
    return row;
  }

  #letter(position: number): string {
    const code = this.#letters[position];
    return code === 0 ? this.#otherLetters.get(position)! : String.fromCharCode(code);
  }

  /** A one-byte character is kept as its code; any other text (never a rule's letter) whole. */
  #setLetter(position: number, letter: string): void {
    const code = letter.length === 1 ? letter.charCodeAt(0) : 0;
    if (code > 0 && code < 256) {
      this.#letters[position] = code;
      this.#otherLetters.delete(position);
    } else {
      this.#letters[position] = 0;
      this.#otherLetters.set(position, letter);
    }
  }

  #set(position: number, method: McqMethod, hit: 0 | 1): void {
    this.#method[position] = METHOD_CODES.indexOf(method);
    this.#hit[position] = hit;
    this.#hits += hit;
  }
}
