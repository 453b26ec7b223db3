/**
 * Ranks started by real launchers: Open MPI's `mpirun -np 2`, MPICH's Hydra `mpiexec -n 2` and
 * Slurm's `srun -n 2` on a one-node cluster on localhost (scripts/slurm_localhost.sh). First the
 * rank each process detects, then a whole evaluation whose merged predictions must equal a
 * single process's. Skipped, with the reason printed, when the launcher is not installed.
 *
 * Open MPI and MPICH both register the `mpirun`/`mpiexec` alternatives, so each is called by its
 * own name (`mpirun.openmpi`, `mpiexec.hydra`): plain `mpirun` is whichever was chosen last.
 */
import assert from "node:assert/strict";
import {
  journalPath,
  predictionCells,
  predictionPath,
  REPO,
  runProcess,
  waitFor,
  writeMcqTsv,
} from "./helpers/distributed_cli.ts";

const MODEL = "BusyLoop";
const DATA = "Launch_MCQ";
const ROWS = 24;

function onPath(tool: string): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((dir) => {
    try {
      return Deno.statSync(`${dir}/${tool}`).isFile;
    } catch {
      return false;
    }
  });
}

function skipReason(tools: string[], pkg: string, root = false): string | undefined {
  const missing = tools.filter((t) => !onPath(t) && !exists(`/usr/sbin/${t}`));
  if (missing.length > 0) {
    return `${missing.join(", ")} not found; install ${pkg} (bash scripts/setup_system.sh)`;
  }
  if (root && Deno.uid() !== 0) return "needs root (slurmd starts tasks as the submitting user)";
  return undefined;
}

