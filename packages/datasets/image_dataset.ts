import { basename, resolve } from "node:path";
import type { Message, Row } from "@vlmeval/schema";
import { describeLocation, SampleInputError } from "./errors.ts";
import { buildMmmuPrompt } from "./mmmu_prompt.ts";
import {
  assemblePrompt,
  DATASET_KINDS,
  type DatasetKind,
  PROMPT_STYLES,
  type PromptStyle,
} from "./prompt.ts";
import { buildRowIndex, lengthAt, lineAt, ordinalAt, type RowIndex } from "./_row_index.ts";
import { sampleImagePaths, StoredImages } from "./_sample_images.ts";
import { parseTsvRecord, readTsvRecords } from "./_tsv_records.ts";
import { readingChangesWarning } from "./_pandas_rows.ts";
import { CELL_READINGS, type CellReading } from "./cell_reading.ts";

/** Options of {@linkcode openImageDataset}. */
export interface OpenImageDatasetOptions {
  /** Dataset name. @default the file name without `.tsv` */
  name?: string;
  /** Force the kind instead of detecting it (see {@linkcode ImageDataset.kind}). */
  kind?: DatasetKind;
  /** How cells are read (see {@linkcode CellReading}). @default "pandas" */
  cells?: CellReading;
  /** How prompts are built (see {@linkcode PromptStyle}). @default "kind" */
  prompt?: PromptStyle;
}

/** A row and its 0-based position in the dataset. */
export interface PositionedRow {
  /** 0-based position among the kept rows (rows with an empty `image` are not counted). */
  position: number;
  /** The row, without its `image` cell. */
  row: Row;
}

/**
 * An image benchmark in VLMEvalKit's TSV format, opened for streaming. Only small per-row
 * metadata is held in memory; rows are read from the file on demand. The `image` column is never
 * part of a returned {@linkcode Row} (it can be megabytes): {@linkcode ImageDataset.buildPrompt}
 * reads it from the file by the row's `index`. Every other column is there, `""` when empty.
 */
export interface ImageDataset {
  /** Dataset name. */
  readonly name: string;
  /** Absolute path of the TSV file. */
  readonly file: string;
  /** `mcq` when columns A and B exist, else `yorn` when every answer is Yes/No, else `vqa`. */
  readonly kind: DatasetKind;
  /** How its prompts are built: by its kind, as the bare question, or as MMMU's. */
  readonly prompt: PromptStyle;
  /** Header columns in file order (including `image` when present). */
  readonly columns: readonly string[];
  /** Number of rows (rows with an empty `image` cell are dropped, as VLMEvalKit does). */
  readonly size: number;
  /** Rows dropped because their `image` cell was empty. */
  readonly skippedRows: number;
  /** The 1-based lines of the first dropped rows (at most 20). */
  readonly skippedLines: readonly number[];
  /** True when there is no `image` column: images are files named by `image_path`. */
  readonly metaOnly: boolean;
  /** How the cells are read: as pandas does (the default) or as written. */
  readonly cellReading: CellReading;
  /**
   * pandas reading only: each column's dtype (`int64`, `float64`, `bool`, `object`...), so that
   * prediction files write numbers and missing values as VLMEvalKit's do.
   */
  readonly dtypes?: Readonly<Record<string, string>>;
  /**
   * pandas reading only: a one-line warning when reading as pandas does changes prompts
   * (options dropped, questions turned into `nan`, numbers reformatted) or answers, with counts.
   */
  readonly readingWarning?: string;
  /** The `index` of the row at a position. */
  indexAt(position: number): string;
  /** The position of the row with this `index`, or undefined. */
  positionOf(index: string): number | undefined;
  /** Reads the row at a position. */
  rowAt(position: number): Promise<Row>;
  /** Streams every row in file order. */
  rows(): AsyncIterable<PositionedRow>;
  /**
   * The row's images as absolute file paths: decoded under `imageRoot` once (see the package
   * docs for naming), or for meta-only datasets the existing files.
   *
   * @throws {SampleInputError} when this row's image cannot be used.
   */
  imagePaths(row: Row, imageRoot: string): Promise<string[]>;
  /**
   * VLMEvalKit's prompt for the row: images first, then the text for the dataset's kind (or the
   * bare question, or MMMU's interleaved prompt, as {@linkcode ImageDataset.prompt} says).
   *
   * @throws {SampleInputError} when this row's image cannot be used, or an MMMU placeholder
   * names no image of the row.
   */
  buildPrompt(row: Row, imageRoot: string): Promise<Message>;
  /** Closes the file. */
  close(): void;
  /** Same as {@linkcode ImageDataset.close}. */
  [Symbol.dispose](): void;
}

