/**
 * Where `deno task bench:memory` writes without `--out`: `benchmarks/memory/latest/`, a folder
 * git ignores, so a run never overwrites the results kept in `benchmarks/memory/results/`
 * (those are refreshed on purpose, with `--out benchmarks/memory/results`).
 */
export const DEFAULT_OUT_DIR: string = new URL("./latest", import.meta.url).pathname;

/** The folder of the committed results the README points at. */
export const KEPT_RESULTS_DIR: string = new URL("./results", import.meta.url).pathname;
