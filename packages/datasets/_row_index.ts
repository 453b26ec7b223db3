import { dirname } from "node:path";
import { DatasetFormatError, type DatasetLocation, describeLocation } from "./errors.ts";
import { imageCellShape, pathCellValues } from "./_image_cells.ts";
import { checkRootRelativePath, resolveInsideFolder } from "./_safe_path.ts";
import { readTsvRecords, type TsvRecord } from "./_tsv_records.ts";
import { PandasRows } from "./_pandas_rows.ts";
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
  offsets: number[];
  lengths: number[];
  lines: number[];
  indices: string[];
  /** Images of the row (for a reference row, of its target); 0 for meta-only rows. */
  imageCounts: number[];
  /** Position of the row whose image a reference row shares. */
  referenceTargets: Map<number, number>;
  positions: Map<string, number>;
  /** Rows dropped because their `image` cell is empty (VLMEvalKit's `skip_noimg`). */
  skippedRows: number;
  /** True when there is an `answer` column and every kept row's answer is `Yes` or `No`. */
  allAnswersYesNo: boolean;
  /** True when every kept row's answer is yes or no in any letter case (AMBER's `yes`/`no`). */
  allAnswersYesNoAnyCase: boolean;
  /** How cells are read and rendered (typed as pandas does, or literal). */
  cells: PandasRows;
  /** Per kept row, its 0-based ordinal among all data records (what pandas types by). */
  ordinals: number[];
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
  const index: RowIndex = {
    columns,
    offsets: [],
    lengths: [],
    lines: [],
    indices: [],
    imageCounts: [],
    referenceTargets: new Map(),
    positions: new Map(),
    skippedRows: 0,
    allAnswersYesNo: columns.answer >= 0,
    allAnswersYesNoAnyCase: columns.answer >= 0,
    cells: new PandasRows(columns.header, reading),
    ordinals: [],
  };
  const pendingReferences: { position: number; target: string; pathCount: number }[] = [];
  for await (const record of records) {
    const at: DatasetLocation = { file: path, line: record.line };
    if (record.fields.length !== width) {
      if (columns.index < record.fields.length) {
        at.index = decodeField(record.fields[columns.index], at);
      }
      fail(`the row has ${record.fields.length} fields: expected ${width} as in the header`, at);
    }
    const cells = record.fields.map((bytes, k) =>
      k === columns.image ? "" : decodeField(bytes, { ...at, field: columns.header[k] })
    );
    at.index = cells[columns.index];
    if (at.index === "") fail("the index is empty", { ...at, field: "index" });

    let imageCount = 0;
    let reference: string | undefined;
    if (columns.image >= 0 && index.cells.imageMissing(record.fields[columns.image])) {
      index.cells.add(record.fields, false);
      index.skippedRows++;
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
    const earlier = index.positions.get(at.index);
    if (earlier !== undefined) {
      fail(`the index is not unique: line ${index.lines[earlier]} has it too`, {
        ...at,
        field: "index",
      });
    }

    const pathCount = columns.imagePath >= 0
      ? checkPathCell(cells[columns.imagePath], { ...at, field: "image_path" }, folder, columns)
      : 0;
    if (imageCount > 0 && pathCount > 0 && pathCount !== imageCount) {
      fail(`it names ${pathCount} files for ${imageCount} images`, { ...at, field: "image_path" });
    }

    const position = index.indices.length;
    index.ordinals.push(index.cells.add(record.fields, true));
    if (reference !== undefined) pendingReferences.push({ position, target: reference, pathCount });
    index.positions.set(at.index, position);
    index.offsets.push(record.offset);
    index.lengths.push(record.length);
    index.lines.push(record.line);
    index.indices.push(at.index);
    index.imageCounts.push(imageCount);
    if (columns.answer >= 0) {
      const answer = cells[columns.answer];
      if (answer !== "Yes" && answer !== "No") index.allAnswersYesNo = false;
      const lower = answer.toLowerCase();
      if (lower !== "yes" && lower !== "no") index.allAnswersYesNoAnyCase = false;
    }
  }
  if (index.indices.length === 0) {
    index.allAnswersYesNo = false;
    index.allAnswersYesNoAnyCase = false;
  }
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
  const encoder = new TextEncoder();
  const rendered = index.indices.map((raw, p) =>
    index.cells.render(column, index.ordinals[p], encoder.encode(raw))
  );
  if (rendered.every((text, p) => text === index.indices[p])) return;
  index.positions.clear();
  rendered.forEach((text, p) => {
    const earlier = index.positions.get(text);
    if (earlier !== undefined) {
      fail(
        `the index reads as ${text}, as line ${index.lines[earlier]}'s does (pandas reads ` +
          `the index column as numbers; --literal-cells keeps the text)`,
        { file, line: index.lines[p], index: index.indices[p], field: "index" },
      );
    }
    index.positions.set(text, p);
    index.indices[p] = text;
  });
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

function resolveReferences(
  index: RowIndex,
  pending: { position: number; target: string; pathCount: number }[],
  file: string,
): void {
  const isReference = new Set(pending.map((entry) => entry.position));
  for (const { position, target, pathCount } of pending) {
    const at: DatasetLocation = {
      file,
      line: index.lines[position],
      index: index.indices[position],
      field: "image",
    };
    const targetPosition = index.positions.get(target);
    if (targetPosition === undefined) {
      fail(
        `the value "${target}" (64 characters or fewer) must be the index of a row with image data, and no row has that index`,
        at,
      );
    }
    if (isReference.has(targetPosition)) {
      fail(
        `it references index "${target}" (line ${
          index.lines[targetPosition]
        }), which is itself a reference: chains are not allowed`,
        at,
      );
    }
    const count = index.imageCounts[targetPosition];
    if (pathCount > 0 && pathCount !== count) {
      fail(`it names ${pathCount} files for ${count} images`, { ...at, field: "image_path" });
    }
    index.imageCounts[position] = count;
    index.referenceTargets.set(position, targetPosition);
  }
}
