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
 * Each step prints one line when it starts and one with its time when it is done; the tools'
 * own output (npm's Download/Initialize lines, cargo's Compiling lines) is kept and shown only
 * when a step fails, or with `--verbose`.
 *
 * Usage: deno run -A scripts/setup.ts [--quiet] [--verbose] [--for-tests]
 *   --quiet      only steps that take more than a second say something (what `deno task eval`
 *                runs: a first build is announced, a set-up machine prints nothing)
 *   --verbose    the tools' own output as well
 *   --for-tests  also the system packages and the tfjs-node build the tests use (steps 4, 5)
 * Exit: 0 set up; the failing step's exit code when `deno install` fails, or (with
 *       `--for-tests`) the addon or the tfjs-node build; 2 for a bad option.
 */
import { parseScriptArgs } from "./_script_help.ts";
import { runSetupStep, type SetupStep } from "./_setup_steps.ts";

const { values } = parseScriptArgs(import.meta, {
  quiet: { type: "boolean" },
  verbose: { type: "boolean" },
  "for-tests": { type: "boolean" },
});
const output = { quiet: values.quiet ?? false, verbose: values.verbose ?? false };
const forTests = values["for-tests"] ?? false;
const root = new URL("..", import.meta.url).pathname;
const deno = Deno.execPath();

const step = (
  what: string,
  slowNote: string,
  command: string,
  args: string[],
  allowFail = false,
): SetupStep => ({ what, slowNote, command, args, cwd: root, allowFail });
const steps: SetupStep[] = [
  step("npm packages (deno install)", "downloads them the first time", deno, [
    "install",
    "--quiet",
  ]),
  step(
    "native CUDA addon",
    "cargo builds it when missing or stale: a minute or two the first time",
    deno,
    ["run", "--allow-all", "scripts/build_native.ts", "--if-stale"],
    !forTests,
  ),
  step("ffmpeg", "found or fetched once", deno, [
    "run",
    "--allow-all",
    "scripts/ensure_ffmpeg.ts",
  ], true),
];
if (forTests) {
  steps.push(
    step("system packages the tests use", "installed with apt-get when missing", "bash", [
      "scripts/setup_system.sh",
    ], true),
    step(
      "tfjs-node backend",
      "built from TensorFlow 2.9.1's PyPI wheel when missing: about a minute the first time",
      deno,
      ["run", "--allow-all", "scripts/build_tfjs_node.ts"],
    ),
  );
}

for (const each of steps) {
  const code = await runSetupStep(each, output);
  if (code !== 0 && !each.allowFail) Deno.exit(code);
}
