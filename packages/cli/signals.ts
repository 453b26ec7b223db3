import { EXIT_CODES } from "@vlmeval/schema";
import { InterruptedError, SAME_INTERRUPT_MS } from "@vlmeval/pipeline";
import { writeAllSync } from "@vlmeval/internal";

/** An abort signal tied to the process's interrupt signals; disposing stops listening. */
export interface Interrupts extends Disposable {
  /** Aborted (with an `InterruptedError`) by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
}

const encoder = new TextEncoder();

function say(text: string): void {
  try {
    writeAllSync(Deno.stderr, encoder.encode(text));
  } catch {
    // stderr is gone (its reader died): nothing to tell
  }
}

/**
 * The `vlmeval eval` process's Ctrl-C (and SIGTERM, a scheduler's pre-emption): the first one
 * aborts the signal, so no new sample starts and samples in flight finish or are dropped, never
 * recorded as failures (exit 130, with a resume hint); a later one quits at once (130). Two
 * signals closer than {@linkcode SAME_INTERRUPT_MS} are one interrupt: under `deno task` a
 * terminal's Ctrl-C reaches this process twice, from the terminal and forwarded by the task
 * runner.
 */
export function stopOnInterrupt(): Interrupts {
  const controller = new AbortController();
  let last = -Infinity;
  const onSignal = (signal: Deno.Signal) => () => {
    const now = performance.now();
    const repeat = now - last < SAME_INTERRUPT_MS;
    last = now;
    if (repeat) return;
    const again = signal === "SIGINT" ? "Ctrl-C again" : `${signal} again`;
    // A progress bar may be drawn: the message starts on a line of its own.
    const newline = Deno.stderr.isTerminal() ? "\n" : "";
    if (!controller.signal.aborted) {
      say(
        `${newline}vlmeval: ${signal}: stopping: no new sample starts; samples in flight finish or are ` +
          `dropped, never recorded as failures (${again} to quit at once)\n`,
      );
      controller.abort(new InterruptedError(signal));
      return;
    }
    // Show the cursor a progress bar hid, and leave the prompt a line of its own.
    const showCursor = Deno.stderr.isTerminal() ? "\x1b[?25h" : "";
    say(
      `${showCursor}${newline}vlmeval: ${signal} again: quitting at once; finished samples are kept, ` +
        `run the same command again to resume\n`,
    );
    Deno.exit(EXIT_CODES.interrupted);
  };
  const listeners: [Deno.Signal, () => void][] = [
    ["SIGINT", onSignal("SIGINT")],
    ["SIGTERM", onSignal("SIGTERM")],
  ];
  for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
  return {
    signal: controller.signal,
    [Symbol.dispose]() {
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    },
  };
}

/**
 * A `--nproc` worker ends with its supervisor: the supervisor holds the write end of the
 * worker's stdin and never writes it, so the end of stdin means the supervisor is gone (even
 * killed with SIGKILL). The worker then quits at once: nobody is left to merge or to restart
 * it, and its journal already holds every finished sample.
 */
export function endWithSupervisor(): void {
  (async () => {
    const buffer = new Uint8Array(256);
    try {
      while (await Deno.stdin.read(buffer) !== null) {
        // the supervisor never writes: keep waiting for the end
      }
    } catch {
      // a read error means the same: the other end is gone
    }
    Deno.exit(EXIT_CODES.interrupted);
  })();
}
