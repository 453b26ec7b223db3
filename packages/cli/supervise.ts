import { EXIT_CODES } from "@vlmeval/schema";
import { runLocalRanks, supervisorGpuIds } from "@vlmeval/pipeline";
import type { EvalArgs } from "./args.ts";
import { CLI_RUN_FLAGS } from "./permissions.ts";

/**
 * `--nproc N`: starts N worker processes of this same command (one rank each, their GPUs split
 * among them) and supervises them; returns the run's exit code. The supervisor handles Ctrl-C
 * and SIGTERM itself (it passes each interrupt on to the workers once).
 */
export async function superviseWorkers(
  args: EvalArgs,
  argv: string[],
  env: Record<string, string>,
  warn: (message: string) => void,
): Promise<number> {
  console.error(`vlmeval: starting ${args.nproc} worker processes`);
  let gpuIds;
  try {
    gpuIds = supervisorGpuIds(env, args.nproc, warn);
  } catch (err) {
    console.error(`vlmeval: ${(err as Error).message}`);
    return EXIT_CODES.usage;
  }
  const outcome = await runLocalRanks({
    nproc: args.nproc,
    command: Deno.execPath(),
    args: [...workerRunArgs(), "eval", ...stripNproc(argv)],
    maxRestarts: args.maxRestarts,
    gpuIds,
    skipErr: args.skipErr,
    graceMs: WORKER_GRACE_MS,
  });
  return outcome.exitCode;
}

/** Time a worker has to stop cleanly (rank 0 may be writing a large prediction file). */
const WORKER_GRACE_MS = 15_000;

function stripNproc(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--nproc") {
      i++;
      continue;
    }
    if (argv[i].startsWith("--nproc=")) continue;
    out.push(argv[i]);
  }
  return out;
}

/** `deno run` flags and script path for a worker process: the same as this process. */
function workerRunArgs(): string[] {
  const main = new URL("./main.ts", import.meta.url).pathname;
  return ["run", ...CLI_RUN_FLAGS, main];
}
