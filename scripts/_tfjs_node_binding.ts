/**
 * tfjs-node's Node-API binding, built here: the npm package (installed by `deno install`, which
 * never runs its install script), Node's headers for `node-gyp --nodedir` (nothing downloaded),
 * the `deps` link to the libtensorflow folder, the build, and the record of what it linked.
 *
 * @module
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { TFJS_NODE_VERSION, type TfjsNodeVariant } from "./_tfjs_node_pins.ts";
import {
  BuildStepError,
  MISSING_PREREQUISITE_EXIT,
  runTool,
  tail,
  type ToolOutput,
} from "./_tfjs_node_step.ts";

/** node-gyp, pinned; run with npx from the npm registry. Supports Node 18.17 and later. */
export const NODE_GYP = "node-gyp@11.4.2";

/**
 * Node-API version the binding is built for: node-pre-gyp (which tfjs-node uses to find it)
 * picks the highest of the package's `napi_versions` (3-8) not above the runtime's, 8 under
 * Node 20 (Node-API 9) and Deno 2 (10).
 */
export const NAPI_BUILD_VERSION = 8;

/** The libraries the binding must record as DT_NEEDED. */
export const EXPECTED_NEEDED: readonly string[] = [
  "_pywrap_tensorflow_internal.so",
  "libtfjs_python_stub.so",
  "libtensorflow_framework.so.2",
];

/** The installed npm package of a variant. */
export interface TfjsNodePackage {
  /** `tfjs-node` or `tfjs-node-gpu`. */
  variant: TfjsNodeVariant;
  /** The package folder, symlinks resolved (in `node_modules/.deno/...`). */
  dir: string;
  /** Where node-pre-gyp looks for the binding. */
  binding: string;
  /** The build record beside the binding. */
  stamp: string;
}

/** What a finished build recorded (`vlmeval_build.json` beside the binding). */
export interface BindingStamp {
  /** The libtensorflow folder `deps` points to. */
  layoutDir: string;
  /** That folder's `layout.json` `created`, which changes when it is laid out again. */
  layoutCreated: string;
  /** node-gyp used. */
  nodeGyp: string;
  /** `--nodedir` used. */
  nodedir: string;
  /** The binding's DT_NEEDED entries. */
  needed: string[];
  /** When it was built (ISO 8601). */
  built: string;
}

/** The package folder and binding paths of `variant` under the repository `root`. */
export function packagePaths(root: string, variant: TfjsNodeVariant): TfjsNodePackage {
  const link = join(root, "node_modules", "@tensorflow", variant);
  const dir = existsSync(link) ? realpathSync(link) : link;
  const binding = join(dir, "lib", `napi-v${NAPI_BUILD_VERSION}`, "tfjs_binding.node");
  return { variant, dir, binding, stamp: join(dirname(binding), "vlmeval_build.json") };
}

/**
 * The installed package of `variant`; runs `deno install` once when it is missing (it is in the
 * root deno.json imports, and Deno skips its install script, which would download from Google).
 *
 * @throws {BuildStepError} when it is still missing afterwards.
 */
export async function ensurePackage(
  root: string,
  variant: TfjsNodeVariant,
  say: (line: string) => void,
): Promise<TfjsNodePackage> {
  let pkg = packagePaths(root, variant);
  if (!existsSync(join(pkg.dir, "binding.gyp"))) {
    say(
      `npm package: installing @tensorflow/${variant} (deno install; its install script is skipped)`,
    );
    const out = await runTool("npm package", Deno.execPath(), ["install", "--quiet"], "", {
      cwd: root,
    });
    pkg = packagePaths(root, variant);
    if (out.code !== 0 || !existsSync(join(pkg.dir, "binding.gyp"))) {
      throw new BuildStepError(
        "npm package",
        `Cannot find @tensorflow/${variant}@${TFJS_NODE_VERSION} in node_modules after \`deno install\`: current value is ${pkg.dir} (exit code ${out.code})${
          tail(out)
        }`,
      );
    }
  }
  return pkg;
}

/** Candidate `--nodedir` folders, in order of preference. */
export function nodedirCandidates(
  env: Record<string, string | undefined>,
  npmNodedir: string | undefined,
  nodeBinary: string | undefined,
): string[] {
  const list = [env.npm_config_nodedir, npmNodedir];
  if (nodeBinary) list.push(dirname(dirname(nodeBinary)));
  list.push("/usr", "/usr/local");
  return [...new Set(list.filter((d): d is string => !!d && d !== "undefined"))];
}

/** True when `dir` has what node-gyp reads from `--nodedir`. */
export function isNodedir(dir: string): boolean {
  return existsSync(join(dir, "include", "node", "node_api.h")) &&
    existsSync(join(dir, "include", "node", "common.gypi"));
}

