/**
 * Which rank of how many this process is, read from the command line or from the variables a
 * launcher sets, and which GPUs a local rank gets.
 *
 * Precedence, first match wins (the innermost launcher comes first, since an outer launcher's
 * variables are inherited by everything it starts):
 *
 * 1. `--rank`/`--world-size` on the command line (`cli`);
 * 2. `VLMEVAL_RANK`/`VLMEVAL_WORLD_SIZE`/`VLMEVAL_LOCAL_RANK`/`VLMEVAL_LOCAL_WORLD_SIZE`, set by
 *    our own `--nproc` supervisor (`vlmeval`);
 * 3. torchrun: `RANK`/`WORLD_SIZE`/`LOCAL_RANK`/`LOCAL_WORLD_SIZE` (`torchrun`);
 * 4. Open MPI's mpirun: `OMPI_COMM_WORLD_RANK`/`_SIZE`/`_LOCAL_RANK`/`_LOCAL_SIZE` (`openmpi`);
 * 5. Hydra's `mpiexec` (MPICH, Intel MPI, MVAPICH): `PMI_RANK`/`PMI_SIZE`, with the local rank
 *    and size from `MPI_LOCALRANKID`/`MPI_LOCALNRANKS` (`hydra`). Hydra is recognised by
 *    `MPI_LOCALRANKID`, which only Hydra's proxy sets: `srun --mpi=pmi2` also sets `PMI_RANK`
 *    and `PMI_SIZE` (and `PMI_FD`, `PMI_JOBID`) but not it, and stays `slurm`. Once
 *    `MPI_LOCALRANKID` is there, `PMI_RANK`, `PMI_SIZE` and `MPI_LOCALNRANKS` must be too
 *    (Hydra's `-pmi-port` mode exports only `PMI_PORT`/`PMI_ID` and is refused);
 * 6. Slurm's srun: `SLURM_PROCID`, `SLURM_STEP_NUM_TASKS` (else `SLURM_NTASKS`), `SLURM_LOCALID`,
 *    and the tasks on this node from `SLURM_NTASKS_PER_NODE`, else `SLURM_STEP_TASKS_PER_NODE` or
 *    `SLURM_TASKS_PER_NODE` at index `SLURM_NODEID` (`slurm`);
 * 7. a Kubernetes indexed Job: `JOB_COMPLETION_INDEX` with the world size from
 *    `VLMEVAL_WORLD_SIZE` (set it to the Job's `.spec.completions`; Kubernetes has no standard
 *    variable for it). One pod per index, so the local rank is 0 of 1 (`k8s`);
 * 8. otherwise rank 0 of 1 (`single`).
 *
 * Open MPI and Hydra come before Slurm on purpose: `mpirun` inside an `sbatch` script passes the
 * batch step's `SLURM_PROCID=0` on to every rank it starts, and Hydra's `mpiexec` inside an
 * `sbatch` script starts its per-node proxies with `srun`, so every rank on a node inherits that
 * proxy step's `SLURM_PROCID`, `SLURM_STEP_ID` and `SLURM_STEP_NUM_TASKS` (measured with MPICH
 * 4.0 on Slurm 22.05: both ranks of `mpiexec -n 2` see `SLURM_PROCID=0` of one task). Only the
 * `OMPI_*` or `PMI_*` variables tell the ranks apart. Open MPI and Hydra set none of each other's
 * variables, so both appear only when one launcher runs inside the other, which cannot be told
 * from the environment; Open MPI is taken then, and the note names Hydra when they disagree.
 * Slurm's batch step itself (an `sbatch` script running `vlmeval` without `srun`) has no step
 * task count and counts as `single`.
 *
 * @module
 */

/** Who decided the rank. */
export type Launcher =
  | "cli"
  | "vlmeval"
  | "torchrun"
  | "slurm"
  | "openmpi"
  | "hydra"
  | "k8s"
  | "single";

/** This process's place among the ranks of a run. */
export interface RankInfo {
  /** Global rank, `0 <= rank < worldSize`. */
  rank: number;
  /** Number of ranks in the run, over all machines. */
  worldSize: number;
  /** Rank among the ranks on this machine (selects this rank's GPUs). */
  localRank: number;
  /** Number of ranks on this machine. */
  localWorldSize: number;
  /** Where the rank came from: the flags, a launcher's variables, or `single`. */
  launcher: Launcher;
  /**
   * Set when more than one launcher's variables were found and they disagree: which one won
   * and what was ignored, for a warning.
   */
  note?: string;
}