/**
 * Options `A` and `B`: multiple choice. Every answer `Yes` or `No`: yes/no; AMBER (by name, as
 * VLMEvalKit registers it) also with `yes`/`no`, which its scoring compares lowercased.
 * Otherwise free-form.
 */
function detectKind(rows: RowIndex, name: string): DatasetKind {
  const header = rows.columns.header;
  if (header.includes("A") && header.includes("B")) return "mcq";
  if (rows.allAnswersYesNo) return "yorn";
  return rows.allAnswersYesNoAnyCase && name.includes("AMBER") ? "yorn" : "vqa";
}

class TsvImageDataset implements ImageDataset {
  readonly name: string;
  readonly file: string;
  readonly kind: DatasetKind;
  readonly prompt: PromptStyle;
  readonly columns: readonly string[];
  readonly cellReading: CellReading;
  readonly dtypes?: Readonly<Record<string, string>>;
  readonly readingWarning?: string;
  readonly #rows: RowIndex;
  readonly #handle: Deno.FsFile;
  readonly #stored: StoredImages;
  #recent: { position: number; fields: Uint8Array[] }[] = [];
  #block = { offset: 0, bytes: new Uint8Array(READ_AHEAD_BYTES), filled: 0 };

  constructor(file: string, handle: Deno.FsFile, rows: RowIndex, opts: OpenImageDatasetOptions) {
    this.file = file;
    this.#handle = handle;
    this.#rows = rows;
    this.#stored = new StoredImages(rows.indices.size);
    this.columns = rows.columns.header;
    this.name = opts.name ?? basename(file).replace(/\.tsv$/i, "");
    this.kind = opts.kind ?? detectKind(rows, this.name);
    this.prompt = opts.prompt ?? "kind";
    this.cellReading = rows.cells.reading;
    this.dtypes = rows.cells.dtypes();
    this.readingWarning = readingChangesWarning(
      this.name,
      this.size,
      rows.cells.changes(this.kind),
    );
  }

  get size(): number {
    return this.#rows.indices.size;
  }

  get skippedRows(): number {
    return this.#rows.skippedRows;
  }

  get skippedLines(): readonly number[] {
    return this.#rows.skippedLines;
  }

  get metaOnly(): boolean {
    return this.#rows.columns.image < 0;
  }

  indexAt(position: number): string {
    this.#checkPosition(position);
    return this.#rows.indices.at(position);
  }

  positionOf(index: string): number | undefined {
    return this.#rows.indices.positionOf(index);
  }

  async rowAt(position: number): Promise<Row> {
    this.#checkPosition(position);
    return this.#toRow(await this.#readFields(position), position);
  }

