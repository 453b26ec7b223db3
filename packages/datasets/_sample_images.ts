import { dirname, isAbsolute, resolve } from "node:path";
import { type DatasetLocation, describeLocation, SampleInputError } from "./errors.ts";
import { imageCellValues, pathCellValues } from "./_image_cells.ts";
import { detectImageFormat, hexHead, imageTruncation } from "@vlmeval/internal";
import { storeImageFile } from "./image_store.ts";
import type { RowIndex } from "./_row_index.ts";
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
 * the cell it came from (`<row position>:<image number>`) and the file's size, modification time
 * and inode then; and the format of each such cell. A row's cell never changes while the
 * dataset is open, so a later row naming the same image (VLMEvalKit files reference one image
 * from many rows) whose file still has that size, time and inode needs one `stat`, no decoding,
 * reading or comparing. Entries: one per distinct image.
 */
export interface StoredImages {
  files: Map<string, { cell: string; stamp: string }>;
  formats: Map<string, string>;
}

/** Size, modification time and inode of a file, or "" when it cannot be read. */
function fileStamp(path: string): string {
  try {
    const info = Deno.statSync(path);
    return `${info.size}:${info.mtime?.getTime()}:${info.ino}`;
  } catch {
    return "";
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
    line: rows.lines[position],
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
    const cell = `${target}:${k}`;
    let bytes: Uint8Array | undefined;
    let ext = source.stored.formats.get(cell);
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
    const known = source.stored.files.get(path);
    if (known?.cell !== cell || known.stamp === "" || known.stamp !== fileStamp(path)) {
      try {
        await storeImageFile(path, bytes ?? decodeImage(valueAt(k), at, label));
      } catch (error) {
        fail(`the file "${path}" cannot be written`, at, error);
      }
      source.stored.files.set(path, { cell, stamp: fileStamp(path) });
      source.stored.formats.set(cell, ext);
    }
    paths.push(path);
  }
  return paths;
}
