/**
 * Where the addon is built and whether that build is older than its Rust sources.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The file `@napi-rs/cli build --platform` writes for Linux x64 glibc. */
export const ADDON_FILE_NAME = "cuda_addon.linux-x64-gnu.node";

/** Environment variable naming a `.node` file to load instead of the in-tree build. */
export const ADDON_PATH_VARIABLE = "VLMEVAL_NATIVE_ADDON";

/** The command that builds the addon, for messages. */
export const BUILD_COMMAND = "deno task build:native";

/** The addon's crate folder in this repository. */
export function defaultCrateDir(): string {
  return fileURLToPath(new URL("../../crates/cuda_addon", import.meta.url));
}

/** The in-tree build of the addon. */
export function defaultAddonPath(): string {
  return join(defaultCrateDir(), ADDON_FILE_NAME);
}

/** Whether a build exists and is at least as new as every source file. */
export interface AddonBuildState {
  /** `missing`: no build; `stale`: a source is newer; `fresh`: up to date. */
  state: "missing" | "stale" | "fresh";
  /** The `.node` file checked. */
  addonPath: string;
  /** The newest source file, when the crate's sources were found. */
  newestSource?: string;
  /** One sentence saying what is wrong and how to fix it; empty when fresh. */
  message: string;
}

/** Options of {@linkcode addonBuildState}. */
export interface AddonBuildStateOptions {
  /** The `.node` file; defaults to the in-tree build. */
  addonPath?: string;
  /**
   * The crate whose sources the build must be newer than; defaults to this repository's;
   * `null` skips the comparison.
   */
  crateDir?: string | null;
}

/**
 * Compares the build's modification time with the crate's sources (`src/**`, `Cargo.toml`,
 * `Cargo.lock`, `build.rs`). Needs read permission for both. A crate folder that does not
 * exist (e.g. an installed copy without sources) counts as fresh.
 *
 * @example Check the in-tree build
 * ```ts ignore
 * import { addonBuildState } from "@vlmeval/native";
 * const state = addonBuildState();
 * if (state.state !== "fresh") console.error(state.message);
 * ```
 */
export function addonBuildState(options: AddonBuildStateOptions = {}): AddonBuildState {
  const addonPath = options.addonPath ?? defaultAddonPath();
  const crateDir = options.crateDir === undefined ? defaultCrateDir() : options.crateDir;
  let builtAt: number;
  try {
    builtAt = Deno.statSync(addonPath).mtime?.getTime() ?? 0;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return {
      state: "missing",
      addonPath,
      message:
        `CUDA addon is not built: ${addonPath} does not exist; run \`${BUILD_COMMAND}\` (needs Rust's cargo)`,
    };
  }
  const newest = crateDir === null ? undefined : newestSource(crateDir);
  if (newest === undefined || newest.mtime <= builtAt) {
    return { state: "fresh", addonPath, newestSource: newest?.path, message: "" };
  }
  return {
    state: "stale",
    addonPath,
    newestSource: newest.path,
    message:
      `CUDA addon build is stale: ${newest.path} is newer than ${addonPath}; run \`${BUILD_COMMAND}\``,
  };
}

function newestSource(crateDir: string): { path: string; mtime: number } | undefined {
  const files = ["Cargo.toml", "Cargo.lock", "build.rs"].map((name) => join(crateDir, name));
  files.push(...filesUnder(join(crateDir, "src")));
  let newest: { path: string; mtime: number } | undefined;
  for (const path of files) {
    let mtime: number;
    try {
      mtime = Deno.statSync(path).mtime?.getTime() ?? 0;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    if (newest === undefined || mtime > newest.mtime) newest = { path, mtime };
  }
  return newest;
}

function filesUnder(dir: string): string[] {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory) return filesUnder(path);
    return entry.isFile ? [path] : [];
  });
}
