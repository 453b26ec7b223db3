/**
 * Builds the tfjs-node backend (or tfjs-node-gpu with --gpu) from registry packages alone:
 *
 * 1. npm package: @tensorflow/tfjs-node@4.22.0 from the root deno.json, installed by
 *    `deno install` with its install script skipped (it would download from Google);
 * 2. wheels: TensorFlow 2.9.1 from PyPI with pip (`tensorflow-cpu`, 207 MB; with --gpu
 *    `tensorflow` and the nvidia-*-cu11 CUDA 11.8 / cuDNN 8.6 wheels, 2.2 GB), each checked
 *    against the SHA-256 pinned in scripts/_tfjs_node_pins.ts, kept in the cache folder;
 * 3. layout: a libtensorflow folder in the cache from the wheels' libraries and C headers;
 * 4. python stub: a shim defining the CPython symbols TensorFlow's library leaves undefined,
 *    and the `libtensorflow.so` linker script (see scripts/_tfjs_node_layout.ts);
 * 5. node headers: a local folder for `node-gyp --nodedir` (nothing is downloaded);
 * 6. binding: the package's `deps` linked to the layout, its Node-API binding built with
 *    node-gyp, its DT_NEEDED checked;
 * 7. load check: Deno loads it through `selectBackend` and runs a matrix product (GPU build:
 *    each CUDA library is opened first; without a GPU TensorFlow runs on the CPU).
 *
 * A finished build is recorded beside the binding; a second run checks the record and that Deno
 * loads it, and is done in seconds. Cache folder: $VLMEVAL_CACHE_DIR/tfjs-node, else
 * $XDG_CACHE_HOME/vlmeval/tfjs-node, else ~/.cache/vlmeval/tfjs-node (CPU: 207 MB of wheel +
 * 510 MB laid out; GPU: 2.2 GB + 4.3 GB).
 *
 * Usage: deno run -A scripts/build_tfjs_node.ts [--gpu] [--force] [--quiet] [--index-url URL]
 *   --gpu            build @tensorflow/tfjs-node-gpu instead
 *   --force          lay out again from the cached wheels and rebuild the binding
 *   --quiet          print only failures (tools' output is kept and shown if they fail)
 *   --index-url URL  a PEP 503 index instead of PyPI (the pinned hashes still apply)
 * Needs: python3 with pip, a C/C++ compiler, make, binutils (nm, readelf), Node.js with npm.
 * Exit: 0 built or up to date; 1 a step failed (the message names it); 2 a bad option;
 *       6 a missing prerequisite (a tool, Node's headers).
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parseScriptArgs } from "./_script_help.ts";
import {
  buildBinding,
  depsTarget,
  ensurePackage,
  findNodedir,
  linkDeps,
  NODE_GYP,
  readStamp,
  type TfjsNodePackage,
  writeStamp,
} from "./_tfjs_node_binding.ts";
import { tfjsNodeCacheDir } from "./_tfjs_node_fetch.ts";
import { ensureLayout, readLayout } from "./_tfjs_node_layout.ts";
import { layoutName, type TfjsNodeVariant } from "./_tfjs_node_pins.ts";
import {
  BuildStepError,
  MISSING_PREREQUISITE_EXIT,
  STEP_FAILED_EXIT,
  type StepName,
  STEPS,
} from "./_tfjs_node_step.ts";

const { values } = parseScriptArgs(import.meta, {
  gpu: { type: "boolean" },
  force: { type: "boolean" },
  quiet: { type: "boolean" },
  "index-url": { type: "string" },
});
const variant: TfjsNodeVariant = values.gpu ? "tfjs-node-gpu" : "tfjs-node";
const quiet = values.quiet ?? false;
const root = fileURLToPath(new URL("..", import.meta.url));
const started = performance.now();

function say(line: string): void {
  if (!quiet) console.error(`build_tfjs_node: ${line}`);
}

/** What the load check printed. */
interface LoadCheck {
  tensorflow?: string;
  device?: string;
  usesGpu?: boolean;
  loadMs?: number;
  cuda: { name: string; loaded: boolean; error?: string }[];
}

