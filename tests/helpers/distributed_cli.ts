/**
 * Shared by the end-to-end tests: runs the real `vlmeval` CLI as a process (`@vlmeval/cli/testing`),
 * writes a small MCQ benchmark (`@vlmeval/datasets/testing`), and reads prediction files back.
 */
import { CLI_MAIN, type CliOutcome, runCli } from "@vlmeval/cli/testing";
import { readPredictions } from "@vlmeval/report";

/** Repository root. */
export const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** The CLI entry point. */
export const CLI = CLI_MAIN;

/** `deno run <perms> packages/cli/main.ts`, as launchers start it. */
export function cliCommand(): string[] {
  return [Deno.execPath(), "run", "-A", CLI];
}

/** What a finished CLI process said. */
export type { CliOutcome } from "@vlmeval/cli/testing";
export { writeMcqTsv } from "@vlmeval/datasets/testing";

/** Runs `command` (default: the CLI) with `args` from the repository root. */
export function runProcess(
  args: string[],
  opts: { env?: Record<string, string>; command?: string[] } = {},
): Promise<CliOutcome> {
  return runCli(args, { ...opts, command: opts.command ?? cliCommand(), cwd: REPO });
}

/** `<work-dir>/<model>/<model>_<dataset>.<ext>`. */
export function predictionPath(workDir: string, model: string, data: string, ext = "xlsx") {
  return `${workDir}/${model}/${model}_${data}.${ext}`;
}

/** The journal folder of a (model, dataset) pair. */
export function journalPath(workDir: string, model: string, data: string) {
  return `${workDir}/${model}/${model}_${data}.journal`;
}

/** Every cell of a prediction file, header first, for a cell-by-cell comparison. */
export async function predictionCells(path: string): Promise<string[][]> {
  const table = await readPredictions(path);
  return [table.columns, ...table.rows.map((row) => table.columns.map((c) => row[c] ?? ""))];
}

/** Lines in a rank's journal (0 when it does not exist yet). */
export function journalLines(dir: string, rank: number, worldSize: number): number {
  try {
    return Deno.readTextFileSync(`${dir}/rank${rank}of${worldSize}.jsonl`).split("\n")
      .filter((line) => line.trim() !== "").length;
  } catch {
    return 0;
  }
}

/**
 * Pids of live processes whose environment has every `name=value` of `want` (to find one rank's
 * worker among the processes a launcher started).
 */
export function pidsWithEnv(want: Record<string, string>): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let environ: string;
    try {
      environ = Deno.readTextFileSync(`/proc/${entry.name}/environ`);
    } catch {
      continue;
    }
    const vars = new Set(environ.split("\0"));
    if (Object.entries(want).every(([k, v]) => vars.has(`${k}=${v}`))) {
      pids.push(Number(entry.name));
    }
  }
  return pids;
}

/** Waits until `check` is true, polling; throws after `timeoutMs` naming `what`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
