/**
 * @vlmeval/cli/testing: the real `vlmeval` command line as a child process, for vlmeval's own
 * end-to-end tests and benchmarks.
 *
 * @module
 */

/** Path of the CLI's entry point, `packages/cli/main.ts`. */
export const CLI_MAIN: string = new URL("./main.ts", import.meta.url).pathname;

/** What a finished process said. */
export interface CliOutcome {
  /** Exit code. */
  code: number;
  /** The signal that ended it, if any. */
  signal: Deno.Signal | null;
  /** Everything it wrote to stdout. */
  stdout: string;
  /** Everything it wrote to stderr. */
  stderr: string;
}

/** Options of {@linkcode runCli}. */
export interface RunCliOptions {
  /** Extra environment (the parent's is inherited). */
  env?: Record<string, string>;
  /** Command and leading arguments to run instead of `deno run -A <CLI_MAIN>`. */
  command?: string[];
  /** Working directory. @default {the current one} */
  cwd?: string;
}

/**
 * Runs `deno run -A packages/cli/main.ts <args>` (or `options.command` with `args`) with no
 * stdin, and returns its exit status and output.
 *
 * @example
 * ```ts ignore
 * import { runCli } from "@vlmeval/cli/testing";
 * const { code, stdout } = await runCli(["eval", "--help"]);
 * ```
 */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<CliOutcome> {
  const [command, ...prefix] = options.command ?? [Deno.execPath(), "run", "-A", CLI_MAIN];
  const output = await new Deno.Command(command, {
    args: [...prefix, ...args],
    cwd: options.cwd,
    env: options.env,
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
