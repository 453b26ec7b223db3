/**
 * Steps of `scripts/build_tfjs_node.ts` and the tools they run: a failure names its step, and a
 * missing tool is a missing prerequisite (exit 6) rather than a failed build (exit 1).
 *
 * @module
 */

/** Exit status of a build step that failed. */
export const STEP_FAILED_EXIT = 1;

/** Exit status when a tool or file the build needs is not there (as `vlmeval` exits 6). */
export const MISSING_PREREQUISITE_EXIT = 6;

/** The build steps, in order. */
export const STEPS = [
  "npm package",
  "wheels",
  "layout",
  "python stub",
  "node headers",
  "binding",
  "load check",
] as const;

/** One of {@linkcode STEPS}. */
export type StepName = typeof STEPS[number];

/** A build step failed; `message` says why in the std grammar, `exitCode` is 1 or 6. */
export class BuildStepError extends Error {
  /** The step that failed. */
  readonly step: StepName;
  /** {@linkcode STEP_FAILED_EXIT} or {@linkcode MISSING_PREREQUISITE_EXIT}. */
  readonly exitCode: number;

  /** `message` in the std grammar: "Cannot <action> as <reason>: current value is <value>". */
  constructor(
    step: StepName,
    message: string,
    exitCode = STEP_FAILED_EXIT,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "BuildStepError";
    this.step = step;
    this.exitCode = exitCode;
  }
}

/** What a tool printed and how it ended. */
export interface ToolOutput {
  /** Exit status. */
  code: number;
  /** Standard output (empty when inherited). */
  stdout: string;
  /** Standard error (empty when inherited). */
  stderr: string;
}

/** How to run a tool. */
export interface ToolOptions {
  /** Working directory. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Text for standard input. */
  stdin?: string;
  /** Show the tool's output as it runs instead of keeping it (pip's progress bar, make's lines). */
  inherit?: boolean;
}

/**
 * Runs `command args`. A command that is not installed throws a {@linkcode BuildStepError} with
 * exit 6 naming it and `install`; a non-zero exit is returned, not thrown.
 */
export async function runTool(
  step: StepName,
  command: string,
  args: string[],
  install: string,
  opts: ToolOptions = {},
): Promise<ToolOutput> {
  const piped = opts.inherit ? "inherit" : "piped";
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args,
      cwd: opts.cwd,
      env: opts.env,
      stdin: opts.stdin === undefined ? "null" : "piped",
      stdout: piped,
      stderr: piped,
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new BuildStepError(
        step,
        `Cannot run ${command} as it is not on PATH: current value is ${
          Deno.env.get("PATH") ?? "(unset)"
        }; ${install}`,
        MISSING_PREREQUISITE_EXIT,
        { cause: err },
      );
    }
    throw err;
  }
  if (opts.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(opts.stdin));
    await writer.close();
  }
  if (opts.inherit) return { code: (await child.status).code, stdout: "", stderr: "" };
  const out = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** The last `lines` lines of a tool's output, indented, for an error message. */
export function tail(output: ToolOutput, lines = 15): string {
  const text = `${output.stdout}\n${output.stderr}`.trim().split("\n").slice(-lines);
  return text.length === 0 || text[0] === "" ? "" : `\n  ${text.join("\n  ")}`;
}
