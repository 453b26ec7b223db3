/** Video benchmarks shipped with vlmeval, by base name. */
const BUNDLED: Record<string, string> = {
  Shapes_Video: "Shapes_Video.tsv",
};

/**
 * Path of a bundled video benchmark (`Shapes_Video`: synthetic clips about motion, counts and
 * colour changes, Video-MME-like), or undefined for other names.
 */
export function bundledVideoDatasetPath(name: string): string | undefined {
  const file = BUNDLED[name];
  return file ? new URL(`./bundled/${file}`, import.meta.url).pathname : undefined;
}
