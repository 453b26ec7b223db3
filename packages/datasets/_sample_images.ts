import { dirname, isAbsolute, resolve } from "node:path";
import { type DatasetLocation, describeLocation, SampleInputError } from "./errors.ts";
import { imageCellValues, pathCellValues } from "./_image_cells.ts";
import {
  detectImageFormat,
  grownArray,
  hexHead,
  imageTruncation,
  IndexColumn,
} from "@vlmeval/internal";
import { storeImageFile } from "./image_store.ts";
import { lineAt, type RowIndex } from "./_row_index.ts";
import { checkRootRelativePath, resolveInsideFolder } from "./_safe_path.ts";

/** What image resolution needs from an open dataset. */
export interface ImageSource {
  path: string;
  rows: RowIndex;
  /** The fields of the row at a position, as bytes. */
  readFields(position: number): Promise<Uint8Array[]>;
  /** What this process already stored: see {@link StoredImages}. */
  stored: StoredImages;
}

/**
 * The images one open dataset has written (or found identical) in this process: for each path,
 * the cell it came from (row position and image number) and the file's size, modification time
 * and inode then; and the format of each such cell. A row's cell never changes while the
 * dataset is open, so a later row naming the same image (VLMEvalKit files reference one image
 * from many rows) whose file still has that size, time and inode needs one `stat`, no decoding,
 * reading or comparing. Kept in typed arrays keyed by an {@linkcode IndexColumn} of the paths: a
 * few dozen bytes an image, where strings and an object each cost about 200 (issue 19).
 *
 * Only the paths of the last one to two generations (of `generation` paths each) are kept, so a
 * run's memory does not grow with its images: a row naming an image stored further back has
 * its image decoded and compared again, as on a first sight (the answer is the same, the work
 * a little more). References point back a few rows in the files seen (circular variants of one
 * question), well inside a generation. Each row's first image format stays known (a byte a row);
 * the formats of rows' later images are kept with the generation that stored them.
 */
export class StoredImages {
  #generation: number;
  #current = new StoredPaths();
  #previous: StoredPaths | undefined;
  /** Format of each row's first image, by position: 1 + its place in `#extensions`, 0 unknown. */
  #firstFormats: Uint8Array;
  #extensions: string[] = [];

  /**
   * An empty store for a dataset of `rows` rows, keeping the paths of at most two generations
   * of `generation` images (default {@linkcode STORED_PATHS_GENERATION}).
   */
  constructor(rows: number, generation = STORED_PATHS_GENERATION) {
    this.#firstFormats = new Uint8Array(rows);
    this.#generation = Math.max(1, generation);
  }

  /**
   * The file extension of image `k` of the row at `position`, once known: always for a first
   * image, for a later one while the generation that stored it is kept.
   */
  format(position: number, k: number): string | undefined {
    if (k > 0) {
      const key = `${position}:${k}`;
      return this.#current.otherFormats.get(key) ?? this.#previous?.otherFormats.get(key);
    }
    const code = this.#firstFormats[position];
    return code === 0 ? undefined : this.#extensions[code - 1];
  }

  /**
   * True when `path` was stored from image `k` of the row at `position` and the file still has
   * the size, modification time and inode it had then (false for a path forgotten since).
   */
  isCurrent(path: string, position: number, k: number): boolean {
    let kept = this.#current;
    let entry = kept.paths.positionOf(path);
    if (entry === undefined && this.#previous !== undefined) {
      kept = this.#previous;
      entry = kept.paths.positionOf(path);
    }
    if (entry === undefined) return false;
    const at = entry * PATH_NUMBERS;
    const numbers = kept.numbers;
    if (numbers[at] !== position || numbers[at + 1] !== k || Number.isNaN(numbers[at + 2])) {
      return false;
    }
    const stamp = fileStamp(path);
    // A file system without times or inodes gives NaN for them, the same each time.
    return stamp !== undefined && stamp.size === numbers[at + 2] &&
      Object.is(stamp.mtime, numbers[at + 3]) && Object.is(stamp.ino, numbers[at + 4]);
  }

  /** Records that `path` now holds image `k` (format `ext`) of the row at `position`. */
  remember(path: string, position: number, k: number, ext: string): void {
    let kept = this.#current;
    let entry = kept.paths.positionOf(path);
    if (entry === undefined) {
      if (kept.paths.size >= this.#generation) {
        // The older generation is forgotten; what the newer holds stays findable.
        this.#previous = kept;
        this.#current = kept = new StoredPaths();
      }
      entry = kept.paths.size;
      kept.paths.push(path);
      if ((entry + 1) * PATH_NUMBERS > kept.numbers.length) {
        kept.numbers = grownArray(kept.numbers, kept.numbers.length * 2);
      }
    }
    const stamp = fileStamp(path);
    kept.numbers.set(
      [position, k, stamp?.size ?? NaN, stamp?.mtime ?? NaN, stamp?.ino ?? NaN],
      entry * PATH_NUMBERS,
    );
    if (k > 0) {
      kept.otherFormats.set(`${position}:${k}`, ext);
      return;
    }
    let code = this.#extensions.indexOf(ext) + 1;
    if (code === 0) code = this.#extensions.push(ext);
    this.#firstFormats[position] = code;
  }
}

/** Images whose paths one generation of {@linkcode StoredImages} keeps. */
export const STORED_PATHS_GENERATION = 4096;

/** One generation of stored paths, each with its numbers. */
class StoredPaths {
  paths = new IndexColumn();
  /** Per path: row position, image number, size, modification time, inode (NaN: unknown). */
  numbers = new Float64Array(PATH_NUMBERS * 256);
  /** Formats of rows' later images stored in this generation, by `<position>:<number>`. */
  otherFormats = new Map<string, string>();
}

