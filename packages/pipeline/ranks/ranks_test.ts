import assert from "node:assert/strict";
import { detectRank, expandSlurmTasksPerNode, parseRankSpec } from "./ranks.ts";

Deno.test("detectRank() is rank 0 of 1 without flags or launcher variables", () => {
  assert.deepEqual(detectRank({ HOME: "/root", PATH: "/usr/bin" }), {
    rank: 0,
    worldSize: 1,
    localRank: 0,
    localWorldSize: 1,
    launcher: "single",
  });
});

Deno.test("detectRank() reads each launcher's variables", () => {
  const cases: [Record<string, string>, object][] = [
    [
      { VLMEVAL_RANK: "1", VLMEVAL_WORLD_SIZE: "3", VLMEVAL_LOCAL_RANK: "1" },
      { rank: 1, worldSize: 3, localRank: 1, localWorldSize: 3, launcher: "vlmeval" },
    ],
    [
      { RANK: "5", WORLD_SIZE: "8", LOCAL_RANK: "1", LOCAL_WORLD_SIZE: "4" },
      { rank: 5, worldSize: 8, localRank: 1, localWorldSize: 4, launcher: "torchrun" },
    ],
    [
      {
        SLURM_PROCID: "3",
        SLURM_NTASKS: "4",
        SLURM_STEP_NUM_TASKS: "4",
        SLURM_STEP_ID: "0",
        SLURM_LOCALID: "1",
        SLURM_NODEID: "1",
        SLURM_STEP_TASKS_PER_NODE: "2(x2)",
      },
      { rank: 3, worldSize: 4, localRank: 1, localWorldSize: 2, launcher: "slurm" },
    ],
    [
      {
        OMPI_COMM_WORLD_RANK: "2",
        OMPI_COMM_WORLD_SIZE: "4",
        OMPI_COMM_WORLD_LOCAL_RANK: "0",
        OMPI_COMM_WORLD_LOCAL_SIZE: "2",
      },
      { rank: 2, worldSize: 4, localRank: 0, localWorldSize: 2, launcher: "openmpi" },
    ],
    [
      // What MPICH 4.0's `mpiexec.hydra -n 4` gives its rank 3 (plus PMI_FD).
      { PMI_RANK: "3", PMI_SIZE: "4", PMI_FD: "8", MPI_LOCALRANKID: "1", MPI_LOCALNRANKS: "2" },
      { rank: 3, worldSize: 4, localRank: 1, localWorldSize: 2, launcher: "hydra" },
    ],
    [
      { JOB_COMPLETION_INDEX: "6", VLMEVAL_WORLD_SIZE: "10" },
      { rank: 6, worldSize: 10, localRank: 0, localWorldSize: 1, launcher: "k8s" },
    ],
  ];
  for (const [env, expected] of cases) assert.deepEqual(detectRank(env), expected);
});

Deno.test("detectRank() takes the explicit flags over every variable", () => {
  const env = { VLMEVAL_RANK: "0", VLMEVAL_WORLD_SIZE: "2", RANK: "1", WORLD_SIZE: "2" };
  assert.deepEqual(detectRank(env, { rank: 2, worldSize: 4 }), {
    rank: 2,
    worldSize: 4,
    localRank: 0,
    localWorldSize: 1,
    launcher: "cli",
  });
});

Deno.test("detectRank() rejects half-given or out-of-range flags", () => {
  assert.throws(() => detectRank({}, { rank: 1 }), {
    name: "TypeError",
    message: /--rank and --world-size go together/,
  });
  assert.throws(() => detectRank({}, { rank: 4, worldSize: 4 }), {
    name: "RangeError",
    message: /Cannot use rank 4 as it must be below the world size 4/,
  });
  assert.throws(() => detectRank({}, { rank: -1, worldSize: 4 }), {
    name: "TypeError",
    message: /--rank as it must be a non-negative integer: current value is -1/,
  });
  assert.throws(() => detectRank({}, { rank: 0, worldSize: 0 }), {
    name: "RangeError",
    message: /world size 0 as it must be at least 1/,
  });
});

