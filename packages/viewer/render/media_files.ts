/**
 * Where a sample's images live in the media cache (`<work-dir>/images/`, laid out by
 * `@vlmeval/media`): an image benchmark's decoded images as `<dataset>/<index>.<ext>` (or
 * `<index>_<k>.<ext>` for several, or the row's `image_path` names), a video benchmark's
 * sampled frames as `<base>/<video>/` with a `.frames-<setting>.json` manifest; and small JPEG
 * thumbnails of them.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { join, relative } from "node:path";
import jpeg from "jpeg-js";
import { looksLikeList, parsePythonStringList } from "@vlmeval/internal";
import { decodeImageBytes } from "@vlmeval/media";
import type { Row } from "@vlmeval/schema";
import { relativeUrl } from "./html.ts";

const IMAGE_EXTS = ["png", "jpg", "jpeg", "gif", "webp", "bmp"];
const VIDEO_NAME = /^(.*?)_(?:(\d+)frame|(\d+(?:\.\d+)?)fps(?:_max(\d+))?)(?:_(pack|nopack))?$/;

/** A benchmark name's media cache folder and, for video, its frame setting's manifest name. */
export function mediaFolderOf(dataset: string): { folder: string; manifest?: string } {
  const m = dataset.match(VIDEO_NAME);
  if (!m) return { folder: dataset };
  const setting = m[2] !== undefined ? `${m[2]}frame` : `${m[3]}fps${m[4] ? `-max${m[4]}` : ""}`;
  return { folder: m[1], manifest: `.frames-${setting}.json` };
}

/** A name that stays inside its folder: no separator leading out, no `..`, not absolute. */
function isInside(name: string): boolean {
  if (name === "" || name.startsWith("/") || name.includes("\\") || name.includes("\0")) {
    return false;
  }
  return !name.split("/").some((part) => part === ".." || part === "");
}

/** The media cache of one benchmark, listed once. */
export class MediaIndex {
  readonly #root: string;
  readonly #manifest?: string;
  readonly #names: Set<string>;
  readonly #frames = new Map<string, Promise<string[]>>();

  private constructor(root: string, names: Set<string>, manifest?: string) {
    this.#root = root;
    this.#names = names;
    this.#manifest = manifest;
  }

  /** Lists `<work-dir>/images/<folder>/`; an absent folder has no media. */
  static open(workDir: string, dataset: string): MediaIndex {
    const { folder, manifest } = mediaFolderOf(dataset);
    const root = join(workDir, "images", folder);
    const names = new Set<string>();
    if (isInside(folder)) {
      try {
        // One synchronous listing: a folder of 100k images is listed without 100k promises.
        for (const entry of Deno.readDirSync(root)) names.add(entry.name);
      } catch {
        // No cache for this benchmark: rows show no media.
      }
    }
    return new MediaIndex(root, names, manifest);
  }

  /** True when the benchmark has cached media. */
  get isEmpty(): boolean {
    return this.#names.size === 0;
  }

