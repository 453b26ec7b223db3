import { dirname } from "node:path";
import { DatasetFormatError, type DatasetLocation, describeLocation } from "./errors.ts";
import { imageCellShape, pathCellValues } from "./_image_cells.ts";
import { checkRootRelativePath, resolveInsideFolder } from "./_safe_path.ts";
import { readTsvRecords, type TsvRecord } from "./_tsv_records.ts";
import { PandasRows } from "./_pandas_rows.ts";
import { grownArray, IndexColumn } from "@vlmeval/internal";
import type { CellReading } from "./cell_reading.ts";

/** Column positions the reader needs; -1 when the column is absent. */
export interface ColumnPlan {
  header: string[];
  index: number;
  image: number;
  imagePath: number;
  answer: number;
}

/**
 * What one validation pass learns about a dataset file: the header and, per kept row, only small
 * things (byte range, line, index, image count, reference target). Row positions are 0-based
 * over kept rows.
 */
export interface RowIndex {
  columns: ColumnPlan;
  /** Byte offset of each row: 4 bytes a row, 8 in a file past 4 GiB. */
  offsets: Uint32Array | Float64Array;
  /**
   * Bytes of each row; empty when each row but the last ends `rowGap` bytes before the next
   * starts (one line ending between them, nothing dropped), see {@linkcode lengthAt}.
   */
  lengths: Uint32Array;
  /** Bytes between a row's end and the next row's start, where `lengths` is empty. */
  rowGap: number;
  /** Bytes of the last row. */
  lastLength: number;
  /**
   * Each kept row's 1-based line; empty when every record is one line, each line being then its
   * ordinal + 2 (see {@linkcode lineAt}).
   */
  lines: Uint32Array;
  /** Each kept row's `index` (as the cells are read), and the position of each. */
  indices: IndexColumn;
  /**
   * Images of the row (for a reference row, of its target); 0 for meta-only rows. A byte a row,
   * 4 where a row has more than 255.
   */
  imageCounts: Uint8Array | Uint32Array;
  /** Position of the row whose image a reference row shares; -1 for a row with its own. */
  referenceTargets: Int32Array;
  /** Rows dropped because their `image` cell is empty (VLMEvalKit's `skip_noimg`). */
  skippedRows: number;
  /** The 1-based lines of the first dropped rows (at most 20). */
  skippedLines: number[];
  /** True when there is an `answer` column and every kept row's answer is `Yes` or `No`. */
  allAnswersYesNo: boolean;
  /** True when every kept row's answer is yes or no in any letter case (AMBER's `yes`/`no`). */
  allAnswersYesNoAnyCase: boolean;
  /** How cells are read and rendered (typed as pandas does, or literal). */
  cells: PandasRows;
  /**
   * Per kept row, its 0-based ordinal among all data records (what pandas types by); empty when
   * no record was dropped, each ordinal being then the row's position (see {@linkcode ordinalAt}).
   */
  ordinals: Uint32Array;
}

/**
 * Per-row numbers, appended in the validating pass: typed arrays (1 to 8 bytes a row, outside
 * the JavaScript heap's objects) that double as they fill, cut to size at the end. Offsets and
 * image counts start narrow and widen when a value needs it (a file past 4 GiB, a row of more
 * than 255 images). Lines and ordinals are kept only from the first row that needs them (one
 * after a record of several lines, or after a dropped row); before, each is found from the row's
 * position ({@linkcode lineAt}, {@linkcode ordinalAt}).
 */
export class RowColumns {
  offsets: Uint32Array | Float64Array = new Uint32Array(1024);
  /** Each row's bytes; empty while every row ends `rowGap` bytes before the next starts. */
  lengths = new Uint32Array(0);
  /** Bytes between the first two rows (-1 before the second). */
  rowGap = -1;
  /** Bytes of the last row pushed. */
  lastLength = 0;
  imageCounts: Uint8Array | Uint32Array = new Uint8Array(1024);
  /** Each row's 1-based line; empty while every line is its ordinal + 2. */
  lines = new Uint32Array(0);
  /** Each row's ordinal among all data records; empty while every ordinal is its position. */
  ordinals = new Uint32Array(0);
  length = 0;