const mpiSkip = skipReason(["mpirun.openmpi"], "openmpi-bin");
const hydraSkip = skipReason(["mpiexec.hydra"], "mpich");
const slurmSkip = skipReason(
  ["srun", "sbatch", "sinfo", "slurmctld", "slurmd", "munged"],
  "slurm-wlm and munge",
  true,
);
if (mpiSkip) console.warn(`launchers_test: skipping the mpirun tests: ${mpiSkip}`);
if (hydraSkip) console.warn(`launchers_test: skipping the mpiexec.hydra tests: ${hydraSkip}`);
if (slurmSkip) console.warn(`launchers_test: skipping the srun tests: ${slurmSkip}`);

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Open MPI refuses root unless told twice; local launches need nothing else. */
const MPI_ENV = { OMPI_ALLOW_RUN_AS_ROOT: "1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: "1" };
const MPIRUN = ["mpirun.openmpi", "--oversubscribe", "--bind-to", "none", "-np", "2"];
/**
 * Hydra on this machine only: `-launcher fork` starts the proxy directly even when the test
 * itself runs inside a Slurm job (Hydra would otherwise start it with srun).
 */
const HYDRA = ["mpiexec.hydra", "-launcher", "fork", "-n", "2"];

const RANK_PROBE = `
const { detectRank } = await import(${JSON.stringify(`${REPO}/packages/pipeline/ranks/ranks.ts`)});
console.log(JSON.stringify(detectRank(Deno.env.toObject())));
`;

function parseProbe(stdout: string) {
  return stdout.trim().split("\n").map((line) => JSON.parse(line))
    .sort((a, b) => a.rank - b.rank);
}

const TWO_RANKS = [
  { rank: 0, worldSize: 2, localRank: 0, localWorldSize: 2 },
  { rank: 1, worldSize: 2, localRank: 1, localWorldSize: 2 },
];

/**
 * A temp dir with the benchmark and a single-process run's predictions to compare with. Every
 * run uses the same work dir, so decoded images have the same paths and prompts are identical
 * (BusyLoop hashes the prompt, image paths included); {@link keep} moves a run's outputs away.
 */
async function withBaseline(fn: (dir: string, expected: string[][]) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_launchers_" });
  try {
    await writeMcqTsv(`${dir}/${DATA}.tsv`, ROWS);
    const single = await runProcess(evalArgs(dir), { env: { LMUData: dir } });
    assert.equal(single.code, 0, single.stderr);
    await fn(dir, await predictionCells(predictionPath(keep(dir, "single"), MODEL, DATA)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Moves the last run's outputs to `<dir>/<label>/<model>`; returns `<dir>/<label>`. */
function keep(dir: string, label: string): string {
  Deno.mkdirSync(`${dir}/${label}`);
  Deno.renameSync(`${dir}/work/${MODEL}`, `${dir}/${label}/${MODEL}`);
  return `${dir}/${label}`;
}

function evalArgs(dir: string): string[] {
  return [
    "eval",
    "--model",
    MODEL,
    "--data",
    `${dir}/${DATA}.tsv`,
    "--work-dir",
    `${dir}/work`,
    "--quiet",
    "--rank-timeout",
    "120",
  ];
}

Deno.test({
  name: "mpirun -np 2: each process detects its Open MPI rank",
  ignore: mpiSkip !== undefined,
  fn: async () => {
    const out = await runProcess([...MPIRUN.slice(1), Deno.execPath(), "eval", RANK_PROBE], {
      command: [MPIRUN[0]],
      env: MPI_ENV,
    });
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(
      parseProbe(out.stdout),
      TWO_RANKS.map((r) => ({ ...r, launcher: "openmpi" })),
    );
  },
});

Deno.test({
  name: "mpirun -np 2: the merged predictions equal a single process's, cell by cell",
  ignore: mpiSkip !== undefined,
  fn: async () => {
    await withBaseline(async (dir, expected) => {
      const out = await runProcess(
        [...MPIRUN.slice(1), Deno.execPath(), "run", "-A", `${REPO}/packages/cli/main.ts`]
          .concat(evalArgs(dir)),
        { command: [MPIRUN[0]], env: { ...MPI_ENV, LMUData: dir } },
      );
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stderr, /rank 1 of 2 \(openmpi\)/);
      const kept = keep(dir, "mpi");
      assert.deepEqual(await predictionCells(predictionPath(kept, MODEL, DATA)), expected);
      const journals = [...Deno.readDirSync(journalPath(kept, MODEL, DATA))]
        .map((e) => e.name).filter((n) => n.endsWith(".jsonl")).sort();
      assert.deepEqual(journals, ["rank0of2.jsonl", "rank1of2.jsonl"]);
    });
  },
});

Deno.test({
  name: "mpiexec.hydra -n 2: each process detects its Hydra rank",
  ignore: hydraSkip !== undefined,
  fn: async () => {
    const out = await runProcess([...HYDRA.slice(1), Deno.execPath(), "eval", RANK_PROBE], {
      command: [HYDRA[0]],
    });
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(
      parseProbe(out.stdout),
      TWO_RANKS.map((r) => ({ ...r, launcher: "hydra" })),
    );
  },
});

Deno.test({
  name: "mpiexec.hydra -n 2: the merged predictions equal a single process's, cell by cell",
  ignore: hydraSkip !== undefined,
  fn: async () => {
    await withBaseline(async (dir, expected) => {
      const out = await runProcess(
        [...HYDRA.slice(1), Deno.execPath(), "run", "-A", `${REPO}/packages/cli/main.ts`]
          .concat(evalArgs(dir)),
        { command: [HYDRA[0]], env: { LMUData: dir } },
      );
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stderr, /rank 1 of 2 \(hydra\)/);
      const kept = keep(dir, "hydra");
      assert.deepEqual(await predictionCells(predictionPath(kept, MODEL, DATA)), expected);
      const journals = [...Deno.readDirSync(journalPath(kept, MODEL, DATA))]
        .map((e) => e.name).filter((n) => n.endsWith(".jsonl")).sort();
      assert.deepEqual(journals, ["rank0of2.jsonl", "rank1of2.jsonl"]);
    });
  },
});

/** A port p such that p and p + 1 are free (slurmctld and slurmd listen on them). */
function freePortPair(): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const listeners: Deno.Listener[] = [];
    try {
      for (const p of [port, port + 1]) {
        listeners.push(Deno.listen({ hostname: "127.0.0.1", port: p }));
      }
      return port;
    } catch {
      continue;
    } finally {
      for (const listener of listeners) listener.close();
    }
  }
  throw new Error("Cannot find two free consecutive ports for Slurm");
}

/** Starts the one-node cluster for `fn` and always stops it, leaving no daemon behind. */
async function withSlurm(fn: (env: Record<string, string>) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_slurm_" });
  const env = {
    VLMEVAL_SLURM_DIR: dir,
    VLMEVAL_SLURM_PORT: String(freePortPair()),
    SLURM_CONF: `${dir}/slurm.conf`,
  };
  const script = ["bash", `${REPO}/scripts/slurm_localhost.sh`];
  try {
    const started = await runProcess(["start"], { command: script, env });
    assert.equal(started.code, 0, `slurm_localhost.sh start failed: ${started.stderr}`);
    await fn(env);
  } finally {
    const stopped = await runProcess(["stop"], { command: script, env });
    await Deno.remove(dir, { recursive: true });
    assert.equal(stopped.code, 0, stopped.stderr);
  }
}

Deno.test({
  name: "srun -n 2 on a one-node Slurm: ranks detected, predictions equal a single process's",
  ignore: slurmSkip !== undefined,
  fn: async (t) => {
    await withSlurm(async (slurmEnv) => {
      await t.step("each task detects its Slurm rank", async () => {
        const out = await runProcess(["-n", "2", Deno.execPath(), "eval", RANK_PROBE], {
          command: ["srun"],
          env: slurmEnv,
        });
        assert.equal(out.code, 0, out.stderr);
        assert.deepEqual(
          parseProbe(out.stdout),
          TWO_RANKS.map((r) => ({ ...r, launcher: "slurm" })),
        );
      });
      await t.step("srun --mpi=pmi2 (which sets PMI_RANK too) is still Slurm", async () => {
        const out = await runProcess(
          ["--mpi=pmi2", "-n", "2", Deno.execPath(), "eval", RANK_PROBE],
          { command: ["srun"], env: slurmEnv },
        );
        assert.equal(out.code, 0, out.stderr);
        assert.deepEqual(
          parseProbe(out.stdout),
          TWO_RANKS.map((r) => ({ ...r, launcher: "slurm" })),
        );
      });
      await t.step({
        name: "mpiexec.hydra in a batch script: Hydra's ranks, not its proxy's srun step",
        ignore: hydraSkip !== undefined,
        fn: async () => {
          // Hydra starts its proxy with srun here, so both ranks inherit SLURM_PROCID=0 of 1.
          const log = `${slurmEnv.VLMEVAL_SLURM_DIR}/hydra.out`;
          const wrap = `mpiexec.hydra -n 2 ${Deno.execPath()} eval '${RANK_PROBE}'`;
          const out = await runProcess(["-n", "2", "-o", log, "--wrap", wrap], {
            command: ["sbatch"],
            env: slurmEnv,
          });
          assert.equal(out.code, 0, out.stderr);
          const read = () => exists(log) ? Deno.readTextFileSync(log) : "";
          const lines = () => read().split("\n").filter((l) => l.includes("launcher"));
          await waitFor("both ranks' output", () => lines().length === 2, 30_000).catch((e) => {
            throw new Error(`${e.message}; the job wrote: ${read()}`);
          });
          const ranks = parseProbe(lines().join("\n"));
          for (const { note } of ranks) {
            // The proxy's step really was inherited, and lost to Hydra's variables.
            assert.match(note, /ignoring Slurm \(SLURM_PROCID=0, SLURM_STEP_NUM_TASKS=1\)/);
          }
          assert.deepEqual(
            ranks.map(({ note: _, ...rank }) => rank),
            TWO_RANKS.map((r) => ({ ...r, launcher: "hydra" })),
          );
        },
      });
      await t.step("a batch script without srun runs as a single process", async () => {
        const log = `${slurmEnv.VLMEVAL_SLURM_DIR}/batch.out`;
        const wrap = `${Deno.execPath()} eval '${RANK_PROBE}'`;
        // `sbatch --wait` polls with a growing interval (10 s here); watching the log is faster.
        const out = await runProcess(["-n", "2", "-o", log, "--wrap", wrap], {
          command: ["sbatch"],
          env: slurmEnv,
        });
        assert.equal(out.code, 0, out.stderr);
        const read = () => exists(log) ? Deno.readTextFileSync(log) : "";
        await waitFor("the batch job's output", () => read().includes("launcher"), 30_000);
        assert.match(read(), /"rank":0,"worldSize":1,.*"launcher":"single"/);
      });
      await t.step("the merged predictions equal a single process's, cell by cell", async () => {
        await withBaseline(async (dir, expected) => {
          const out = await runProcess(
            ["-n", "2", Deno.execPath(), "run", "-A", `${REPO}/packages/cli/main.ts`]
              .concat(evalArgs(dir)),
            { command: ["srun"], env: { ...slurmEnv, LMUData: dir } },
          );
          assert.equal(out.code, 0, out.stderr);
          assert.match(out.stderr, /rank 1 of 2 \(slurm\)/);
          const kept = keep(dir, "slurm");
          assert.deepEqual(await predictionCells(predictionPath(kept, MODEL, DATA)), expected);
        });
      });
    });
  },
});