Deno.test("detectRank() names the variable and value that are not integers", () => {
  assert.throws(() => detectRank({ RANK: "one", WORLD_SIZE: "2" }), {
    name: "TypeError",
    message: 'Cannot read RANK as it must be a non-negative integer: current value is "one"',
  });
  assert.throws(
    () => detectRank({ SLURM_PROCID: "0", SLURM_STEP_ID: "0", SLURM_NTASKS: "-2" }),
    { name: "TypeError", message: /SLURM_NTASKS .* current value is "-2"/ },
  );
  assert.throws(
    () => detectRank({ OMPI_COMM_WORLD_RANK: "1.5", OMPI_COMM_WORLD_SIZE: "2" }),
    { name: "TypeError", message: /OMPI_COMM_WORLD_RANK .* current value is "1.5"/ },
  );
});

Deno.test("detectRank() rejects a rank at or above the world size, naming the variables", () => {
  assert.throws(() => detectRank({ OMPI_COMM_WORLD_RANK: "2", OMPI_COMM_WORLD_SIZE: "2" }), {
    name: "RangeError",
    message: "Cannot use rank 2 as it must be below the world size 2: current values are " +
      "OMPI_COMM_WORLD_RANK=2, OMPI_COMM_WORLD_SIZE=2",
  });
  assert.throws(
    () => detectRank({ RANK: "0", WORLD_SIZE: "2", LOCAL_RANK: "2", LOCAL_WORLD_SIZE: "2" }),
    {
      name: "RangeError",
      message: /local rank 2 \(LOCAL_RANK\)/,
    },
  );
});

Deno.test("detectRank() refuses a rank without a world size instead of running alone", () => {
  assert.throws(() => detectRank({ RANK: "1" }), {
    name: "TypeError",
    message: /RANK is set but WORLD_SIZE is not/,
  });
  assert.throws(() => detectRank({ JOB_COMPLETION_INDEX: "3" }), {
    name: "TypeError",
    message: /JOB_COMPLETION_INDEX is set but VLMEVAL_WORLD_SIZE is not/,
  });
});

Deno.test("detectRank() treats Slurm's batch step (no step id) as a single process", () => {
  // What `sbatch -n 2` gives a script that runs vlmeval without srun (measured on Slurm 22.05).
  const batch = {
    SLURM_PROCID: "0",
    SLURM_NTASKS: "2",
    SLURM_LOCALID: "0",
    SLURM_NODEID: "0",
    SLURM_TASKS_PER_NODE: "2",
  };
  assert.equal(detectRank(batch).launcher, "single");
});

Deno.test("detectRank() prefers mpirun's variables over the Slurm step it runs in", () => {
  // `mpirun -np 2` inside an srun step: every rank inherits the step's SLURM_PROCID=0.
  const env = {
    SLURM_PROCID: "0",
    SLURM_NTASKS: "1",
    SLURM_STEP_ID: "0",
    OMPI_COMM_WORLD_RANK: "1",
    OMPI_COMM_WORLD_SIZE: "2",
    OMPI_COMM_WORLD_LOCAL_RANK: "1",
    OMPI_COMM_WORLD_LOCAL_SIZE: "2",
  };
  const info = detectRank(env);
  assert.equal(info.launcher, "openmpi");
  assert.equal(info.rank, 1);
  assert.equal(info.worldSize, 2);
  assert.match(info.note!, /from Open MPI .* ignoring Slurm \(SLURM_PROCID=0, SLURM_NTASKS=1\)/);
});

Deno.test("detectRank() keeps srun --mpi=pmi2 as Slurm: PMI_RANK without MPI_LOCALRANKID", () => {
  // What `srun --mpi=pmi2 -n 2` gives its task 1 (measured on Slurm 22.05).
  const env = {
    PMI_FD: "13",
    PMI_JOBID: "1.0",
    PMI_RANK: "1",
    PMI_SIZE: "2",
    SLURM_PROCID: "1",
    SLURM_LOCALID: "1",
    SLURM_NTASKS: "2",
    SLURM_STEP_ID: "0",
    SLURM_STEP_NUM_TASKS: "2",
    SLURM_STEP_TASKS_PER_NODE: "2",
  };
  assert.deepEqual(detectRank(env), {
    rank: 1,
    worldSize: 2,
    localRank: 1,
    localWorldSize: 2,
    launcher: "slurm",
  });
});

