/**
 * Builds the napi-rs CUDA addon (`crates/cuda_addon`) in release mode with `@napi-rs/cli`, into
 * `crates/cuda_addon/cuda_addon.linux-x64-gnu.node`, and regenerates its `index.d.ts`.
 *
 * Usage: deno run --allow-all scripts/build_native.ts [--if-stale] [--quiet]
 *   --if-stale  build only when the addon is missing or older than a file of its crate
 *   --quiet     print nothing unless the build fails
 *
 * Needs Rust's cargo, and npx (Node.js) to run `@napi-rs/cli`; without npx it falls back to
 * `cargo build` and a copy, leaving `index.d.ts` as it is. Exits 1 with a message naming the
 * missing tool or the failing step, 2 for a bad option.
 */

import { join } from "node:path";

import { addonBuildState, defaultAddonPath, defaultCrateDir } from "@vlmeval/native";
import { parseScriptArgs } from "./_script_help.ts";

const NAPI_CLI = "@napi-rs/cli@3.10.12";

const { values } = parseScriptArgs(import.meta, {
  "if-stale": { type: "boolean" },
  quiet: { type: "boolean" },
});
const quiet = values.quiet ?? false;
const crateDir = defaultCrateDir();
const addonPath = defaultAddonPath();

function say(line: string): void {
  if (!quiet) console.error(`build_native: ${line}`);
}

function fail(line: string): never {
  console.error(`build_native: ${line}`);
  Deno.exit(1);
}

/** Runs a command; in quiet mode its output is kept and shown only if it fails. */
async function run(command: string, args: string[]): Promise<boolean> {
  const child = new Deno.Command(command, {
    args,
    cwd: crateDir,
    stdout: quiet ? "piped" : "inherit",
    stderr: quiet ? "piped" : "inherit",
  }).spawn();
  const output = await child.output();
  if (!output.success && quiet) {
    await Deno.stderr.write(output.stdout);
    await Deno.stderr.write(output.stderr);
  }
  return output.success;
}

async function found(command: string): Promise<boolean> {
  try {
    const output = await new Deno.Command(command, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return output.success;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

const before = addonBuildState();
if (values["if-stale"] && before.state === "fresh") {
  say(`${addonPath} is up to date`);
  Deno.exit(0);
}
if (!(await found("cargo"))) {
  fail(
    "Cannot build the CUDA addon as cargo is not on PATH: install Rust (https://rustup.rs), then run `deno task build:native`",
  );
}
say(
  before.state === "missing"
    ? `building the CUDA addon into ${addonPath}`
    : before.state === "stale"
    ? `rebuilding the CUDA addon: ${before.newestSource} is newer than the build`
    : "rebuilding the CUDA addon",
);
const started = performance.now();
if (await found("npx")) {
  const built = await run("npx", [
    "--yes",
    "--package",
    NAPI_CLI,
    "napi",
    "build",
    "--platform",
    "--release",
    "--manifest-path",
    "Cargo.toml",
    "--package-json-path",
    "package.json",
    "--output-dir",
    ".",
    "--no-js",
    "--dts",
    "index.d.ts",
  ]);
  if (!built) fail(`Cannot build the CUDA addon as \`napi build\` (${NAPI_CLI}) failed; see above`);
} else {
  say(
    `npx not found: building with cargo alone (${join(crateDir, "index.d.ts")} is not regenerated)`,
  );
  if (!(await run("cargo", ["build", "--release"]))) {
    fail("Cannot build the CUDA addon as `cargo build --release` failed; see above");
  }
  const targetDir = Deno.env.get("CARGO_TARGET_DIR") ?? join(crateDir, "target");
  Deno.copyFileSync(join(targetDir, "release", "libcuda_addon.so"), addonPath);
}
const now = new Date();
Deno.utimeSync(addonPath, now, now);
const after = addonBuildState();
if (after.state !== "fresh") fail(`Cannot use the new build: ${after.message}`);
say(`built ${addonPath} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
