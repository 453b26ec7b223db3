/**
 * Shared by the distributed end-to-end tests and the rank benchmark: runs the real `vlmeval`
 * CLI as a process, writes a small MCQ benchmark, and reads prediction files back.
 */
import { readPredictions } from "@vlmeval/report";

/** Repository root. */
export const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** The CLI entry point. */
export const CLI = `${REPO}/packages/cli/main.ts`;

/** `deno run <perms> packages/cli/main.ts`, as launchers start it. */
export function cliCommand(): string[] {
  return [Deno.execPath(), "run", "-A", CLI];
}

/** What a finished CLI process said. */
export interface CliOutcome {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` (default: the CLI) with `args` from the repository root. */
export async function runProcess(
  args: string[],
  opts: { env?: Record<string, string>; command?: string[] } = {},
): Promise<CliOutcome> {
  const [command, ...prefix] = opts.command ?? cliCommand();
  const output = await new Deno.Command(command, {
    args: [...prefix, ...args],
    cwd: REPO,
    env: opts.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    signal: output.signal,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** A 2x2 PNG, the image of every generated row. */
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==";

/**
 * Writes an MCQ benchmark of `rows` rows in VLMEvalKit's TSV format, each row's question
 * different, so a model's answers differ from row to row.
 */
export async function writeMcqTsv(path: string, rows: number): Promise<void> {
  const lines = ["index\timage\tquestion\tA\tB\tC\tD\tanswer\tcategory"];
  for (let i = 0; i < rows; i++) {
    lines.push(
      [
        String(i),
        PNG,
        `Question ${i}: which shape is number ${(i * 7919) % 101}?`,
        "circle",
        "square",
        "triangle",
        "star",
        "ABCD"[i % 4],
        `cat${i % 3}`,
      ].join("\t"),
    );
  }
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
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