/** Rank flags from the command line. */
export interface RankFlags {
  /** `--rank`: this process's global rank; given with `worldSize` or not at all. */
  rank?: number;
  /** `--world-size`: number of ranks; given with `rank` or not at all. */
  worldSize?: number;
}

/** Environment variables by name, e.g. `Deno.env.toObject()`; unset ones are absent. */
export type Env = Record<string, string | undefined>;

interface Candidate {
  launcher: Launcher;
  label: string;
  /** Names and raw values that identify this candidate, for messages. */
  source: string;
  read: () => Omit<RankInfo, "launcher" | "note">;
}

/**
 * Parses the `rank::world_size` notation, e.g. `"1::4"` is rank 1 of 4.
 *
 * @throws {SyntaxError} when the text is not two non-negative integers joined by `::`.
 * @throws {RangeError} when the rank is not below the world size.
 */
export function parseRankSpec(spec: string): { rank: number; worldSize: number } {
  const match = spec.trim().match(/^(\d+)::(\d+)$/);
  if (!match) {
    throw new SyntaxError(
      `Cannot parse the rank spec as it must look like RANK::WORLD_SIZE (e.g. 1::4): current ` +
        `value is "${spec}"`,
    );
  }
  const rank = Number(match[1]);
  const worldSize = Number(match[2]);
  checkRange(rank, worldSize, `rank spec "${spec}"`);
  return { rank, worldSize };
}

/**
 * Decides this process's rank from explicit flags, then the environment (see the module doc for
 * the precedence). Values are validated; a launcher's variables that are half set (a rank
 * without a world size) are an error, not a silent single-process run.
 *
 * @throws {TypeError} naming the variable and value when a value is not a non-negative integer
 *   or a required partner variable is missing.
 * @throws {RangeError} when the rank is not below the world size.
 */
export function detectRank(env: Env, cli?: RankFlags): RankInfo {
  if (cli?.rank !== undefined || cli?.worldSize !== undefined) return fromFlags(cli);
  const candidates = launchersIn(env);
  if (candidates.length === 0) {
    return { rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, launcher: "single" };
  }
  const [winner, ...others] = candidates;
  const info: RankInfo = { ...winner.read(), launcher: winner.launcher };
  const disagreeing = others.filter((other) => disagrees(other, info));
  if (disagreeing.length > 0) {
    info.note = `Using the rank from ${winner.label} (${winner.source}) and ignoring ${
      disagreeing.map((o) => `${o.label} (${o.source})`).join(", ")
    }`;
  }
  return info;
}

function disagrees(other: Candidate, info: RankInfo): boolean {
  try {
    const theirs = other.read();
    return theirs.rank !== info.rank || theirs.worldSize !== info.worldSize;
  } catch {
    return true;
  }
}

function fromFlags(cli: RankFlags): RankInfo {
  if (cli.rank === undefined || cli.worldSize === undefined) {
    throw new TypeError(
      `Cannot use ${cli.rank === undefined ? "--world-size" : "--rank"} alone as --rank and ` +
        `--world-size go together: current values are --rank ${cli.rank} and --world-size ` +
        `${cli.worldSize}`,
    );
  }
  for (const [flag, value] of [["--rank", cli.rank], ["--world-size", cli.worldSize]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(
        `Cannot use ${flag} as it must be a non-negative integer: current value is ${value}`,
      );
    }
  }
  checkRange(cli.rank, cli.worldSize, `--rank ${cli.rank} --world-size ${cli.worldSize}`);
  return {
    rank: cli.rank,
    worldSize: cli.worldSize,
    localRank: 0,
    localWorldSize: 1,
    launcher: "cli",
  };
}

/** One launcher: when its variables are present, and how to read the rank from them. */
interface LauncherSpec {
  launcher: Launcher;
  /** The launcher as messages name it. */
  label: string;
  /** True when `env` holds this launcher's variables. */
  present: (env: Env) => boolean;
  /** The rank and world-size variables, named with their values in messages. */
  rankVars: (env: Env) => [rankVar: string, sizeVar: string];
  /** The rank from `env`; throws for missing or malformed values. */
  read: (env: Env) => Omit<RankInfo, "launcher" | "note">;
}

const has = (env: Env, name: string) => env[name] !== undefined && env[name] !== "";
const slurmSize = (env: Env) =>
  has(env, "SLURM_STEP_NUM_TASKS") ? "SLURM_STEP_NUM_TASKS" : "SLURM_NTASKS";

