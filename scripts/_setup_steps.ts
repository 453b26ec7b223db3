/**
 * The steps of `scripts/setup.ts`, each a child process whose own output (npm's hundreds of
 * Download/Initialize lines, Deno's `approve-scripts` box, cargo's Compiling lines) is kept and
 * shown only when the step fails or `--verbose` asks for it; in its place one line per step says
 * what it did and how long it took, and a step still running after a second says what it is
 * doing first (a first build). Quiet (`deno task eval`): only such slow steps speak.
 *
 * @module
 */

/** One step of the set-up. */
export interface SetupStep {
  /** What it does, as the user reads it: `installing npm packages (deno install)`. */
  what: string;
  /** What a user waiting for it should know, said when it is slow: `a minute the first time`. */
  slowNote?: string;
  /** The program and its arguments. */
  command: string;
  args: string[];
  /** Working directory. */
  cwd: string;
  /** A failure is reported but does not stop the set-up. */
  allowFail?: boolean;
}

/** How steps report. */
export interface StepOutput {
  /** Only slow steps speak (after `slowMs`), and failures. */
  quiet: boolean;
  /** The tools' own output, as it comes (nothing is hidden). */
  verbose: boolean;
  /** Where the lines go; default stderr. */
  write?: (text: string) => void;
  /** A step running longer than this is announced in quiet mode; default 1000 ms. */
  slowMs?: number;
}

const encoder = new TextEncoder();

function writeStderr(text: string): void {
  const bytes = encoder.encode(text);
  let written = 0;
  while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
}

/**
 * Runs one step; returns its exit code (0 on success). Its output is shown only when it fails
 * (or with `verbose`), after a `setup: <what> failed` line naming the exit code.
 */
export async function runSetupStep(step: SetupStep, output: StepOutput): Promise<number> {
  const write = output.write ?? writeStderr;
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  let announced = false;
  const announce = () => {
    announced = true;
    write(`setup: ${step.what}${step.slowNote ? ` (${step.slowNote})` : ""}...\n`);
  };
  const timer = output.verbose ? undefined : setTimeout(announce, output.slowMs ?? 1000);
  if (output.verbose) announce();
  const child = new Deno.Command(step.command, {
    args: step.args,
    cwd: step.cwd,
    stdin: "null",
    stdout: output.verbose ? "inherit" : "piped",
    stderr: output.verbose ? "inherit" : "piped",
  }).spawn();
  const captured = output.verbose ? undefined : await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  const status = await child.status;
  clearTimeout(timer);
  if (status.success) {
    if (announced || !output.quiet) write(`setup: ${step.what}: done in ${seconds()} s\n`);
    return 0;
  }
  const code = status.code || 1;
  const text = captured ? captured.join("").trimEnd() : "";
  write(
    `setup: ${step.what} failed with exit code ${code} after ${seconds()} s` +
      (step.allowFail ? " (going on without it)" : "") +
      (text ? `; its output:\n${text}\n` : "\n"),
  );
  return code;
}
