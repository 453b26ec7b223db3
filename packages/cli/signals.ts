import { EXIT_CODES } from "@vlmeval/schema";

/** An abort signal tied to the process's interrupt signals; disposing stops listening. */
export interface Interrupts extends Disposable {
  /** Aborted by the first SIGINT (or SIGTERM, when asked for). */
  readonly signal: AbortSignal;
}

/**
 * The `vlmeval eval` worker's Ctrl-C: the first SIGINT or SIGTERM stops the run after the
 * samples in flight (their answers are journaled, the exit code is 130); a second one quits at
 * once.
 */
export function stopAfterSamplesInFlight(): Interrupts {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) Deno.exit(EXIT_CODES.interrupted);
    console.error("\nvlmeval: stopping after the samples in flight (Ctrl-C again to quit now)");
    controller.abort(new Error("interrupted"));
  };
  return listen(controller, onSignal, ["SIGINT", "SIGTERM"]);
}

/** The `--nproc` supervisor's Ctrl-C: SIGINT aborts, which stops every worker. */
export function abortOnInterrupt(): Interrupts {
  const controller = new AbortController();
  return listen(controller, () => controller.abort(), ["SIGINT"]);
}

function listen(
  controller: AbortController,
  onSignal: () => void,
  signals: Deno.Signal[],
): Interrupts {
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  return {
    signal: controller.signal,
    [Symbol.dispose]() {
      for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
    },
  };
}
