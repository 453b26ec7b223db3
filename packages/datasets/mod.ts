/**
 * Every VLMEvalKit benchmark file, image and video, read and checked the same way (one TSV
 * reader, one {@linkcode DatasetFormatError} with exit code 4), with VLMEvalKit's prompts.
 *
 * Image benchmarks: streaming, validated reading ({@linkcode openImageDataset}), VLMEvalKit's
 * prompts byte for byte, images decoded once under an image root with their original bytes,
 * the data root ({@linkcode lmuDataRoot}: `$LMUData`, else `~/LMUData`; `@vlmeval/catalog`
 * fetches into it) and lookup by name in it, and a pandas-style TSV writer for producing
 * benchmark files.
 *
 * Video benchmarks: {@linkcode openVideoDataset} reads Video-MME-, MVBench- and
 * MMBench-Video-like TSVs and builds VLMEvalKit-like prompts, one per question or one per video
 * (pack mode; frames are sampled by `@vlmeval/media`), and {@linkcode packPredictions} reads a
 * packed answer back into per-question predictions (the dataset side of the pack protocol).
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
  DatasetLocationError,
  DatasetNotFoundError,
  SampleInputError,
} from "./errors.ts";
export {
  type ImageDataset,
  openImageDataset,
  type OpenImageDatasetOptions,
  type PositionedRow,
} from "./image_dataset.ts";
export { buildMmmuPrompt } from "./mmmu_prompt.ts";
export { CELL_READINGS, type CellReading, isMissingCell } from "./cell_reading.ts";
export { storeImageFile } from "./image_store.ts";
export {
  assemblePrompt,
  DATASET_KINDS,
  type DatasetKind,
  mcqPromptText,
  OPTION_LETTERS,
  PROMPT_STYLES,
  type PromptStyle,
  promptText,
  rowOptions,
  VQA_PROMPT_SUFFIX,
} from "./prompt.ts";
export { type DataRootOptions, dataRootTsvPath, lmuDataRoot } from "./data_root.ts";
export { resolveDatasetPath, type ResolveDatasetPathOptions } from "./resolve_dataset_path.ts";
export { formatTsvField, formatTsvRow, writeTsvFile } from "./tsv_writer.ts";
export { bundledDatasetNames, bundledDatasetPath, bundledVideoDatasetPath } from "./bundled.ts";
export { checkVideoName, resolveVideoPath, VIDEO_EXTENSIONS } from "./video/video_path.ts";
export {
  type BuildPromptOptions,
  openVideoDataset,
  type OpenVideoDatasetOptions,
  type VideoDataset,
  type VideoDatasetShape,
  type VideoQuestion,
  type VideoUnit,
} from "./video/video_dataset.ts";
export {
  isPackParseFailure,
  type PackParseFailure,
  packPredictions,
  parsePackAnswer,
} from "./video/pack_answer.ts";
