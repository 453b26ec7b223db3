import {
  PANDAS_NA_VALUES,
  type PandasColumnTypes,
  type PandasDtype,
  PandasTypeInference,
} from "@vlmeval/delimited";
import type { CellReading } from "./cell_reading.ts";
import { OPTION_LETTERS } from "./prompt.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });
/**
 * A cell that pandas may read as a number or a boolean: a sign, digit, dot or `inf` after
 * spaces, or `true`/`false` in any case (up to a NUL). Any other text is read as it is, so its
 * row is not kept for the change count (an option `triangle` is no boolean).
 */
const MAYBE_TYPED = /^\s*[-+]?(?:[0-9.]|inf)|^(?:true|false)(?:\0|$)/i;
/** First bytes {@linkcode MAYBE_TYPED} allows: spaces, sign, dot, digits, i/I/t/T/f/F. */
const TYPED_FIRST = new Set(
  Array.from(" \t\n\v\f\r+-.0123456789iItTfF", (c) => c.charCodeAt(0)),
);
/** Longer cells are not kept for the change count (numbers are short in practice). */
const TYPED_CELL_LIMIT = 64;

/** Rows where the pandas reading changes what the model is asked, or the answer, by cause. */
export interface ReadingChanges {
  /** Rows whose prompt text differs from the literal text's. */
  prompts: number;
  /** Rows where an option written as a missing-value string (`NA`, `None`...) is dropped. */
  droppedOptions: number;
  /** Rows whose question is missing and shown as `nan`. */
  nanQuestions: number;
  /** Rows whose `answer` differs from the literal text. */
  answers: number;
}

/** The columns whose cells make the prompt or the answer. */
interface Watched {
  question: number;
  hint: number;
  options: number[];
  answer: number;
}

/**
 * The typed reading of an image benchmark's cells, learnt in the validating pass: every data
 * record is given to {@linkcode PandasRows.add} (pandas types the rows VLMEvalKit later drops
 * too), then {@linkcode PandasRows.finish}; rows are rendered by their data ordinal. In literal
 * mode it does nothing and cells are their text.
 */
export class PandasRows {
  readonly reading: CellReading;
  #inference: PandasTypeInference | undefined;
  #types: PandasColumnTypes | undefined;
  readonly #header: readonly string[];
  readonly #watched: Watched;
  #ordinal = 0;
  readonly #naQuestion = new Set<number>();
  readonly #naOption = new Set<number>();
  readonly #naHint = new Set<number>();
  readonly #naAnswer = new Set<number>();
  /** Per watched column: data ordinal to the text of cells that may render differently. */
  readonly #typedCells = new Map<number, Map<number, string>>();