/** Runs the load check in its own process. */
async function loadCheck(pkg: TfjsNodePackage, layoutDir: string): Promise<LoadCheck> {
  const args = ["run", "-A", join(root, "scripts", "_tfjs_node_load_check.ts"), variant];
  if (variant === "tfjs-node-gpu") args.push(join(layoutDir, "lib"));
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env: { TF_CPP_MIN_LOG_LEVEL: Deno.env.get("TF_CPP_MIN_LOG_LEVEL") ?? "2" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  const stderr = new TextDecoder().decode(out.stderr).trim();
  let result: LoadCheck = { cuda: [] };
  try {
    result = JSON.parse(stdout);
  } catch { /* reported below */ }
  const badCuda = result.cuda.filter((c) => !c.loaded);
  if (badCuda.length > 0) {
    throw new BuildStepError(
      "load check",
      `Cannot open the CUDA libraries of ${layoutDir}/lib: current value is ${
        badCuda.map((c) => `${c.name}: ${c.error}`).join("; ")
      }`,
    );
  }
  if (!out.success) {
    throw new BuildStepError(
      "load check",
      `Cannot load ${pkg.binding} in Deno: current value is exit code ${out.code}: ${
        stderr.split("\n").slice(-6).join("\n  ")
      }${hint(stderr)}`,
    );
  }
  return result;
}

function hint(stderr: string): string {
  const symbol = stderr.match(/undefined symbol: (\S+)/)?.[1];
  if (symbol) {
    return `\n  (${symbol} is defined by none of the libraries the binding loads; if it is a CPython symbol the python stub misses it: rerun with --force)`;
  }
  if (/cannot open shared object file/.test(stderr)) {
    return `\n  (a library of ${layoutName(variant)} is missing: rerun with --force)`;
  }
  return "";
}

/** True when the recorded build still matches its layout and the binding is there. */
function upToDate(pkg: TfjsNodePackage, layoutDir: string): boolean {
  const stamp = readStamp(pkg);
  const layout = readLayout(layoutDir);
  if (!stamp || !layout) return false;
  try {
    Deno.statSync(pkg.binding);
  } catch {
    return false;
  }
  return stamp.layoutDir === layoutDir && stamp.layoutCreated === layout.created &&
    stamp.nodeGyp === NODE_GYP && depsTarget(pkg) === layoutDir;
}

let step: StepName = STEPS[0];
try {
  const pkg = await ensurePackage(root, variant, say);
  step = "wheels";
  const cacheDir = tfjsNodeCacheDir(Deno.env.toObject());
  const layoutDir = join(cacheDir, layoutName(variant));
  if (!values.force && upToDate(pkg, layoutDir)) {
    step = "load check";
    try {
      const check = await loadCheck(pkg, layoutDir);
      say(
        `${pkg.binding} is up to date (TensorFlow ${check.tensorflow}, ${check.device}; checked in ${
          ((performance.now() - started) / 1000).toFixed(1)
        } s)`,
      );
      Deno.exit(0);
    } catch (err) {
      if (!(err instanceof BuildStepError)) throw err;
      say(`the recorded build does not load, building again: ${err.message}`);
    }
  }
  step = "wheels";
  const layout = await ensureLayout(variant, cacheDir, {
    force: values.force,
    indexUrl: values["index-url"],
    quiet,
    say,
  });
  say(`layout: ${layout.dir} (${layout.made ? "made now" : "cached"})`);
  step = "node headers";
  const nodedir = await findNodedir(Deno.env.toObject());
  say(`node headers: --nodedir=${nodedir}`);
  step = "binding";
  await linkDeps(pkg, layout.dir);
  say(`binding: ${NODE_GYP} rebuild in ${pkg.dir}`);
  const needed = await buildBinding(pkg, nodedir, quiet);
  say(`binding: ${pkg.binding} links ${needed.join(", ")} (run path $ORIGIN/../../deps/lib)`);
  step = "load check";
  const check = await loadCheck(pkg, layout.dir);
  if (check.cuda.length > 0) {
    say(`load check: opened ${check.cuda.map((c) => c.name).join(", ")}`);
  }
  await writeStamp(pkg, {
    layoutDir: layout.dir,
    layoutCreated: layout.record.created,
    nodeGyp: NODE_GYP,
    nodedir,
    needed,
    built: new Date().toISOString(),
  });
  say(
    `done in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s: Deno loads TensorFlow ${check.tensorflow} (${check.device}); use --backend ${variant}`,
  );
} catch (err) {
  if (!(err instanceof BuildStepError)) {
    console.error(
      `build_tfjs_node: step "${step}" failed: ${err instanceof Error ? err.stack : err}`,
    );
    Deno.exit(STEP_FAILED_EXIT);
  }
  const what = err.exitCode === MISSING_PREREQUISITE_EXIT ? "is missing a prerequisite" : "failed";
  console.error(
    `build_tfjs_node: step ${
      STEPS.indexOf(err.step) + 1
    }/${STEPS.length} "${err.step}" ${what}: ${err.message}`,
  );
  Deno.exit(err.exitCode);
}
