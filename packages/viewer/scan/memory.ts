import { join } from "node:path";
import type { MemoryResults, Problem } from "./types.ts";

/** Plots larger than this are left out (the benchmark's own are about 40 KiB). */
const MAX_SVG_BYTES = 2 * 1024 * 1024;

/**
 * The memory benchmark's results in `dir` (`deno task bench:memory --out DIR`: one
 * `<backend>.svg` plot and `<backend>.csv` per backend, and `summary.md`). Undefined when the
 * folder is absent or holds none of them; a folder named by the user (`explicit`) that is
 * absent or empty is a problem.
 */
export async function readMemoryResults(
  dir: string,
  explicit: boolean,
  problems: Problem[],
): Promise<MemoryResults | undefined> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) names.push(entry.name);
  } catch (error) {
    if (explicit) {
      problems.push({
        severity: "missing",
        file: dir,
        message: `Cannot read the memory results folder ${dir}: ${(error as Error).message}`,
      });
    }
    return undefined;
  }
  names.sort();
  const results: MemoryResults = {
    dir,
    plots: [],
    csvFiles: names.filter((n) => n.endsWith(".csv")),
  };
  for (const name of names.filter((n) => n.endsWith(".svg"))) {
    const path = join(dir, name);
    const { size } = await Deno.stat(path);
    if (size > MAX_SVG_BYTES) {
      problems.push({
        severity: "unreadable",
        file: path,
        message:
          `Cannot show ${path} as it is over ${MAX_SVG_BYTES} bytes: current value is ${size}`,
      });
      continue;
    }
    results.plots.push({ name: name.slice(0, -4), svg: await Deno.readTextFile(path) });
  }
  if (names.includes("summary.md")) {
    results.summary = await Deno.readTextFile(join(dir, "summary.md"));
  }
  if (results.plots.length === 0 && results.summary === undefined) {
    if (explicit) {
      problems.push({
        severity: "missing",
        file: dir,
        message: `The memory results folder ${dir} holds no plot (*.svg) and no summary.md`,
      });
    }
    return undefined;
  }
  return results;
}