  constructor(header: readonly string[], reading: CellReading) {
    this.reading = reading;
    this.#header = header;
    if (reading === "pandas") this.#inference = new PandasTypeInference(header.length);
    this.#watched = {
      question: header.indexOf("question"),
      hint: header.indexOf("hint"),
      options: OPTION_LETTERS.map((l) => header.indexOf(l)).filter((k) => k >= 0),
      answer: header.indexOf("answer"),
    };
  }

  /** True when an `image` cell is missing, so VLMEvalKit drops the row (`skip_noimg`). */
  imageMissing(bytes: Uint8Array): boolean {
    if (bytes.length === 0) return true;
    return this.reading === "pandas" && bytes.length <= 8 && isNaText(bytes);
  }

  /**
   * Takes the next data record (in file order, dropped rows included) and returns its data
   * ordinal; `kept` rows count toward {@linkcode PandasRows.changes}.
   */
  add(fields: readonly Uint8Array[], kept: boolean): number {
    const ordinal = this.#ordinal++;
    if (this.#inference === undefined) return ordinal;
    this.#inference.add(fields);
    if (!kept) return ordinal;
    const { question, hint, options, answer } = this.#watched;
    this.#note(fields, ordinal, question, this.#naQuestion, true);
    this.#note(fields, ordinal, hint, this.#naHint, false);
    for (const column of options) this.#note(fields, ordinal, column, this.#naOption, false);
    this.#note(fields, ordinal, answer, this.#naAnswer, true);
    return ordinal;
  }

  /** Notes a watched cell of the kept row `ordinal` that is missing or may render differently. */
  #note(
    fields: readonly Uint8Array[],
    ordinal: number,
    column: number,
    naSet: Set<number>,
    emptyCounts: boolean,
  ): void {
    if (column < 0) return;
    const bytes = fields[column];
    if (bytes.length <= 8 && isNaText(bytes)) {
      if (emptyCounts || bytes.length > 0) naSet.add(ordinal);
      return;
    }
    if (bytes.length > TYPED_CELL_LIMIT || !TYPED_FIRST.has(bytes[0])) return;
    const text = utf8.decode(bytes);
    if (!MAYBE_TYPED.test(text)) return;
    let cells = this.#typedCells.get(column);
    if (cells === undefined) this.#typedCells.set(column, cells = new Map());
    cells.set(ordinal, text);
  }

  /** Ends the pass: column types are known from here on. */
  finish(): void {
    this.#types = this.#inference?.finish();
    this.#inference = undefined;
  }

  /**
   * Each column's dtype as VLMEvalKit's dataset holds it (pandas reading only): pandas' own,
   * except `index`, which VLMEvalKit turns into text unless every value is an integer.
   */
  dtypes(): Record<string, PandasDtype> | undefined {
    const types = this.#types;
    if (types === undefined) return undefined;
    return Object.fromEntries(this.#header.map((name, k) => {
      const dtype = types.dtypes[k];
      const integer = dtype === "int64" || dtype === "uint64";
      return [name, name === "index" && !integer ? "object" : dtype];
    }));
  }

  /** The cell (its bytes, or its text) as the model and the prediction file see it. */
  render(column: number, ordinal: number, field: Uint8Array | string): string {
    if (this.#types === undefined) return typeof field === "string" ? field : utf8.decode(field);
    return this.#types.text(column, ordinal, field);
  }

  /** Rows whose prompt (for a dataset of `kind`) or answer the pandas reading changes. */
  changes(kind: "mcq" | "yorn" | "vqa"): ReadingChanges {
    const none = { prompts: 0, droppedOptions: 0, nanQuestions: 0, answers: 0 };
    const types = this.#types;
    if (types === undefined) return none;
    const reformatted = (columns: number[]) => {
      const rows = new Set<number>();
      for (const column of columns) {
        for (const [ordinal, text] of this.#typedCells.get(column) ?? []) {
          if (types.cell(column, ordinal, text).text !== text) rows.add(ordinal);
        }
      }
      return rows;
    };
    const { question, hint, options, answer } = this.#watched;
    const promptColumns = kind === "mcq" ? [question, hint, ...options] : [question];
    const prompts = reformatted(promptColumns.filter((k) => k >= 0));
    for (const ordinal of this.#naQuestion) prompts.add(ordinal);
    if (kind === "mcq") {
      for (const ordinal of this.#naOption) prompts.add(ordinal);
      for (const ordinal of this.#naHint) prompts.add(ordinal);
    }
    const answers = answer >= 0 ? reformatted([answer]) : new Set<number>();
    for (const ordinal of this.#naAnswer) answers.add(ordinal);
    return {
      prompts: prompts.size,
      droppedOptions: kind === "mcq" ? this.#naOption.size : 0,
      nanQuestions: this.#naQuestion.size,
      answers: answers.size,
    };
  }
}

const latin1 = new TextDecoder("latin1");
const NA_FIRST = new Set(Array.from("#-1<Nn", (c) => c.charCodeAt(0)));

/** A short cell whose bytes are one of pandas' missing-value strings. */
function isNaText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  return NA_FIRST.has(bytes[0]) && PANDAS_NA_VALUES.has(latin1.decode(bytes));
}

/**
 * The one-line warning for a benchmark whose prompts or answers the pandas reading changes, or
 * undefined when it changes none.
 */
export function readingChangesWarning(
  name: string,
  rows: number,
  changes: ReadingChanges,
): string | undefined {
  if (changes.prompts === 0 && changes.answers === 0) return undefined;
  const causes: string[] = [];
  if (changes.droppedOptions > 0) {
    causes.push(`${changes.droppedOptions} with options dropped as missing (NA, None, ...)`);
  }
  if (changes.nanQuestions > 0) causes.push(`${changes.nanQuestions} with the question "nan"`);
  const why = causes.length > 0 ? ` (${causes.join(", ")}; numbers as Python prints them)` : "";
  return `${name}: read as VLMEvalKit's pandas reads it, ${changes.prompts} of ${rows} prompts ` +
    `differ from the file's literal text${why} and ${changes.answers} answers do; ` +
    `--literal-cells keeps the text as written`;
}
