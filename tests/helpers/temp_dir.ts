/** What the CLI tests share: a temporary folder per test, the arguments of a run over it and the
 * FaultInjection model's env. */

/** A runner that gives `fn` a fresh temporary folder named `prefix...` and removes it after. */
export function tempDirRunner(
  prefix: string,
): (fn: (dir: string) => Promise<void>) => Promise<void> {
  return async (fn) => {
    const dir = await Deno.makeTempDir({ prefix });
    try {
      await fn(dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  };
}

/** `VLMEVAL_FAULT_INJECTION` for the FaultInjection model wrapping `inner`, with `config`. */
export function faultModelEnv(config: object, inner = "ConstantAnswer"): Record<string, string> {
  return { VLMEVAL_FAULT_INJECTION: JSON.stringify({ inner, ...config }) };
}

/**
 * The CLI arguments that run `model` over `${dir}/Bench.tsv` into the work dir `${dir}/out`,
 * then `extra`.
 */
export function cliArgs(dir: string, model: string, ...extra: string[]): string[] {
  return ["--model", model, "--data", `${dir}/Bench.tsv`, "--work-dir", `${dir}/out`, ...extra];
}