  /** The absolute path of a name {@linkcode MediaIndex.filesOf} returned. */
  pathOf(name: string): string {
    return join(this.#root, name);
  }

  /** The media folder as a relative URL from `dir` (no trailing `/`). */
  linkBase(dir: string): string {
    return relativeUrl(relative(dir, this.#root));
  }

  /**
   * A row's images or sampled frames, in order, as paths inside the media folder (none when not
   * cached).
   */
  async filesOf(row: Row): Promise<string[]> {
    if (this.#names.size === 0) return [];
    if (row.video !== undefined && this.#manifest) return await this.#framesOf(row.video);
    const index = row.index ?? "";
    for (const ext of IMAGE_EXTS) {
      if (this.#names.has(`${index}.${ext}`)) return [`${index}.${ext}`];
    }
    const several: string[] = [];
    for (let k = 0;; k++) {
      const ext = IMAGE_EXTS.find((e) => this.#names.has(`${index}_${k}.${e}`));
      if (!ext) break;
      several.push(`${index}_${k}.${ext}`);
    }
    if (several.length > 0) return several;
    const paths = row.image_path ?? "";
    const listed = looksLikeList(paths) ? safeList(paths) : paths ? [paths] : [];
    return listed.filter((name) => isInside(name) && this.#names.has(name.split("/")[0]));
  }

  #framesOf(video: string): Promise<string[]> {
    let frames = this.#frames.get(video);
    if (!frames) {
      frames = this.#readFrames(video);
      this.#frames.set(video, frames);
    }
    return frames;
  }

  async #readFrames(video: string): Promise<string[]> {
    if (!isInside(video) || video.includes("/") || !this.#names.has(video)) return [];
    let manifest: { frames?: { name?: unknown }[] };
    try {
      manifest = JSON.parse(await Deno.readTextFile(join(this.#root, video, this.#manifest!)));
    } catch {
      return [];
    }
    return (Array.isArray(manifest.frames) ? manifest.frames : [])
      .map((f) => f?.name)
      .filter((name): name is string => typeof name === "string" && isInside(name))
      .map((name) => `${video}/${name}`);
  }
}

function safeList(text: string): string[] {
  try {
    return parsePythonStringList(text);
  } catch {
    return [];
  }
}

/** Thumbnail size: the longer side, in pixels. */
export const THUMBNAIL_PX = 96;
/** Thumbnails per sheet row; a sheet holds `SHEET_COLUMNS²` of them. */
const SHEET_COLUMNS = 8;

/** Where a thumbnail lies in its sheet: `[sheet, x, y, width, height]`, in pixels. */
export type ThumbnailRef = [number, number, number, number, number];

/** An image shrunk by averaging so its longer side is at most `maxSide`, as RGB. */
function shrink(path: string, bytes: Uint8Array, maxSide: number) {
  const image = decodeImageBytes(bytes, path);
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * image.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * image.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / width));
      const sum = [0, 0, 0];
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const p = (sy * image.width + sx) * 3;
          sum[0] += image.data[p];
          sum[1] += image.data[p + 1];
          sum[2] += image.data[p + 2];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const q = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) rgb[q + c] = Math.round(sum[c] / n);
    }
  }
  return { width, height, rgb };
}

/**
 * Small JPEG thumbnails of image files, packed into sheets of 8×8 cells of 96 pixels (one JPEG
 * encoding per sheet, not per image: the pure-JavaScript encoder spends ~35 ms setting up each
 * call) and each file made once. The page shows a thumbnail as its sheet, clipped.
 */
export class ThumbnailSheets {
  /** Finished sheets as `data:image/jpeg;base64,...` URLs. */
  readonly sheets: string[] = [];
  /** Each thumbnail's place, by id. */
  readonly thumbs: ThumbnailRef[] = [];
  readonly #ids = new Map<string, number>();
  #pixels = new Uint8Array(0);
  #cells = 0;

  /**
   * The id of `path`'s thumbnail (decoded, PNG or JPEG, and shrunk); undefined when the file
   * cannot be read or decoded.
   */
  async add(path: string): Promise<number | undefined> {
    if (this.#ids.has(path)) {
      const known = this.#ids.get(path)!;
      return known < 0 ? undefined : known;
    }
    let small;
    try {
      small = shrink(path, await Deno.readFile(path), THUMBNAIL_PX);
    } catch {
      this.#ids.set(path, -1);
      return undefined;
    }
    const side = SHEET_COLUMNS * THUMBNAIL_PX;
    if (this.#cells === 0) this.#pixels = new Uint8Array(side * side * 4).fill(255);
    const x0 = (this.#cells % SHEET_COLUMNS) * THUMBNAIL_PX;
    const y0 = Math.floor(this.#cells / SHEET_COLUMNS) * THUMBNAIL_PX;
    for (let y = 0; y < small.height; y++) {
      for (let x = 0; x < small.width; x++) {
        const p = (y * small.width + x) * 3;
        const q = ((y0 + y) * side + x0 + x) * 4;
        this.#pixels.set(small.rgb.subarray(p, p + 3), q);
      }
    }
    const id = this.thumbs.push([this.sheets.length, x0, y0, small.width, small.height]) - 1;
    this.#ids.set(path, id);
    if (++this.#cells === SHEET_COLUMNS * SHEET_COLUMNS) this.#flush();
    return id;
  }

  /** Encodes the sheet being filled, if any; call once every thumbnail is added. */
  finish(): void {
    if (this.#cells > 0) this.#flush();
  }

  #flush(): void {
    const side = SHEET_COLUMNS * THUMBNAIL_PX;
    const height = Math.ceil(this.#cells / SHEET_COLUMNS) * THUMBNAIL_PX;
    const data = Buffer.from(this.#pixels.buffer, 0, side * height * 4);
    const encoded = jpeg.encode({ data, width: side, height }, 75);
    this.sheets.push(`data:image/jpeg;base64,${new Uint8Array(encoded.data).toBase64()}`);
    this.#cells = 0;
  }
}
