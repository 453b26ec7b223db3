/** What a finished tool process reported. */
export interface ToolResult {
  /** Exit code (non-zero on failure; 143 or similar when killed). */
  code: number;
  /** Everything written to stdout, as text. */
  stdout: string;
  /** Everything written to stderr, as text. */
  stderr: string;
}

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Kills the process when aborted. */
  signal?: AbortSignal;
  /** Kills the process after this many milliseconds (none by default). */
  timeoutMs?: number;
}

/**
 * Runs a command with no stdin and collects its output. A spawn failure (no such file, not
 * executable) rejects with the `Deno.errors` error; a non-zero exit code is returned as data.
 */
export async function runTool(
  command: string,
  args: string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const signals = [options.signal, timeoutSignal(options.timeoutMs)].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
  signal?.throwIfAborted();
  const output = await new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).output();
  signal?.throwIfAborted();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

function timeoutSignal(ms: number | undefined): AbortSignal | undefined {
  return ms === undefined ? undefined : AbortSignal.timeout(ms);
}
