/** Prediction file formats, as VLMEvalKit's `PRED_FORMAT` names them. */
export type PredFormat = "xlsx" | "tsv" | "json";

/** Score file formats, as VLMEvalKit's `EVAL_FORMAT` names them. */
export type ScoreFormat = "csv" | "json";

/** Every valid `PRED_FORMAT` value; the first is the default. */
export const PRED_FORMATS: readonly PredFormat[] = ["xlsx", "tsv", "json"];

/** Every valid `EVAL_FORMAT` value; the first is the default. */
export const SCORE_FORMATS: readonly ScoreFormat[] = ["csv", "json"];

function chooseFormat<T extends string>(
  what: string,
  valid: readonly T[],
  value: string | undefined,
): T {
  const wanted = (value ?? "").trim().toLowerCase();
  if (wanted === "") return valid[0];
  const found = valid.find((format) => format === wanted);
  if (found === undefined) {
    throw new RangeError(
      `Cannot choose the ${what} format as it must be one of ${valid.join(", ")}: ` +
        `current value is ${JSON.stringify(value)}`,
    );
  }
  return found;
}

/**
 * Validates a `PRED_FORMAT` value (environment variable or flag). Empty or absent means `xlsx`;
 * case and surrounding spaces are ignored.
 *
 * @throws {RangeError} When the value is not `xlsx`, `tsv` or `json`.
 * @example
 * ```ts
 * import { predictionFormat } from "@vlmeval/report";
 * predictionFormat(Deno.env.get("PRED_FORMAT")); // "xlsx" when unset
 * ```
 */
export function predictionFormat(envOrFlag?: string): PredFormat {
  return chooseFormat("prediction", PRED_FORMATS, envOrFlag);
}

/**
 * Validates an `EVAL_FORMAT` value. Empty or absent means `csv`.
 *
 * @throws {RangeError} When the value is not `csv` or `json`.
 */
export function scoreFormat(envOrFlag?: string): ScoreFormat {
  return chooseFormat("score", SCORE_FORMATS, envOrFlag);
}

function extensionOf(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

/**
 * The prediction format a file name implies (`.xlsx`, `.tsv` or `.json`).
 *
 * @throws {RangeError} When the extension is none of those.
 */
export function predictionFormatOf(path: string): PredFormat {
  const ext = extensionOf(path);
  const found = PRED_FORMATS.find((format) => format === ext);
  if (found === undefined) {
    throw new RangeError(
      `Cannot tell the prediction format of ${path} as its extension must be one of ` +
        `.xlsx, .tsv, .json: current value is ${JSON.stringify(ext)}`,
    );
  }
  return found;
}

/**
 * The score format a file name implies (`.csv` or `.json`).
 *
 * @throws {RangeError} When the extension is neither.
 */
export function scoreFormatOf(path: string): ScoreFormat {
  const ext = extensionOf(path);
  const found = SCORE_FORMATS.find((format) => format === ext);
  if (found === undefined) {
    throw new RangeError(
      `Cannot tell the score format of ${path} as its extension must be .csv or .json: ` +
        `current value is ${JSON.stringify(ext)}`,
    );
  }
  return found;
}

function checkNamePart(what: string, value: string): void {
  let problem = "";
  if (value === "") problem = "must not be empty";
  else if (/[/\\\0]/.test(value)) problem = "must not contain a path separator or NUL";
  else if (value === "." || value === "..") problem = "must not be . or ..";
  if (problem !== "") {
    throw new RangeError(
      `Cannot build a file name as the ${what} name ${problem}: current value is ${
        JSON.stringify(value)
      }`,
    );
  }
}

/**
 * `<model>_<dataset>`, the stem VLMEvalKit gives every file of one (model, dataset) pair.
 *
 * @throws {RangeError} When a name is empty, `.`/`..`, or holds a path separator.
 */
export function scoreFileStem(model: string, dataset: string): string {
  checkNamePart("model", model);
  checkNamePart("dataset", dataset);
  return `${model}_${dataset}`;
}

/**
 * `<model>_<dataset>.<fmt>`, the prediction file name.
 *
 * @example
 * ```ts
 * import { predictionFileName } from "@vlmeval/report";
 * predictionFileName("Qwen2-VL-2B", "MMBench_DEV_EN", "xlsx"); // "Qwen2-VL-2B_MMBench_DEV_EN.xlsx"
 * ```
 */
export function predictionFileName(model: string, dataset: string, fmt: PredFormat): string {
  return `${scoreFileStem(model, dataset)}.${fmt}`;
}

/**
 * `<model>_<dataset>_<suffix>.<fmt>`, e.g. `<stem>_acc.csv` or `<stem>_exact_matching_result.xlsx`.
 *
 * @throws {RangeError} When a name or the suffix is empty or holds a path separator.
 */
export function scoreFileName(
  model: string,
  dataset: string,
  suffix: string,
  fmt: ScoreFormat | PredFormat,
): string {
  checkNamePart("suffix", suffix);
  return `${scoreFileStem(model, dataset)}_${suffix}.${fmt}`;
}

/**
 * The columns of a prediction file: the dataset's columns without `image`, then `extra`
 * (default `prediction`) for those not already present.
 */
export function predictionColumns(
  datasetColumns: readonly string[],
  extra: readonly string[] = ["prediction"],
): string[] {
  const columns = datasetColumns.filter((column) => column !== "image");
  for (const column of extra) {
    if (!columns.includes(column)) columns.push(column);
  }
  return columns;
}
