/**
 * One-step set-up for a fresh machine, run by `deno task eval`, `deno task test` and
 * `deno task bench` before they start:
 *
 * 1. `deno install`: npm dependencies into `node_modules/` (needed by the Node-API addon).
 * 2. The native CUDA addon is built when it is missing or older than its Rust sources
 *    (`scripts/build_native.ts`). Without cargo this is a warning: the addon then reports itself
 *    as not built, and the evaluation runs without it.
 * 3. ffmpeg for video benchmarks (`scripts/ensure_ffmpeg.ts`): `FFMPEG_BIN`, ffmpeg-static, the
 *    npm package's binary, Debian's; installed with apt-get as a last resort when root.
 * 4. With `--for-tests`: system packages the tests use (Mesa's Vulkan driver for WebGPU, Open MPI,
 *    MPICH, Slurm and munge), installed with apt-get when missing and when running as root
 *    (`scripts/setup_system.sh`).
 * 5. With `--for-tests`: the tfjs-node backend (`scripts/build_tfjs_node.ts`), which the tests
 *    compare with wasm. The first time it fetches TensorFlow's 207 MB wheel from PyPI and builds
 *    the binding (about 40 s here); once built, it checks the build in about a second.
 *
 * Usage: deno run -A scripts/setup.ts [--quiet] [--for-tests]
 *   --quiet      print only warnings and failures
 *   --for-tests  also the system packages and the tfjs-node build the tests use (steps 4, 5)
 * Exit: 0 set up; the failing step's exit code when `deno install` fails, or (with
 *       `--for-tests`) the addon or the tfjs-node build; 2 for a bad option.
 */
import { parseScriptArgs } from "./_script_help.ts";

const { values } = parseScriptArgs(import.meta, {
  quiet: { type: "boolean" },
  "for-tests": { type: "boolean" },
});
const quiet = values.quiet ?? false;
const forTests = values["for-tests"] ?? false;
const root = new URL("..", import.meta.url).pathname;

function say(line: string): void {
  if (!quiet) console.error(`setup: ${line}`);
}

async function run(cmd: string, cmdArgs: string[], opts: { allowFail?: boolean } = {}) {
  const child = new Deno.Command(cmd, {
    args: cmdArgs,
    cwd: root,
    stdout: quiet ? "null" : "inherit",
    stderr: "inherit",
  }).spawn();
  const status = await child.status;
  if (!status.success && !opts.allowFail) {
    console.error(`setup: "${cmd} ${cmdArgs.join(" ")}" failed with exit code ${status.code}`);
    Deno.exit(status.code || 1);
  }
  return status.success;
}

say("installing npm dependencies (deno install)");
await run(Deno.execPath(), ["install", "--quiet"]);

say("checking the native addon build");
await run(Deno.execPath(), [
  "run",
  "--allow-all",
  "scripts/build_native.ts",
  "--if-stale",
  ...(quiet ? ["--quiet"] : []),
], { allowFail: !forTests });

say("checking ffmpeg");
await run(Deno.execPath(), [
  "run",
  "--allow-all",
  "scripts/ensure_ffmpeg.ts",
  ...(quiet ? ["--quiet"] : []),
], { allowFail: true });

if (forTests) {
  say("checking system packages used by the tests");
  await run("bash", ["scripts/setup_system.sh"], { allowFail: true });
  say("checking the tfjs-node build (TensorFlow 2.9.1 from PyPI)");
  await run(Deno.execPath(), [
    "run",
    "--allow-all",
    "scripts/build_tfjs_node.ts",
    ...(quiet ? ["--quiet"] : []),
  ]);
}
