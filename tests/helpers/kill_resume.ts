import { cliCommand } from "./distributed_cli.ts";

/** Settings of {@linkcode runWithRandomKills}. */
export interface RandomKillOptions {
  /** Runs made at most. @default 8 */
  attempts?: number;
  /** Shortest delay before a kill. @default 300 */
  minMs?: number;
  /** Longest delay before a kill. @default 1000 */
  maxMs?: number;
  /**
   * Answers journaled so far, and how many the run makes in all: a run is then killed by the
   * time a random share of what is left is done, at the latest, so that a quick run cannot
   * finish before its delay runs out and leave nothing killed.
   */
  progress?: { answered: () => number; total: number };
}

/**
 * Runs the CLI with `args` again and again, killing each run with SIGKILL after a random delay
 * in [minMs, maxMs) (or, with `progress`, once a random share of the answers left is journaled,
 * whichever comes first), until a run finishes on its own or `attempts` runs were made. Returns
 * how many runs were killed.
 */
export async function runWithRandomKills(
  args: string[],
  env: Record<string, string>,
  opts: RandomKillOptions = {},
): Promise<number> {
  const { attempts = 8, minMs = 300, maxMs = 1000, progress } = opts;
  const [command, ...prefix] = cliCommand();
  let kills = 0;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const child = new Deno.Command(command, {
      args: [...prefix, ...args],
      env,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let ended = false;
    const status = child.status.finally(() => ended = true);
    const deadline = Date.now() + minMs + Math.floor(Math.random() * (maxMs - minMs));
    const left = progress ? progress.total - progress.answered() : 0;
    const target = progress ? progress.answered() + 1 + Math.floor(Math.random() * left / 2) : 0;
    while (!ended && Date.now() < deadline && !(progress && progress.answered() >= target)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (!ended) {
      try {
        child.kill("SIGKILL");
        kills++;
      } catch { /* it ended meanwhile */ }
    }
    if ((await status).success) break;
  }
  return kills;
}

/** Index of every complete record in a journal file, in order (a torn last line is skipped). */
export function journalIndices(path: string): string[] {
  return Deno.readTextFileSync(path).split("\n")
    .filter((l) => l.trim().startsWith("{") && l.trim().endsWith("}"))
    .map((l) => JSON.parse(l).index);
}