Deno.test("detectRank() prefers Hydra's variables over the srun step of its proxy", () => {
  // `mpiexec.hydra -n 2` inside `sbatch -n 2`: Hydra starts its proxy with srun, so both ranks
  // see the proxy step's SLURM_PROCID=0 of one task (measured with MPICH 4.0 on Slurm 22.05).
  const env = {
    PMI_RANK: "1",
    PMI_SIZE: "2",
    PMI_FD: "6",
    MPI_LOCALRANKID: "1",
    MPI_LOCALNRANKS: "2",
    SLURM_PROCID: "0",
    SLURM_LOCALID: "0",
    SLURM_NTASKS: "2",
    SLURM_STEP_ID: "0",
    SLURM_STEP_NUM_TASKS: "1",
  };
  const info = detectRank(env);
  assert.equal(info.launcher, "hydra");
  assert.deepEqual([info.rank, info.worldSize, info.localRank, info.localWorldSize], [1, 2, 1, 2]);
  assert.match(
    info.note!,
    /from Hydra's mpiexec \(PMI_RANK=1, PMI_SIZE=2\) and ignoring Slurm \(SLURM_PROCID=0, SLURM_STEP_NUM_TASKS=1\)/,
  );
});

Deno.test("detectRank() takes Open MPI over Hydra when both are set, naming Hydra", () => {
  const info = detectRank({
    OMPI_COMM_WORLD_RANK: "0",
    OMPI_COMM_WORLD_SIZE: "2",
    PMI_RANK: "3",
    PMI_SIZE: "4",
    MPI_LOCALRANKID: "0",
    MPI_LOCALNRANKS: "1",
  });
  assert.equal(info.launcher, "openmpi");
  assert.match(info.note!, /ignoring Hydra's mpiexec \(PMI_RANK=3, PMI_SIZE=4\)/);
});

Deno.test("detectRank() names Hydra's variable when its values are garbage or inconsistent", () => {
  const hydra = { PMI_RANK: "1", PMI_SIZE: "2", MPI_LOCALRANKID: "1", MPI_LOCALNRANKS: "2" };
  const cases: [Record<string, string | undefined>, { name: string; message: RegExp | string }][] =
    [
      [{ PMI_RANK: "one" }, {
        name: "TypeError",
        message:
          'Cannot read PMI_RANK as it must be a non-negative integer: current value is "one"',
      }],
      [{ MPI_LOCALNRANKS: "2x" }, {
        name: "TypeError",
        message: /^Cannot read MPI_LOCALNRANKS .* current value is "2x"$/,
      }],
      [{ MPI_LOCALRANKID: "-1" }, {
        name: "TypeError",
        message: /^Cannot read MPI_LOCALRANKID .* current value is "-1"$/,
      }],
      [{ PMI_RANK: "2" }, {
        name: "RangeError",
        message: "Cannot use rank 2 as it must be below the world size 2: current values are " +
          "PMI_RANK=2, PMI_SIZE=2",
      }],
      [{ PMI_SIZE: "0", PMI_RANK: "0" }, {
        name: "RangeError",
        message: /world size 0 as it must be at least 1: current values are PMI_RANK=0, PMI_SIZE=0/,
      }],
      [{ MPI_LOCALRANKID: "2" }, {
        name: "RangeError",
        message: "Cannot use local rank 2 (MPI_LOCALRANKID) as it must be below the number of " +
          "ranks on this machine: current value is 2",
      }],
      [{ MPI_LOCALNRANKS: "4", MPI_LOCALRANKID: "3" }, {
        name: "RangeError",
        message: "Cannot use MPI_LOCALNRANKS=4 ranks on this machine as it must not exceed the " +
          "world size: current values are MPI_LOCALNRANKS=4, PMI_SIZE=2",
      }],
      [{ PMI_SIZE: undefined }, {
        name: "TypeError",
        message:
          "Cannot detect the rank as PMI_RANK is set but PMI_SIZE is not: current value of " +
          'PMI_RANK is "1"',
      }],
      [{ MPI_LOCALNRANKS: "" }, {
        name: "TypeError",
        message: /MPI_LOCALRANKID is set but MPI_LOCALNRANKS is not/,
      }],
      // Hydra's -pmi-port mode exports PMI_PORT and PMI_ID instead of PMI_RANK and PMI_SIZE.
      [{ PMI_RANK: undefined, PMI_SIZE: undefined, PMI_PORT: "vm:38301", PMI_ID: "1" }, {
        name: "TypeError",
        message:
          /^Cannot detect the rank as MPI_LOCALRANKID is set by Hydra's mpiexec but PMI_RANK and PMI_SIZE are not \(PMI_PORT=vm:38301: Hydra's -pmi-port mode\); launch without -pmi-port or pass --rank and --world-size: current value of MPI_LOCALRANKID is "1"$/,
      }],
    ];
  for (const [change, expected] of cases) {
    const env = Object.fromEntries(
      Object.entries({ ...hydra, ...change }).filter(([, v]) => v !== undefined),
    );
    assert.throws(() => detectRank(env), expected, JSON.stringify(change));
  }
});