/** Numbers kept per stored path (see `StoredImages.#numbers`). */
const PATH_NUMBERS = 5;

/** Size, modification time and inode of a file, or undefined when it cannot be read. */
function fileStamp(path: string): { size: number; mtime: number; ino: number } | undefined {
  try {
    const info = Deno.statSync(path);
    return { size: info.size, mtime: info.mtime?.getTime() ?? NaN, ino: info.ino ?? NaN };
  } catch {
    return undefined;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

let lastRoot: { given: string; resolved: string } | undefined;

/** `resolve(imageRoot)`, remembered for an absolute root (every row of a run names the same). */
function resolvedRoot(imageRoot: string): string {
  if (lastRoot?.given === imageRoot) return lastRoot.resolved;
  const resolved = resolve(imageRoot);
  // A relative root depends on the working folder, which may change: resolved each time.
  if (isAbsolute(imageRoot)) lastRoot = { given: imageRoot, resolved };
  return resolved;
}

function fail(problem: string, at: DatasetLocation, cause?: unknown): never {
  throw new SampleInputError(`Cannot use the image of ${describeLocation(at)}: ${problem}`, at, {
    cause,
  });
}

function cellText(fields: Uint8Array[], column: number): string {
  return column >= 0 ? utf8.decode(fields[column]) : "";
}

async function metaOnlyPaths(source: ImageSource, fields: Uint8Array[], at: DatasetLocation) {
  const entries = pathCellValues(cellText(fields, source.rows.columns.imagePath));
  if (entries.length === 0) fail("the row has no image_path", at);
  const paths: string[] = [];
  for (const entry of entries) {
    const checked = resolveInsideFolder(dirname(source.path), entry);
    if ("problem" in checked) fail(`"${entry}" is refused: ${checked.problem}`, at);
    const info = await Deno.stat(checked.path).catch((error) => {
      fail(`the file "${checked.path}" cannot be read`, at, error);
    });
    if (!info.isFile) fail(`"${checked.path}" is not a file`, at);
    paths.push(checked.path);
  }
  return paths;
}

function decodeImage(value: string, at: DatasetLocation, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.fromBase64(value);
  } catch (error) {
    fail(`${what} is not valid base64`, at, error);
  }
  return bytes;
}

/**
 * Writes the row's images under `imageRoot` (once: an identical file is reused) and returns their
 * absolute paths, in order. Meta-only rows return their existing files instead.
 *
 * @throws {SampleInputError} for bad base64, an unknown image format, a missing meta-only file or
 * a write failure; only this sample is affected.
 */
export async function sampleImagePaths(
  source: ImageSource,
  position: number,
  imageRoot: string,
): Promise<string[]> {
  const { rows } = source;
  const at: DatasetLocation = {
    file: source.path,
    line: lineAt(rows, position),
    index: rows.indices.at(position),
    field: "image",
  };
  const fields = await source.readFields(position);
  if (rows.columns.image < 0) return metaOnlyPaths(source, fields, { ...at, field: "image_path" });

  const reference = rows.referenceTargets[position];
  const target = reference >= 0 ? reference : position;
  const targetFields = target === position ? fields : await source.readFields(target);
  // The image cell is made text only when an image must be decoded: a row whose image this
  // process already stored needs its count alone (known since the dataset was opened), not a
  // decode of its base64 text, which can be megabytes (issue 19's profile).
  const count = rows.imageCounts[target];
  let values: string[] | undefined;
  const valueAt = (k: number) =>
    (values ??= imageCellValues(cellText(targetFields, rows.columns.image)))[k];
  let names = pathCellValues(cellText(fields, rows.columns.imagePath));
  if (names.length === 0 && target !== position) {
    names = pathCellValues(cellText(targetFields, rows.columns.imagePath));
  }
  const namingIndex = rows.indices.at(target);
  const what = target === position ? "the value" : `the image of index "${namingIndex}"`;
  const root = resolvedRoot(imageRoot);
  const paths: string[] = [];
  for (let k = 0; k < count; k++) {
    const label = count > 1 ? `${what} (image ${k})` : what;
    let bytes: Uint8Array | undefined;
    let ext = source.stored.format(target, k);
    if (ext === undefined) {
      bytes = decodeImage(valueAt(k), at, label);
      const format = detectImageFormat(bytes);
      if (!format) {
        fail(
          `${label} is not a PNG, JPEG, GIF, WebP or BMP image (it starts with ${hexHead(bytes)})`,
          at,
        );
      }
      const truncated = imageTruncation(bytes, format);
      if (truncated) fail(`${label} cannot be decoded: ${truncated}`, at);
      ext = format.ext;
    }
    let name = count > 1 ? `${namingIndex}_${k}.${ext}` : `${namingIndex}.${ext}`;
    if (names.length > 0) {
      const checked = checkRootRelativePath(names[k]);
      if ("problem" in checked) fail(`"${names[k]}" is refused: ${checked.problem}`, at);
      name = checked.path;
    }
    // A name made of the index has no "/" (refused at open) and is never "." or ".." (it has an
    // extension): it joins the root as it is, without normalizing the path again.
    const path = names.length === 0 && root !== "/" ? `${root}/${name}` : resolve(root, name);
    if (!source.stored.isCurrent(path, target, k)) {
      try {
        await storeImageFile(path, bytes ?? decodeImage(valueAt(k), at, label));
      } catch (error) {
        fail(`the file "${path}" cannot be written`, at, error);
      }
      source.stored.remember(path, target, k, ext);
    }
    paths.push(path);
  }
  return paths;
}
