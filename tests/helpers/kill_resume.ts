import { cliCommand } from "./distributed_cli.ts";

/**
 * Runs the CLI with `args` again and again, killing each run with SIGKILL after a random delay
 * in [minMs, maxMs), until a run finishes on its own or `attempts` runs were made. Returns how
 * many runs were killed.
 */
export async function runWithRandomKills(
  args: string[],
  env: Record<string, string>,
  opts: { attempts?: number; minMs?: number; maxMs?: number } = {},
): Promise<number> {
  const { attempts = 8, minMs = 300, maxMs = 1000 } = opts;
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
    const delay = minMs + Math.floor(Math.random() * (maxMs - minMs));
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
        kills++;
      } catch { /* it already ended */ }
    }, delay);
    const status = await child.status;
    clearTimeout(timer);
    if (status.success) break;
  }
  return kills;
}

/** Index of every complete record in a journal file, in order (a torn last line is skipped). */
export function journalIndices(path: string): string[] {
  return Deno.readTextFileSync(path).split("\n")
    .filter((l) => l.trim().startsWith("{") && l.trim().endsWith("}"))
    .map((l) => JSON.parse(l).index);
}
