/**
 * End-to-end: the real CLI splits the GPUs among local ranks before anything initialises CUDA.
 * CUDA reads `CUDA_VISIBLE_DEVICES` once, in `cuInit`, so a rank that narrowed it afterwards
 * would still see every GPU. The CLI runs against the FaultInjection CUDA driver and NVML
 * (`packages/native/testdata/*.c`): NVML counts `FAULT_INJECTION_GPU_COUNT` GPUs, and every
 * `cuInit` logs the process id and the `CUDA_VISIBLE_DEVICES` it saw.
 */
import assert from "node:assert/strict";
import {
  buildFaultInjectionLibraries,
  faultInjectionEnv,
  type FaultInjectionLibraries,
  hasCompiler,
  readCudaInitLog,
} from "@vlmeval/native/testing";
import { CLI, predictionPath, REPO, writeMcqTsv } from "./helpers/distributed_cli.ts";

const MODEL = "ConstantAnswer";
const DATA = "Split";

/** torchrun's variables for `rank` of `worldSize`, all on this machine. */
function torchrun(rank: number, worldSize: number): Record<string, string> {
  return {
    RANK: String(rank),
    WORLD_SIZE: String(worldSize),
    LOCAL_RANK: String(rank),
    LOCAL_WORLD_SIZE: String(worldSize),
  };
}

interface Run {
  code: number;
  pid: number;
  stderr: string;
}

/**
 * Runs the CLI on the benchmark in `dir` in a clean environment (no launcher or
 * `CUDA_VISIBLE_DEVICES` from the machine running the tests), with `env` added.
 */
async function cli(dir: string, args: string[], env: Record<string, string>): Promise<Run> {
  const keep = ["PATH", "HOME", "DENO_DIR", "TMPDIR", "XDG_CACHE_HOME"];
  const inherited = Object.fromEntries(
    keep.flatMap((name) => {
      const value = Deno.env.get(name);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      CLI,
      "--model",
      MODEL,
      "--data",
      `${dir}/${DATA}.tsv`,
      "--work-dir",
      dir,
      "--quiet",
      ...args,
    ],
    cwd: REPO,
    clearEnv: true,
    env: { ...inherited, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = await child.output();
  return { code: output.code, pid: child.pid, stderr: new TextDecoder().decode(output.stderr) };
}

function driverPresent(): boolean {
  try {
    Deno.statSync("/dev/nvidiactl");
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "each local rank's cuInit sees only its own GPUs",
  ignore: !hasCompiler(),
  async fn(t) {
    const libs: FaultInjectionLibraries = await buildFaultInjectionLibraries();
    let runs = 0;
    /** A fresh work dir and cuInit log in the libraries' temp folder, and the stand-ins' env. */
    const setUp = async (gpus: number, extra: Record<string, string> = {}) => {
      const dir = `${libs.dir}/run${runs++}`;
      await Deno.mkdir(dir);
      await writeMcqTsv(`${dir}/${DATA}.tsv`, 4);
      const log = `${dir}/cuinit.log`;
      const env = faultInjectionEnv(libs, "inactive", {
        FAULT_INJECTION_GPU_COUNT: String(gpus),
        FAULT_INJECTION_CUDA_LOG: log,
        ...extra,
      });
      return { dir, log, env };
    };
    try {
      await t.step("torchrun rank 1 of 2 on a 4-GPU machine: cuInit sees 2,3", async () => {
        const { dir, log, env } = await setUp(4);
        const run = await cli(dir, [], { ...env, ...torchrun(1, 2) });
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stderr, /rank 1 of 2 \(torchrun\)/);
        assert.deepEqual(await readCudaInitLog(log), [{ pid: run.pid, visibleDevices: "2,3" }]);
      });

      await t.step(
        "--nproc 2 gives the workers 0,1 and 2,3; the parent never calls cuInit",
        async () => {
          const { dir, log, env } = await setUp(4);
          const run = await cli(dir, ["--nproc", "2"], env);
          assert.equal(run.code, 0, run.stderr);
          const inits = await readCudaInitLog(log);
          assert.ok(inits.every((init) => init.pid !== run.pid), JSON.stringify(inits));
          assert.equal(new Set(inits.map((init) => init.pid)).size, 2, JSON.stringify(inits));
          assert.deepEqual(inits.map((init) => init.visibleDevices).sort(), ["0,1", "2,3"]);
          await Deno.stat(predictionPath(dir, MODEL, DATA));
        },
      );

      await t.step("a user's CUDA_VISIBLE_DEVICES=5,7 is split: rank 1 of 2 sees 7", async () => {
        const { dir, log, env } = await setUp(8);
        const run = await cli(dir, [], { ...env, ...torchrun(1, 2), CUDA_VISIBLE_DEVICES: "5,7" });
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(await readCudaInitLog(log), [{ pid: run.pid, visibleDevices: "7" }]);
      });

      await t.step(
        "more local ranks than visible GPUs: exit 2 with a message, no cuInit",
        async () => {
          const { dir, log, env } = await setUp(4);
          const run = await cli(dir, [], { ...env, ...torchrun(0, 2), CUDA_VISIBLE_DEVICES: "3" });
          assert.equal(run.code, 2, run.stderr);
          assert.match(
            run.stderr,
            /Cannot give each of 2 local ranks a GPU as only 1 are visible \(3\)/,
          );
          assert.deepEqual(await readCudaInitLog(log), []);
          const nproc = await cli(dir, ["--nproc", "2"], { ...env, CUDA_VISIBLE_DEVICES: "3" });
          assert.equal(nproc.code, 2, nproc.stderr);
          assert.doesNotMatch(nproc.stderr, /starting 2 worker processes[\s\S]*started/);
        },
      );

      await t.step("a single process is given no CUDA_VISIBLE_DEVICES of its own", async () => {
        const { dir, log, env } = await setUp(4);
        const run = await cli(dir, [], env);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(await readCudaInitLog(log), [{ pid: run.pid, visibleDevices: null }]);
      });

      await t.step("without a working NVML, CUDA_VISIBLE_DEVICES is left alone", async () => {
        const { dir, log, env } = await setUp(4, { FAULT_INJECTION_NVML: "init-fails" });
        const run = await cli(dir, [], { ...env, ...torchrun(1, 2) });
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(await readCudaInitLog(log), [{ pid: run.pid, visibleDevices: null }]);
        // The warning needs the driver's /dev/nvidiactl, which only a GPU machine has.
        const warning =
          /warning: cannot split the GPUs among 2 local ranks as NVML cannot count them \(nvmlInit_v2 failed in .*Driver Not Loaded/;
        if (driverPresent()) assert.match(run.stderr, warning);
        else assert.doesNotMatch(run.stderr, /cannot split the GPUs/);
      });
    } finally {
      await Deno.remove(libs.dir, { recursive: true });
    }
  },
});