/** Every launcher we recognise, in the precedence of the module doc (first match wins). */
const LAUNCHERS: readonly LauncherSpec[] = [
  {
    launcher: "vlmeval",
    label: "the vlmeval supervisor",
    present: (env) => has(env, "VLMEVAL_RANK"),
    rankVars: () => ["VLMEVAL_RANK", "VLMEVAL_WORLD_SIZE"],
    read: (env) => {
      const { rank, worldSize } = rankAndSize(env, "VLMEVAL_RANK", "VLMEVAL_WORLD_SIZE");
      const localRank = optionalInt(env, "VLMEVAL_LOCAL_RANK") ?? rank;
      const localWorldSize = optionalInt(env, "VLMEVAL_LOCAL_WORLD_SIZE") ?? worldSize;
      return local(rank, worldSize, localRank, localWorldSize, "VLMEVAL_LOCAL_RANK");
    },
  },
  {
    launcher: "torchrun",
    label: "torchrun",
    present: (env) => has(env, "RANK") || has(env, "WORLD_SIZE"),
    rankVars: () => ["RANK", "WORLD_SIZE"],
    read: (env) => {
      const { rank, worldSize } = rankAndSize(env, "RANK", "WORLD_SIZE");
      return localPair(env, rank, worldSize, "LOCAL_RANK", "LOCAL_WORLD_SIZE");
    },
  },
  {
    launcher: "openmpi",
    label: "Open MPI",
    present: (env) => has(env, "OMPI_COMM_WORLD_RANK"),
    rankVars: () => ["OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"],
    read: (env) => {
      const { rank, worldSize } = rankAndSize(env, "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE");
      return localPair(
        env,
        rank,
        worldSize,
        "OMPI_COMM_WORLD_LOCAL_RANK",
        "OMPI_COMM_WORLD_LOCAL_SIZE",
      );
    },
  },
  {
    launcher: "hydra",
    label: "Hydra's mpiexec",
    present: (env) => has(env, "MPI_LOCALRANKID"),
    rankVars: () => ["PMI_RANK", "PMI_SIZE"],
    read: (env) => hydraRank(env),
  },
  {
    launcher: "slurm",
    label: "Slurm",
    present: (env) =>
      has(env, "SLURM_PROCID") && (has(env, "SLURM_STEP_ID") || has(env, "SLURM_STEPID")),
    rankVars: (env) => ["SLURM_PROCID", slurmSize(env)],
    read: (env) => {
      const { rank, worldSize } = rankAndSize(env, "SLURM_PROCID", slurmSize(env));
      const localRank = optionalInt(env, "SLURM_LOCALID") ?? 0;
      return local(rank, worldSize, localRank, slurmTasksOnThisNode(env), "SLURM_LOCALID");
    },
  },
  {
    launcher: "k8s",
    label: "a Kubernetes indexed Job",
    present: (env) => has(env, "JOB_COMPLETION_INDEX"),
    rankVars: () => ["JOB_COMPLETION_INDEX", "VLMEVAL_WORLD_SIZE"],
    read: (env) => {
      const { rank, worldSize } = rankAndSize(env, "JOB_COMPLETION_INDEX", "VLMEVAL_WORLD_SIZE");
      return { rank, worldSize, localRank: 0, localWorldSize: 1 };
    },
  },
];

function launchersIn(env: Env): Candidate[] {
  return LAUNCHERS.filter((spec) => spec.present(env)).map((spec) => {
    const [rankVar, sizeVar] = spec.rankVars(env);
    return {
      launcher: spec.launcher,
      label: spec.label,
      source: `${rankVar}=${env[rankVar]}, ${sizeVar}=${env[sizeVar]}`,
      read: () => spec.read(env),
    };
  });
}

/** Hydra's variables, found through `MPI_LOCALRANKID` (see the module doc). */
function hydraRank(env: Env) {
  if ((env.PMI_RANK ?? "") === "" && (env.PMI_SIZE ?? "") === "") {
    const portMode = env.PMI_PORT ? ` (PMI_PORT=${env.PMI_PORT}: Hydra's -pmi-port mode)` : "";
    throw new TypeError(
      `Cannot detect the rank as MPI_LOCALRANKID is set by Hydra's mpiexec but PMI_RANK and ` +
        `PMI_SIZE are not${portMode}; launch without -pmi-port or pass --rank and --world-size: ` +
        `current value of MPI_LOCALRANKID is "${env.MPI_LOCALRANKID}"`,
    );
  }
  const { rank, worldSize } = rankAndSize(env, "PMI_RANK", "PMI_SIZE");
  const localRank = requiredInt(env, "MPI_LOCALRANKID", "MPI_LOCALNRANKS");
  const localWorldSize = requiredInt(env, "MPI_LOCALNRANKS", "MPI_LOCALRANKID");
  if (localWorldSize > worldSize) {
    throw new RangeError(
      `Cannot use MPI_LOCALNRANKS=${localWorldSize} ranks on this machine as it must not exceed ` +
        `the world size: current values are MPI_LOCALNRANKS=${env.MPI_LOCALNRANKS}, ` +
        `PMI_SIZE=${env.PMI_SIZE}`,
    );
  }
  return local(rank, worldSize, localRank, localWorldSize, "MPI_LOCALRANKID");
}