  /** The bytes of the row at `position` (see {@linkcode lengthAt}). */
  lengthAt(position: number): number {
    if (this.lengths.length > 0) return this.lengths[position];
    if (position === this.length - 1) return this.lastLength;
    return this.offsets[position + 1] - this.offsets[position] - this.rowGap;
  }

  push(offset: number, length: number, line: number, imageCount: number, ordinal: number): void {
    if (offset > 0xffff_ffff && this.offsets instanceof Uint32Array) {
      this.offsets = Float64Array.from(this.offsets);
    }
    if (imageCount > 0xff && this.imageCounts instanceof Uint8Array) {
      this.imageCounts = Uint32Array.from(this.imageCounts);
    }
    const at = this.length;
    if (at === this.offsets.length) {
      this.offsets = grownArray(this.offsets, at * 2);
      if (this.lengths.length > 0) this.lengths = grownArray(this.lengths, at * 2);
      this.imageCounts = grownArray(this.imageCounts, at * 2);
      if (this.ordinals.length > 0) this.ordinals = grownArray(this.ordinals, at * 2);
      if (this.lines.length > 0) this.lines = grownArray(this.lines, at * 2);
    }
    if (this.lengths.length === 0 && at > 0) {
      const gap = offset - this.offsets[at - 1] - this.lastLength;
      if (this.rowGap < 0) this.rowGap = gap;
      if (gap !== this.rowGap) {
        // The first row whose length the next row's offset does not give (a dropped row or a
        // blank line before it): the lengths so far are written out, and every later one kept.
        const lengths = new Uint32Array(this.offsets.length);
        for (let k = 0; k < at; k++) lengths[k] = this.lengthAt(k);
        this.lengths = lengths;
      }
    }
    this.length++;
    this.offsets[at] = offset;
    if (this.lengths.length > 0) this.lengths[at] = length;
    this.lastLength = length;
    this.imageCounts[at] = imageCount;
    // The first row whose ordinal (or line) the position does not give: the earlier rows' are
    // written out, and every later row's kept.
    if (this.ordinals.length === 0 && ordinal !== at) {
      this.ordinals = new Uint32Array(this.offsets.length);
      for (let k = 0; k < at; k++) this.ordinals[k] = k;
    }
    if (this.ordinals.length > 0) this.ordinals[at] = ordinal;
    if (this.lines.length === 0 && line !== ordinal + 2) {
      this.lines = new Uint32Array(this.offsets.length);
      for (let k = 0; k < at; k++) this.lines[k] = ordinalAt(this, k) + 2;
    }
    if (this.lines.length > 0) this.lines[at] = line;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function fail(problem: string, at: DatasetLocation, cause?: unknown): never {
  throw new DatasetFormatError(`Cannot open dataset ${describeLocation(at)}: ${problem}`, at, {
    cause,
  });
}

function decodeField(bytes: Uint8Array, at: DatasetLocation): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    fail("the text is not valid UTF-8", at, error);
  }
}

/** Longest ASCII field turned into text in JavaScript: below this a decoder call costs more. */
const SHORT_ASCII = 64;

function isAscii(bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) if (bytes[k] >= 0x80) return false;
  return true;
}

/**
 * Checks that every field but the image is UTF-8, in column order, without making text of
 * them: ASCII fields (most cells) are checked byte by byte, others by the decoder.
 */
function checkFields(fields: Uint8Array[], columns: ColumnPlan, at: DatasetLocation): void {
  for (let k = 0; k < fields.length; k++) {
    if (k !== columns.image && !isAscii(fields[k])) {
      decodeField(fields[k], { ...at, field: columns.header[k] });
    }
  }
}