/**
 * A folder with Node's headers for `node-gyp --nodedir`: `$npm_config_nodedir`, npm's
 * `nodedir` setting, the prefix of the `node` on PATH, `/usr`, `/usr/local`.
 *
 * @throws {BuildStepError} (exit 6) listing the folders tried.
 */
export async function findNodedir(env: Record<string, string | undefined>): Promise<string> {
  const help = "install Node.js 18 or later with npm";
  const npm = await runTool("node headers", "npm", ["config", "get", "nodedir"], help);
  const which = await runTool("node headers", "node", ["-p", "process.execPath"], help);
  const node = which.code === 0 ? realpathSync(which.stdout.trim()) : undefined;
  const tried = nodedirCandidates(env, npm.code === 0 ? npm.stdout.trim() : undefined, node);
  const found = tried.find(isNodedir);
  if (found) return found;
  throw new BuildStepError(
    "node headers",
    `Cannot build the binding as no folder holds Node's headers (include/node/node_api.h and common.gypi): current value is ${
      tried.join(", ")
    }; Node from nodesource or nodejs.org ships them, Debian's in libnode-dev; or set npm_config_nodedir`,
    MISSING_PREREQUISITE_EXIT,
  );
}

/** Points the package's `deps` at the libtensorflow folder (replacing whatever was there). */
export async function linkDeps(pkg: TfjsNodePackage, layoutDir: string): Promise<void> {
  const deps = join(pkg.dir, "deps");
  await Deno.remove(deps, { recursive: true }).catch((err) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
  await Deno.symlink(layoutDir, deps);
}

/** Where the package's `deps` link points, if it is a link. */
export function depsTarget(pkg: TfjsNodePackage): string | undefined {
  try {
    return Deno.readLinkSync(join(pkg.dir, "deps"));
  } catch {
    return undefined;
  }
}

/** The DT_NEEDED entries of a shared object, from `readelf -d`. */
export function parseNeeded(readelfOutput: string): string[] {
  return [...readelfOutput.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

/**
 * Builds the binding with node-gyp against `nodedir` and the linked `deps`, then checks that it
 * records the three TensorFlow libraries as DT_NEEDED. Returns them.
 *
 * @throws {BuildStepError} when node-gyp fails or the binding links something else.
 */
export async function buildBinding(
  pkg: TfjsNodePackage,
  nodedir: string,
  quiet: boolean,
): Promise<string[]> {
  const args = [
    "--yes",
    NODE_GYP,
    "rebuild",
    `--nodedir=${nodedir}`,
    "--module_name=tfjs_binding",
    `--module_path=${dirname(pkg.binding)}`,
    `--napi_build_version=${NAPI_BUILD_VERSION}`,
    `--jobs=${navigator.hardwareConcurrency || 1}`,
  ];
  // --no-as-needed: the Python shim is linked for the loader only; an --as-needed toolchain
  // default would drop it.
  const out = await runTool(
    "binding",
    "npx",
    args,
    "install Node.js with npm (npx runs node-gyp)",
    {
      cwd: pkg.dir,
      env: { LDFLAGS: "-Wl,--no-as-needed" },
      inherit: !quiet,
    },
  );
  if (out.code !== 0 || !existsSync(pkg.binding)) {
    throw new BuildStepError(
      "binding",
      `Cannot build ${pkg.binding} with ${NODE_GYP} (needs python3, make and a C++ compiler): current value is exit code ${out.code}${
        tail(out, 25)
      }`,
    );
  }
  const needed = await neededOf("binding", pkg.binding);
  const missing = EXPECTED_NEEDED.filter((n) => !needed.includes(n));
  if (missing.length > 0) {
    throw new BuildStepError(
      "binding",
      `Cannot use ${pkg.binding} as it does not link ${missing.join(", ")}: current value is ${
        needed.join(", ")
      }`,
    );
  }
  return needed;
}

/** The DT_NEEDED entries of `file`. */
export async function neededOf(step: "binding", file: string): Promise<string[]> {
  const out: ToolOutput = await runTool(
    step,
    "readelf",
    ["-d", file],
    "install binutils (Debian: apt-get install binutils)",
  );
  if (out.code !== 0) {
    throw new BuildStepError(
      step,
      `Cannot read the dynamic section of ${file}: current value is exit code ${out.code}${
        tail(out)
      }`,
    );
  }
  return parseNeeded(out.stdout);
}

/** The stamp of a finished build, or undefined. */
export function readStamp(pkg: TfjsNodePackage): BindingStamp | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(pkg.stamp));
  } catch {
    return undefined;
  }
}

/** Writes the stamp of a finished build. */
export async function writeStamp(pkg: TfjsNodePackage, stamp: BindingStamp): Promise<void> {
  await Deno.writeTextFile(pkg.stamp, JSON.stringify(stamp, null, 2) + "\n");
}