Deno.test("detectRank() puts our supervisor above torchrun and notes only disagreement", () => {
  const agreeing = detectRank({
    VLMEVAL_RANK: "1",
    VLMEVAL_WORLD_SIZE: "2",
    RANK: "1",
    WORLD_SIZE: "2",
  });
  assert.equal(agreeing.launcher, "vlmeval");
  assert.equal(agreeing.note, undefined);
  const conflicting = detectRank({
    VLMEVAL_RANK: "1",
    VLMEVAL_WORLD_SIZE: "2",
    RANK: "0",
    WORLD_SIZE: "1",
  });
  assert.equal(conflicting.launcher, "vlmeval");
  assert.match(conflicting.note!, /ignoring torchrun \(RANK=0, WORLD_SIZE=1\)/);
});

Deno.test("detectRank() ignores a broken lower-priority launcher but mentions it", () => {
  const info = detectRank({ RANK: "1", WORLD_SIZE: "2", OMPI_COMM_WORLD_RANK: "x" });
  assert.equal(info.rank, 1);
  assert.match(info.note!, /ignoring Open MPI/);
});

Deno.test("detectRank() without a local world size assumes one rank on the machine", () => {
  const info = detectRank({ RANK: "3", WORLD_SIZE: "4", LOCAL_RANK: "1" });
  assert.equal(info.localRank, 0);
  assert.equal(info.localWorldSize, 1);
});

Deno.test("detectRank() reads Slurm's per-node count from SLURM_NTASKS_PER_NODE first", () => {
  const info = detectRank({
    SLURM_PROCID: "1",
    SLURM_NTASKS: "2",
    SLURM_STEPID: "0",
    SLURM_LOCALID: "1",
    SLURM_NTASKS_PER_NODE: "2",
    SLURM_TASKS_PER_NODE: "1(x2)",
  });
  assert.equal(info.localWorldSize, 2);
});

Deno.test("parseRankSpec() reads RANK::WORLD_SIZE and rejects other shapes", () => {
  assert.deepEqual(parseRankSpec("1::4"), { rank: 1, worldSize: 4 });
  assert.deepEqual(parseRankSpec(" 0::1 "), { rank: 0, worldSize: 1 });
  assert.throws(() => parseRankSpec("1:4"), { name: "SyntaxError", message: /"1:4"/ });
  assert.throws(() => parseRankSpec("-1::4"), { name: "SyntaxError" });
  assert.throws(() => parseRankSpec("4::4"), { name: "RangeError", message: /rank spec "4::4"/ });
});

Deno.test("expandSlurmTasksPerNode() expands repeat counts and rejects garbage", () => {
  assert.deepEqual(expandSlurmTasksPerNode("2(x3),1"), [2, 2, 2, 1]);
  assert.deepEqual(expandSlurmTasksPerNode("4"), [4]);
  assert.throws(() => expandSlurmTasksPerNode("2(x)", "SLURM_TASKS_PER_NODE"), {
    name: "SyntaxError",
    message: /SLURM_TASKS_PER_NODE .* current value is "2\(x\)"/,
  });
});
