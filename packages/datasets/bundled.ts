/** Image benchmarks shipped with vlmeval, by name. */
const BUNDLED: Record<string, string> = {
  Shapes_MCQ: "Shapes_MCQ.tsv",
};

/**
 * Path of a bundled image benchmark (`Shapes_MCQ`: coloured shapes, multiple choice), or
 * undefined for other names.
 */
export function bundledDatasetPath(name: string): string | undefined {
  const file = BUNDLED[name];
  return file ? new URL(`./bundled/${file}`, import.meta.url).pathname : undefined;
}

/** Names of the bundled image benchmarks. */
export function bundledDatasetNames(): string[] {
  return Object.keys(BUNDLED);
}

/** Video benchmarks shipped with vlmeval, by base name. */
const BUNDLED_VIDEO: Record<string, string> = {
  Shapes_Video: "Shapes_Video.tsv",
};

/**
 * Path of a bundled video benchmark (`Shapes_Video`: synthetic clips about motion, counts and
 * colour changes, Video-MME-like; its clips are in `bundled/video/`), or undefined for other
 * names.
 */
export function bundledVideoDatasetPath(name: string): string | undefined {
  const file = BUNDLED_VIDEO[name];
  return file ? new URL(`./bundled/${file}`, import.meta.url).pathname : undefined;
}