function rankAndSize(env: Env, rankVar: string, sizeVar: string) {
  const rank = requiredInt(env, rankVar, sizeVar);
  const worldSize = requiredInt(env, sizeVar, rankVar);
  checkRange(rank, worldSize, `${rankVar}=${env[rankVar]}, ${sizeVar}=${env[sizeVar]}`);
  return { rank, worldSize };
}

/**
 * The local rank and size from a pair of variables. Without the size the machine's layout is
 * unknown: the rank is taken as the only one on its machine (no GPU split), as VLMEvalKit does.
 */
function localPair(env: Env, rank: number, worldSize: number, rankVar: string, sizeVar: string) {
  const localWorldSize = optionalInt(env, sizeVar);
  if (localWorldSize === undefined) return { rank, worldSize, localRank: 0, localWorldSize: 1 };
  return local(rank, worldSize, optionalInt(env, rankVar) ?? 0, localWorldSize, rankVar);
}

function local(
  rank: number,
  worldSize: number,
  localRank: number,
  localWorldSize: number,
  localVar: string,
) {
  if (localWorldSize < 1 || localRank >= localWorldSize) {
    throw new RangeError(
      `Cannot use local rank ${localRank} (${localVar}) as it must be below the number of ranks ` +
        `on this machine: current value is ${localWorldSize}`,
    );
  }
  return { rank, worldSize, localRank, localWorldSize };
}

function requiredInt(env: Env, name: string, partner: string): number {
  const value = optionalInt(env, name);
  if (value === undefined) {
    throw new TypeError(
      `Cannot detect the rank as ${partner} is set but ${name} is not: current value of ` +
        `${partner} is "${env[partner]}"`,
    );
  }
  return value;
}

function optionalInt(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^\s*\d+\s*$/.test(raw)) {
    throw new TypeError(
      `Cannot read ${name} as it must be a non-negative integer: current value is "${raw}"`,
    );
  }
  return Number(raw.trim());
}

function checkRange(rank: number, worldSize: number, source: string): void {
  if (worldSize < 1) {
    throw new RangeError(
      `Cannot use world size ${worldSize} as it must be at least 1: current values are ${source}`,
    );
  }
  if (rank >= worldSize) {
    throw new RangeError(
      `Cannot use rank ${rank} as it must be below the world size ${worldSize}: current values ` +
        `are ${source}`,
    );
  }
}

function slurmTasksOnThisNode(env: Env): number {
  const perNode = optionalInt(env, "SLURM_NTASKS_PER_NODE");
  if (perNode !== undefined) return perNode;
  for (const name of ["SLURM_STEP_TASKS_PER_NODE", "SLURM_TASKS_PER_NODE"]) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const counts = expandSlurmTasksPerNode(raw, name);
    const node = optionalInt(env, "SLURM_NODEID") ?? 0;
    if (node >= counts.length) {
      throw new RangeError(
        `Cannot find this node's task count as SLURM_NODEID=${node} is past the ${counts.length} ` +
          `nodes in ${name}: current value is "${raw}"`,
      );
    }
    return counts[node];
  }
  return 1;
}

/**
 * Expands Slurm's compressed per-node task counts, e.g. `"2(x3),1"` is `[2, 2, 2, 1]`.
 *
 * @throws {SyntaxError} naming the variable when the text is not in that form.
 */
export function expandSlurmTasksPerNode(text: string, name = "SLURM_TASKS_PER_NODE"): number[] {
  const counts: number[] = [];
  for (const part of text.split(",")) {
    const match = part.trim().match(/^(\d+)(?:\(x(\d+)\))?$/);
    if (!match) {
      throw new SyntaxError(
        `Cannot read ${name} as it must look like 2(x3),1: current value is "${text}"`,
      );
    }
    const repeat = match[2] === undefined ? 1 : Number(match[2]);
    for (let i = 0; i < repeat; i++) counts.push(Number(match[1]));
  }
  return counts;
}
