import { isAbsolute, join, resolve, sep } from "node:path";
import { BadVideoError } from "@vlmeval/media";

/** Extensions tried, in order, after the name as given (VLMEvalKit hard-codes `.mp4`). */
export const VIDEO_EXTENSIONS = [
  ".mp4",
  ".mkv",
  ".webm",
  ".mov",
  ".avi",
  ".m4v",
  ".flv",
  ".mpg",
  ".mpeg",
  ".ts",
  ".wmv",
  ".gif",
] as const;

/**
 * Checks that a `video` value from a dataset is a relative path that stays inside its root:
 * not empty, not absolute, no `..` or `.` segment, no backslash, no NUL.
 *
 * @throws {TypeError} naming the value when it would escape or is malformed
 */
export function checkVideoName(name: string): void {
  const fail = (why: string) => {
    throw new TypeError(
      `Cannot use video name ${JSON.stringify(name)} as it ${why}: video names are paths ` +
        `relative to the video folder`,
    );
  };
  if (name === "") fail("is empty");
  if (name.includes("\0")) fail("contains a NUL character");
  if (name.includes("\\")) fail("contains a backslash");
  if (isAbsolute(name) || /^[a-zA-Z]:/.test(name)) fail("is absolute");
  const segments = name.split("/");
  if (segments.some((s) => s === ".." || s === "." || s === "")) {
    fail("has an empty, '.' or '..' segment");
  }
}

/**
 * Finds the file of a dataset's `video` value under `videoRoot`: the name as given, then with
 * each of {@link VIDEO_EXTENSIONS}.
 *
 * @throws {TypeError} when the name would escape `videoRoot` (see {@link checkVideoName})
 * @throws {BadVideoError} with reason `missing-file` naming every path tried
 *
 * @example
 * ```ts ignore
 * import { resolveVideoPath } from "@vlmeval/datasets";
 * await resolveVideoPath("/data/Shapes_Video/video", "clip01"); // ".../video/clip01.mp4"
 * ```
 */
export async function resolveVideoPath(videoRoot: string, name: string): Promise<string> {
  checkVideoName(name);
  const root = resolve(videoRoot);
  const base = join(root, name);
  if (!base.startsWith(root + sep)) {
    throw new TypeError(`Cannot use video name ${JSON.stringify(name)} as it leaves ${root}`);
  }
  const tried = [base, ...VIDEO_EXTENSIONS.map((ext) => base + ext)];
  for (const path of tried) {
    const info = await Deno.stat(path).catch(() => undefined);
    if (info?.isFile) return path;
  }
  throw new BadVideoError(
    "missing-file",
    base,
    `tried ${tried.map((p) => p.slice(root.length + 1)).join(", ")} in ${root}`,
  );
}
