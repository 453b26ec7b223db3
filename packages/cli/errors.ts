import { causeChain } from "@vlmeval/internal";
import { EXIT_CODES, exitCodeOf } from "@vlmeval/schema";

/**
 * The exit code an error that ended a job stands for: the one its class carries (`exitCode`,
 * see `exitCodeOf`), else 1 (an unexpected error).
 */
export function exitCodeForError(err: unknown): number {
  return exitCodeOf(err) ?? EXIT_CODES.sampleFailed;
}

/** One readable line for an error and its causes (no stack unless VLMEVAL_DEBUG is set). */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  for (const [depth, e] of causeChain(err, 6).entries()) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    parts.push(depth === 0 ? e.message : `caused by ${e.name}: ${e.message}`);
  }
  const text = parts.join("; ");
  if (Deno.env.get("VLMEVAL_DEBUG") && err instanceof Error) return `${text}\n${err.stack}`;
  return text;
}
