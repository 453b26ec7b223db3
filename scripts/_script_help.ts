/**
 * Command-line handling shared by the entry points in scripts/ and benchmarks/: `--help`/`-h`
 * prints the script's own leading doc comment (its `Usage:` text) and exits 0 before any work;
 * an unknown option, a missing or unexpected value or an extra argument prints a message naming
 * it plus "see --help" and exits 2 (`EXIT_CODES.usage`).
 *
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

/** Exit status for a bad command line (the same as `EXIT_CODES.usage` of `vlmeval`). */
export const USAGE_EXIT = 2;

/** How a script reads its command line. */
export interface ScriptArgsConfig {
  /** Prefix of messages; default: the script's file name without `.ts`. */
  name?: string;
  /** Most positional arguments accepted (default 0: none). */
  positionals?: number;
  /** The arguments (default `Deno.args`). */
  args?: string[];
}

/** The script's name for messages: its file name without `.ts`. */
function scriptName(meta: ImportMeta, config: ScriptArgsConfig): string {
  return config.name ?? basename(meta.url).replace(/\.ts$/, "");
}

/**
 * The leading `/** ... *\/` comment of a source text, without its comment markers and `@module`
 * tags; undefined when the text does not start with one (after a `#!` line and line comments).
 */
export function leadingDocComment(source: string): string | undefined {
  const m = source.match(/^(?:#![^\n]*\n)?(?:\s*\/\/[^\n]*\n)*\s*\/\*\*([\s\S]*?)\*\//);
  if (!m) return undefined;
  const lines = m[1].split("\n").map((line) => line.replace(/^\s*\* ?/, "").trimEnd())
    .filter((line) => !/^@module\b/.test(line.trim()));
  while (lines.length && lines[0] === "") lines.shift();
  while (lines.length && lines.at(-1) === "") lines.pop();
  return lines.join("\n");
}

/** The help text of a script: its leading doc comment, or a one-line fallback. */
export function scriptHelp(meta: ImportMeta): string {
  if (!meta.url.startsWith("file:")) return `Usage: deno run -A ${meta.url}`;
  const path = fileURLToPath(meta.url);
  const fallback = `Usage: deno run -A ${path}`;
  // Without read permission (e.g. a script run with --allow-ffi only), do not prompt for it.
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    return `${fallback}\n(run with --allow-read for the full help)`;
  }
  return leadingDocComment(Deno.readTextFileSync(path)) ?? fallback;
}

/** Prints `<name>: <message>; see --help` on stderr and exits 2. */
export function usageError(
  meta: ImportMeta,
  message: string,
  config: ScriptArgsConfig = {},
): never {
  console.error(`${scriptName(meta, config)}: ${message}; see --help`);
  Deno.exit(USAGE_EXIT);
}

/** True when `args` asks for help (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

/**
 * The script's options parsed strictly with `node:util` parseArgs. `--help`/`-h` prints the
 * script's doc comment and exits 0; a bad command line exits 2 with a message naming the
 * offending argument.
 */
export function parseScriptArgs<const T extends ParseArgsOptionsConfig>(
  meta: ImportMeta,
  options: T,
  config: ScriptArgsConfig = {},
) {
  const args = config.args ?? Deno.args;
  const maxPositionals = config.positionals ?? 0;
  if (wantsHelp(args)) {
    console.log(scriptHelp(meta));
    Deno.exit(0);
  }
  const fail = (message: string): never => usageError(meta, message, config);
  // A first, lenient pass names the offending argument in our own words.
  const { tokens } = parseArgs({
    args,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let positionals = 0;
  for (const token of tokens) {
    if (token.kind === "positional") {
      if (++positionals > maxPositionals) {
        fail(
          maxPositionals === 0
            ? `unexpected argument "${token.value}" (this script takes no arguments)`
            : `unexpected argument "${token.value}" (at most ${maxPositionals} arguments)`,
        );
      }
    } else if (token.kind === "option") {
      const option = options[token.name];
      if (!option) fail(`unknown option "${token.rawName}"`);
      if (
        option.type === "string" && (token.value === undefined || (!token.inlineValue &&
          token.value.startsWith("-")))
      ) {
        fail(`option "${token.rawName}" needs a value`);
      }
      if (option.type === "boolean" && token.value !== undefined) {
        fail(`option "${token.rawName}" takes no value`);
      }
    }
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}