/** A field already checked by {@linkcode checkFields}, as text. */
function checkedText(bytes: Uint8Array): string {
  if (bytes.length <= SHORT_ASCII && isAscii(bytes)) {
    return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  return utf8.decode(bytes);
}

function planColumns(record: TsvRecord | undefined, file: string): ColumnPlan {
  if (!record) fail("the file is empty (no header line)", { file, line: 1 });
  const header = record.fields.map((bytes) => decodeField(bytes, { file, line: 1 }));
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) fail(`the header names column "${name}" twice`, { file, line: 1 });
    seen.add(name);
  }
  for (const required of ["index", "question"]) {
    if (!seen.has(required)) {
      fail(`the header has no "${required}" column`, { file, line: 1, field: required });
    }
  }
  if (!seen.has("image") && !seen.has("image_path")) {
    fail('the header has neither an "image" nor an "image_path" column', {
      file,
      line: 1,
      field: "image",
    });
  }
  return {
    header,
    index: header.indexOf("index"),
    image: header.indexOf("image"),
    imagePath: header.indexOf("image_path"),
    answer: header.indexOf("answer"),
  };
}

/** Where each kept row's line and ordinal are: a {@linkcode RowIndex}, or its pass's columns. */
type LinesAndOrdinals = Pick<RowIndex, "lines" | "ordinals">;

/** The ordinal among all data records of the kept row at `position`. */
export function ordinalAt(index: LinesAndOrdinals, position: number): number {
  return index.ordinals.length === 0 ? position : index.ordinals[position];
}

/** The bytes of the kept row at `position` in the file (its line ending left out). */
export function lengthAt(index: RowIndex, position: number): number {
  if (index.lengths.length > 0) return index.lengths[position];
  if (position === index.offsets.length - 1) return index.lastLength;
  return index.offsets[position + 1] - index.offsets[position] - index.rowGap;
}

/** The 1-based line of the file where the kept row at `position` starts. */
export function lineAt(index: LinesAndOrdinals, position: number): number {
  return index.lines.length === 0 ? ordinalAt(index, position) + 2 : index.lines[position];
}

/**
 * Reads the whole file once, checking the header, every row's field count, unique indices,
 * `image` references (they must resolve to a row holding image data: no chains) and
 * `image_path` safety, and returns the per-row metadata.
 *
 * @throws {DatasetFormatError} naming the file, line, index and field of the first problem.
 */
