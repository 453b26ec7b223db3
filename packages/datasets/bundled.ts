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