  async *rows(): AsyncIterable<PositionedRow> {
    if (this.size === 0) return;
    const handle = await Deno.open(this.file, { read: true });
    try {
      const records = readTsvRecords(
        handle,
        this.file,
        this.#rows.offsets[0],
        lineAt(this.#rows, 0),
      );
      let position = 0;
      for await (const record of records) {
        if (position >= this.size) break;
        if (record.offset !== this.#rows.offsets[position]) continue;
        const row = this.#toRow(record.fields, position);
        yield { position, row };
        position++;
      }
    } finally {
      handle.close();
    }
  }

  async imagePaths(row: Row, imageRoot: string): Promise<string[]> {
    const position = this.#rows.indices.positionOf(row.index ?? "");
    if (position === undefined) {
      throw new SampleInputError(
        `Cannot find the images of ${
          describeLocation({ file: this.file, index: row.index, field: "index" })
        }: no row of the dataset has this index`,
        { file: this.file, index: row.index, field: "index" },
      );
    }
    const source = {
      path: this.file,
      rows: this.#rows,
      readFields: (at: number) => this.#readFields(at),
      stored: this.#stored,
    };
    return await sampleImagePaths(source, position, imageRoot);
  }

  async buildPrompt(row: Row, imageRoot: string): Promise<Message> {
    const paths = await this.imagePaths(row, imageRoot);
    if (this.prompt === "mmmu") return buildMmmuPrompt(row, paths, this.file, this.cellReading);
    if (this.prompt === "question") {
      return [...paths.map((value) => ({ type: "image" as const, value })), {
        type: "text",
        value: row.question ?? "",
      }];
    }
    return assemblePrompt(this.kind, row, paths, this.cellReading);
  }

  close(): void {
    this.#handle.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #checkPosition(position: number): void {
    if (!Number.isInteger(position) || position < 0 || position >= this.size) {
      throw new RangeError(
        `Cannot read row of "${this.file}" as position must be an integer in [0, ${this.size}): current value is ${position}`,
      );
    }
  }

  #toRow(fields: Uint8Array[], position: number): Row {
    const row: Row = {};
    const { header, image } = this.#rows.columns;
    const ordinal = ordinalAt(this.#rows, position);
    for (let k = 0; k < header.length; k++) {
      if (k !== image) row[header[k]] = this.#rows.cells.render(k, ordinal, fields[k]);
    }
    return row;
  }

  #readFields(position: number): Promise<Uint8Array[]> {
    // The last two rows read are kept: building a prompt reads its row for the text and again
    // for the image, and rows referencing another row's image read that row (often the same).
    const kept = this.#recent.find((r) => r.position === position);
    if (kept) return Promise.resolve(kept.fields);
    try {
      const fields = parseTsvRecord(
        this.#rowBytes(position),
        this.file,
        lineAt(this.#rows, position),
        this.#rows.columns.header.length,
      );
      this.#recent = [{ position, fields }, this.#recent[0]].filter((r) => r !== undefined);
      return Promise.resolve(fields);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The bytes of the row at a position (a copy of its own), from a block of the file read ahead:
   * a shard takes its rows in file order, so one read serves the next rows too, where a seek and
   * a read per row were a third of the loop's time (issue 19's profile). The block's buffer is
   * read into again and again: a new one per block lived long enough to reach the old
   * generation and waited there, dead, for a full collection (a 100k-row file's worth of them
   * by the end of the loop). It grows only to hold a row longer than it. Synchronous reads: an
   * asynchronous pair cost two thread-pool round trips per row on a loaded machine, and sync
   * calls need no queue on the shared handle.
   */
  #rowBytes(position: number): Uint8Array {
    const offset = this.#rows.offsets[position];
    const length = lengthAt(this.#rows, position);
    const block = this.#block;
    if (offset >= block.offset && offset + length <= block.offset + block.filled) {
      return block.bytes.slice(offset - block.offset, offset - block.offset + length);
    }
    if (block.bytes.length < length) block.bytes = new Uint8Array(length);
    this.#handle.seekSync(offset, Deno.SeekMode.Start);
    let filled = 0;
    while (filled < block.bytes.length) {
      const n = this.#handle.readSync(block.bytes.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    // A row cut short by the file's end reads as zeros (not an earlier block's bytes), which
    // its parse refuses.
    if (filled < length) block.bytes.fill(0, filled, length);
    block.offset = offset;
    block.filled = filled;
    return block.bytes.slice(0, length);
  }
}

/** Bytes read ahead at a time when rows are read by position. */
const READ_AHEAD_BYTES = 1 << 16;

/**
 * Opens an image benchmark TSV. One streaming pass validates the whole file (header, field
 * counts, unique indices, image references, `image_path` safety) and keeps only per-row
 * metadata; a malformed file fails here, before any row is used.
 *
 * @throws {DatasetFormatError} naming the file, line, index and field of the first problem.
 * @throws {RangeError} when `opts.kind` or `opts.prompt` is not a known one.
 *
 * @example Stream prompts
 * ```ts ignore
 * import { openImageDataset } from "@vlmeval/datasets";
 * using dataset = await openImageDataset("/data/LMUData/Shapes_MCQ.tsv");
 * for await (const { row } of dataset.rows()) {
 *   const message = await dataset.buildPrompt(row, "work/images/Shapes_MCQ");
 * }
 * ```
 */
export async function openImageDataset(
  path: string,
  opts: OpenImageDatasetOptions = {},
): Promise<ImageDataset> {
  if (opts.kind !== undefined && !DATASET_KINDS.includes(opts.kind)) {
    throw new RangeError(
      `Cannot open dataset "${path}" as kind must be one of ${
        DATASET_KINDS.join(", ")
      }: current value is ${opts.kind}`,
    );
  }
  if (opts.prompt !== undefined && !PROMPT_STYLES.includes(opts.prompt)) {
    throw new RangeError(
      `Cannot open dataset "${path}" as prompt must be one of ${
        PROMPT_STYLES.join(", ")
      }: current value is ${opts.prompt}`,
    );
  }
  if (opts.cells !== undefined && !CELL_READINGS.includes(opts.cells)) {
    throw new RangeError(
      `Cannot open dataset "${path}" as cells must be one of ${
        CELL_READINGS.join(", ")
      }: current value is ${opts.cells}`,
    );
  }
  const file = resolve(path);
  const handle = await Deno.open(file, { read: true });
  try {
    const rows = await buildRowIndex(file, handle, opts.cells ?? "pandas");
    return new TsvImageDataset(file, handle, rows, opts);
  } catch (error) {
    handle.close();
    throw error;
  }
}