export async function buildRowIndex(
  path: string,
  file: Deno.FsFile,
  reading: CellReading = "pandas",
): Promise<RowIndex> {
  const folder = dirname(path);
  const records = readTsvRecords(file, path, 0, 1);
  const columns = planColumns((await records.next()).value || undefined, path);
  const width = columns.header.length;
  const numbers = new RowColumns();
  const index: RowIndex = {
    columns,
    offsets: new Uint32Array(0),
    lengths: new Uint32Array(0),
    rowGap: 0,
    lastLength: 0,
    lines: new Uint32Array(0),
    indices: new IndexColumn(),
    imageCounts: new Uint8Array(0),
    referenceTargets: new Int32Array(0),
    skippedRows: 0,
    skippedLines: [],
    allAnswersYesNo: columns.answer >= 0,
    allAnswersYesNoAnyCase: columns.answer >= 0,
    cells: new PandasRows(columns.header, reading),
    ordinals: new Uint32Array(0),
  };
  const pendingReferences = new PendingReferences();
  // One location for every row: it leaves the loop only in the error that ends it (no object
  // per row, issue 19).
  const at: DatasetLocation = { file: path, line: 0, index: undefined };
  for await (const record of records) {
    at.line = record.line;
    at.index = undefined;
    if (record.fields.length !== width) {
      if (columns.index < record.fields.length) {
        at.index = decodeField(record.fields[columns.index], at);
      }
      fail(`the row has ${record.fields.length} fields: expected ${width} as in the header`, at);
    }
    checkFields(record.fields, columns, at);
    at.index = checkedText(record.fields[columns.index]);
    if (at.index === "") fail("the index is empty", { ...at, field: "index" });

    let imageCount = 0;
    let reference: string | undefined;
    if (columns.image >= 0 && index.cells.imageMissing(record.fields[columns.image])) {
      index.cells.add(record.fields, false);
      index.skippedRows++;
      if (index.skippedLines.length < 20) index.skippedLines.push(record.line);
      continue;
    }
    if (columns.image >= 0) {
      let shape;
      try {
        shape = imageCellShape(record.fields[columns.image]);
      } catch (error) {
        fail(
          `the value cannot be read: ${(error as Error).message}`,
          { ...at, field: "image" },
          error,
        );
      }
      if (shape.kind === "none") {
        index.skippedRows++;
        if (index.skippedLines.length < 20) index.skippedLines.push(record.line);
        continue;
      }
      if (shape.kind === "reference") reference = shape.target;
      else imageCount = shape.count;
      if (at.index.includes("/") || at.index.includes("\0")) {
        fail("an index used to name image files cannot contain '/' or NUL", {
          ...at,
          field: "index",
        });
      }
    }
    const earlier = index.indices.positionOf(at.index);
    if (earlier !== undefined) {
      fail(`the index is not unique: line ${lineAt(numbers, earlier)} has it too`, {
        ...at,
        field: "index",
      });
    }

    const pathCount = columns.imagePath >= 0
      ? checkPathCell(
        checkedText(record.fields[columns.imagePath]),
        { ...at, field: "image_path" },
        folder,
        columns,
      )
      : 0;
    if (imageCount > 0 && pathCount > 0 && pathCount !== imageCount) {
      fail(`it names ${pathCount} files for ${imageCount} images`, { ...at, field: "image_path" });
    }

    const position = index.indices.size;
    const ordinal = index.cells.add(record.fields, true);
    if (reference !== undefined) {
      pendingReferences.push(position, reference, pathCount);
    }
    numbers.push(record.offset, record.length, record.line, imageCount, ordinal);
    index.indices.push(at.index);
    if (columns.answer >= 0) {
      const answer = checkedText(record.fields[columns.answer]);
      if (answer !== "Yes" && answer !== "No") index.allAnswersYesNo = false;
      const lower = answer.toLowerCase();
      if (lower !== "yes" && lower !== "no") index.allAnswersYesNoAnyCase = false;
    }
  }
  if (index.indices.size === 0) {
    index.allAnswersYesNo = false;
    index.allAnswersYesNoAnyCase = false;
  }
  // The pass's numbers, cut to size (the arrays above are placeholders until here).
  const size = numbers.length;
  index.offsets = grownArray(numbers.offsets, size);
  index.lengths = grownArray(numbers.lengths, numbers.lengths.length === 0 ? 0 : size);
  index.rowGap = numbers.rowGap;
  index.lastLength = numbers.lastLength;
  // Lines and ordinals only where the positions do not give them: 8 bytes a row saved in most
  // files (issue 19).
  index.lines = grownArray(numbers.lines, numbers.lines.length === 0 ? 0 : size);
  index.imageCounts = grownArray(numbers.imageCounts, size);
  index.ordinals = grownArray(numbers.ordinals, numbers.ordinals.length === 0 ? 0 : size);
  index.referenceTargets = new Int32Array(size).fill(-1);
  index.cells.finish();
  renderIndices(index, path);
  resolveReferences(index, pendingReferences, path);
  return index;
}

/**
 * Puts each index as the cells are read (pandas shows `007` in an integer column as `7`), and
 * checks again that they are unique: VLMEvalKit names images and predictions by this text.
 */
