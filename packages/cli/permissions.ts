/**
 * The permissions `deno task eval` gives the CLI (see the README's Permissions section), and
 * with which `--nproc` workers and the end-to-end tests run it: so a test meets what a user's
 * run meets (Deno lets only `--allow-all` read `/proc`, for one).
 */
export const CLI_PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-run",
  "--allow-net",
  "--allow-sys",
];

/**
 * The V8 settings `deno task eval` runs the CLI with (and `--nproc` workers, the end-to-end
 * tests and the harness benchmark), for a batch job's memory (issue 19):
 * - `--no-incremental-marking`: full collections run whole, in one pause. Marked a little at a
 *   time, one that started while a 100k-row benchmark was opened let everything allocated
 *   meanwhile survive, 25 MB of garbage moved to the old generation, and the heap then grew to
 *   four times that before the next collection.
 * - `--max-semi-space-size=4`: the young generation stops growing at 2 x 4 MiB, where V8 let a
 *   long run grow it to 64 MiB of mostly garbage; more scavenges, each as cheap as before. At 8
 *   a 10k-row run peaked 8 MiB higher, as fast.
 * - `--expose-gc`: the CLI runs a full collection every 200 ms (`VLMEVAL_GC_EVERY_MS`; see
 *   `startPeriodicCollections`), where V8 waited until the old generation had grown by megabytes
 *   of garbage, and the native memory dead objects hold with it: 105 MiB at 100k rows and 160
 *   at 1M, against 115 and 223, for 7-11% more time.
 * - `--json-parse-max-heuristically-internalized-strings=0`: `JSON.parse` makes only property
 *   names unique strings. By default it also made the short values unique (every journal line's
 *   `index`), each one added to V8's string table outside the heap until a full collection:
 *   reading a 1M-line journal grew the process by 47 MiB with nothing kept, 10 without, and the
 *   harness's peak at 1M rows fell from 160 MiB to 134, at 100k from 104 to 100, as fast.
 */
export const CLI_V8_FLAGS =
  "--v8-flags=--no-incremental-marking,--max-semi-space-size=4,--expose-gc,--json-parse-max-heuristically-internalized-strings=0";

/** `deno run` flags of the CLI: {@linkcode CLI_PERMISSIONS} and {@linkcode CLI_V8_FLAGS}. */
export const CLI_RUN_FLAGS: readonly string[] = [...CLI_PERMISSIONS, CLI_V8_FLAGS];
