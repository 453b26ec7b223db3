/**
 * Image benchmarks in VLMEvalKit's TSV format: streaming, validated reading
 * ({@linkcode openImageDataset}), VLMEvalKit's prompts byte for byte, images decoded once under an
 * image root with their original bytes, dataset lookup under `$LMUData`, and a pandas-style TSV
 * writer for producing benchmark files.
 *
 * Image files: `<root>/<index>.<ext>` for one image, `<root>/<index>_<i>.<ext>` (i from 0) for a
 * multi-image row, or `<root>/<image_path>` when the row names its files; a reference row without
 * its own `image_path` uses the referenced row's file. `<ext>` comes from the image's magic bytes.
 *
 * @example Open a benchmark and build one prompt
 * ```ts ignore
 * import { openImageDataset, resolveDatasetPath } from "@vlmeval/datasets";
 * using dataset = await openImageDataset(await resolveDatasetPath("Shapes_MCQ"));
 * const row = await dataset.rowAt(0);
 * const message = await dataset.buildPrompt(row, "work-dir/images/Shapes_MCQ");
 * ```
 *
 * @module
 */

export {
  DatasetFormatError,
  type DatasetLocation,
  DatasetNotFoundError,
  SampleInputError,
} from "./errors.ts";
export {
  type ImageDataset,
  openImageDataset,
  type OpenImageDatasetOptions,
  type PositionedRow,
} from "./image_dataset.ts";
export { detectImageFormat, type ImageFormat } from "./image_format.ts";
export { CELL_READINGS, type CellReading, isMissingCell } from "./cell_reading.ts";
export { storeImageFile } from "./image_store.ts";
export {
  assemblePrompt,
  DATASET_KINDS,
  type DatasetKind,
  mcqPromptText,
  OPTION_LETTERS,
  promptText,
  rowOptions,
  VQA_PROMPT_SUFFIX,
} from "./prompt.ts";
export { looksLikeList, parsePythonStringList } from "./python_list_literal.ts";
export {
  lmuDataRoot,
  resolveDatasetPath,
  type ResolveDatasetPathOptions,
} from "./resolve_dataset_path.ts";
export { formatTsvField, formatTsvRow, writeTsvFile } from "./tsv_writer.ts";
export { bundledDatasetNames, bundledDatasetPath } from "./bundled.ts";
