import { isAbsolute, normalize, posix, relative, resolve } from "node:path";

/**
 * Checks an `image_path` entry that will be joined under an image root. Returns the normalised
 * relative path, or a reason it is refused: empty, NUL, absolute, or escaping through `..`.
 */
export function checkRootRelativePath(name: string): { path: string } | { problem: string } {
  if (name.length === 0) return { problem: "the path is empty" };
  if (name.includes("\0")) return { problem: "the path contains a NUL character" };
  if (isAbsolute(name)) return { problem: "absolute paths are not allowed" };
  const path = posix.normalize(name);
  if (path === "." || path.endsWith("/")) return { problem: "the path does not name a file" };
  if (path === ".." || path.startsWith("../")) {
    return { problem: "the path leaves the image folder through '..'" };
  }
  return { path };
}

/**
 * Resolves a meta-only `image_path` entry against the dataset's folder. Relative paths are taken
 * from that folder (never the working directory); the result must stay inside it.
 */
export function resolveInsideFolder(
  folder: string,
  name: string,
): { path: string } | { problem: string } {
  if (name.length === 0) return { problem: "the path is empty" };
  if (name.includes("\0")) return { problem: "the path contains a NUL character" };
  const base = resolve(folder);
  const path = resolve(base, normalize(name));
  const rel = relative(base, path);
  if (rel === "" || rel === ".." || rel.startsWith("../") || isAbsolute(rel)) {
    return { problem: `the path leaves the dataset folder "${base}"` };
  }
  return { path };
}
