/**
 * @vlmeval/cli/testing: the real `vlmeval` command line as a child process, for vlmeval's own
 * end-to-end tests and benchmarks.
 *
 * @module
 */

import { CLI_PERMISSIONS, CLI_RUN_FLAGS, CLI_V8_FLAGS } from "./permissions.ts";

export { CLI_PERMISSIONS, CLI_RUN_FLAGS, CLI_V8_FLAGS };

/** Path of the CLI's entry point, `packages/cli/main.ts`. */
export const CLI_MAIN: string = new URL("./main.ts", import.meta.url).pathname;

/** `deno run <the eval task's flags> packages/cli/main.ts`: the CLI as users run it. */
export function cliCommand(): string[] {
  return [Deno.execPath(), "run", ...CLI_RUN_FLAGS, CLI_MAIN];
}

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
  /** Command and leading arguments to run instead of {@linkcode cliCommand}'s. */
  command?: string[];
  /** Working directory. @default {the current one} */
  cwd?: string;
}

/**
 * Runs the CLI with `args` as `deno task eval` does ({@linkcode cliCommand}; or
 * `options.command` with `args`) with no stdin, and returns its exit status and output.
 *
 * @example
 * ```ts ignore
 * import { runCli } from "@vlmeval/cli/testing";
 * const { code, stdout } = await runCli(["eval", "--help"]);
 * ```
 */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<CliOutcome> {
  const [command, ...prefix] = options.command ?? cliCommand();
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