function renderIndices(index: RowIndex, file: string): void {
  const column = index.columns.index;
  const { indices } = index;
  let p = 0;
  while (p < indices.size) {
    const raw = indices.at(p);
    if (index.cells.render(column, ordinalAt(index, p), raw) !== raw) break;
    p++;
  }
  if (p === indices.size) return;
  const rendered = new IndexColumn();
  for (p = 0; p < indices.size; p++) {
    const raw = indices.at(p);
    const text = index.cells.render(column, ordinalAt(index, p), raw);
    const earlier = rendered.positionOf(text);
    if (earlier !== undefined) {
      fail(
        `the index reads as ${text}, as line ${lineAt(index, earlier)}'s does (pandas reads ` +
          `the index column as numbers; --literal-cells keeps the text)`,
        { file, line: lineAt(index, p), index: raw, field: "index" },
      );
    }
    rendered.push(text);
  }
  index.indices = rendered;
}

function checkPathCell(
  text: string,
  at: DatasetLocation,
  folder: string,
  columns: ColumnPlan,
): number {
  let entries: string[];
  try {
    entries = pathCellValues(text);
  } catch (error) {
    fail(`the value cannot be read: ${(error as Error).message}`, at, error);
  }
  for (const entry of entries) {
    const checked = columns.image >= 0
      ? checkRootRelativePath(entry)
      : resolveInsideFolder(folder, entry);
    if ("problem" in checked) fail(`"${entry}" is refused: ${checked.problem}`, at);
  }
  return entries.length;
}

/**
 * The rows whose image cell names another row, found in the validating pass: typed arrays and
 * an index column rather than an object or a string each (most rows of a large benchmark are
 * references).
 */
class PendingReferences {
  positions = new Uint32Array(1024);
  /** Files each reference row names in `image_path`: kept from the first that names any. */
  #pathCounts = new Uint32Array(0);
  targets = new IndexColumn();

  get length(): number {
    return this.targets.size;
  }

  /** Files the `k`th reference row names in `image_path` (0: none). */
  pathCount(k: number): number {
    return k < this.#pathCounts.length ? this.#pathCounts[k] : 0;
  }

  push(position: number, target: string, pathCount: number): void {
    const at = this.targets.size;
    if (at === this.positions.length) this.positions = grownArray(this.positions, at * 2);
    if (pathCount > 0 || this.#pathCounts.length > 0) {
      if (at >= this.#pathCounts.length) {
        this.#pathCounts = grownArray(this.#pathCounts, this.positions.length);
      }
      this.#pathCounts[at] = pathCount;
    }
    this.positions[at] = position;
    this.targets.push(target);
  }
}

/** Where a reference row's problem is: made only for an error (most rows may be references). */
function referenceLocation(
  index: RowIndex,
  file: string,
  position: number,
  field: string,
): DatasetLocation {
  return { file, line: lineAt(index, position), index: index.indices.at(position), field };
}

function resolveReferences(index: RowIndex, pending: PendingReferences, file: string): void {
  // Every reference row is marked first (-2), so that a target that is itself one is refused.
  const targets = index.referenceTargets;
  for (let k = 0; k < pending.length; k++) targets[pending.positions[k]] = -2;
  for (let k = 0; k < pending.length; k++) {
    const position = pending.positions[k];
    const target = pending.targets.at(k);
    const pathCount = pending.pathCount(k);
    const targetPosition = index.indices.positionOf(target);
    if (targetPosition === undefined) {
      fail(
        `the value "${target}" (64 characters or fewer) must be the index of a row with image data, and no row has that index`,
        referenceLocation(index, file, position, "image"),
      );
    }
    if (targets[targetPosition] !== -1) {
      fail(
        `it references index "${target}" (line ${
          lineAt(index, targetPosition)
        }), which is itself a reference: chains are not allowed`,
        referenceLocation(index, file, position, "image"),
      );
    }
    const count = index.imageCounts[targetPosition];
    if (pathCount > 0 && pathCount !== count) {
      fail(
        `it names ${pathCount} files for ${count} images`,
        referenceLocation(index, file, position, "image_path"),
      );
    }
    index.imageCounts[position] = count;
    targets[position] = targetPosition;
  }
}
