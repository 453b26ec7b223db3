/**
 * Loads the compiled addon with `process.dlopen`, and when that is not possible says why in one
 * sentence that ends with what to do. Never throws.
 *
 * @module
 */

import { causeChain } from "@vlmeval/internal";
import process from "node:process";

import {
  ADDON_PATH_VARIABLE,
  addonBuildState,
  BUILD_COMMAND,
  defaultAddonPath,
  defaultCrateDir,
} from "./addon_build_state.ts";
import { BINDING_FUNCTIONS, EXPECTED_API_VERSION, type NativeBinding } from "./binding.ts";

/** How loading the addon went. */
export type AddonState =
  | "loaded"
  | "not-built"
  | "stale"
  | "permission-denied"
  | "load-failed";

/** The addon's load outcome, as {@linkcode loadAddon} and `addonStatus()` report it. */
export interface AddonStatus {
  /** `loaded`, or why not: no build, a stale build, a missing permission, or a refused load. */
  state: AddonState;
  /** True when the binding is usable. */
  loaded: boolean;
  /** The `.node` file tried. */
  path: string;
  /** What went wrong and the command that fixes it; empty when loaded. */
  message: string;
  /** The innermost error text behind a failed load (Deno wraps the real reason in `cause`). */
  cause?: string;
  /** The loaded build's crate version. */
  version?: string;
}

/** A load outcome, with the binding when it loaded. */
export interface AddonLoad extends AddonStatus {
  /** The addon's functions; present only when `loaded`. */
  binding?: NativeBinding;
  /** The original error of a failed load. */
  error?: unknown;
}

/** Options of {@linkcode loadAddon}. */
export interface LoadAddonOptions {
  /** The `.node` file; defaults to `$VLMEVAL_NATIVE_ADDON`, then the in-tree build. */
  addonPath?: string;
  /**
   * The crate whose sources the build must be newer than. Defaults to this repository's crate
   * for the in-tree build, and to no check for a path given by option or variable.
   */
  crateDir?: string;
}

const loaded = new Map<string, NativeBinding>();

/**
 * Finds, checks and loads the addon: read and FFI permission, presence, staleness, then
 * `process.dlopen`, then the build's API version. Loading the same file twice returns the same
 * binding.
 *
 * @example Load and report
 * ```ts ignore
 * import { loadAddon } from "@vlmeval/native";
 * const addon = loadAddon();
 * if (!addon.loaded) console.error(addon.message);
 * ```
 */
export function loadAddon(options: LoadAddonOptions = {}): AddonLoad {
  const overridden = options.addonPath ?? pathFromEnvironment();
  const path = overridden ?? defaultAddonPath();
  const crateDir = options.crateDir ?? (overridden === undefined ? undefined : null);
  try {
    return load(path, crateDir);
  } catch (error) {
    return failed("load-failed", path, `Cannot load the CUDA addon from ${path}`, error);
  }
}

function load(path: string, crateDir: string | null | undefined): AddonLoad {
  const denied = missingPermission(path);
  if (denied) return { state: "permission-denied", loaded: false, path, message: denied };
  const cached = loaded.get(path);
  if (cached) return withBinding(path, cached);
  const sourcesReadable = crateDir === null ||
    Deno.permissions.querySync({ name: "read", path: crateDir ?? defaultCrateDir() }).state ===
      "granted";
  const build = addonBuildState({ addonPath: path, crateDir: sourcesReadable ? crateDir : null });
  if (build.state === "missing") {
    return { state: "not-built", loaded: false, path, message: build.message };
  }
  if (build.state === "stale") {
    return { state: "stale", loaded: false, path, message: build.message };
  }
  const module = { exports: {} as Record<string, unknown> };
  try {
    process.dlopen(module, path);
  } catch (error) {
    const cause = innermostMessage(error);
    if (/Requires ffi access|--allow-ffi|NotCapable/i.test(cause)) {
      return failed("permission-denied", path, ffiMessage(path), error);
    }
    return failed(
      "load-failed",
      path,
      `Cannot load the CUDA addon from ${path} as the dynamic loader refused it: ${cause}; rebuild it with \`${BUILD_COMMAND}\``,
      error,
    );
  }
  const binding = module.exports as unknown as NativeBinding;
  const absent = BINDING_FUNCTIONS.filter((name) => typeof binding[name] !== "function");
  const apiVersion = absent.includes("addonInfo") ? undefined : binding.addonInfo().apiVersion;
  if (absent.length > 0 || apiVersion !== EXPECTED_API_VERSION) {
    return {
      state: "stale",
      loaded: false,
      path,
      message: `CUDA addon build is stale: ${path} has API version ${apiVersion ?? "unknown"} and ${
        absent.length > 0 ? `lacks ${absent.join(", ")}` : "all functions"
      }, this package needs API version ${EXPECTED_API_VERSION}; run \`${BUILD_COMMAND}\``,
    };
  }
  loaded.set(path, binding);
  return withBinding(path, binding);
}

function withBinding(path: string, binding: NativeBinding): AddonLoad {
  const version = binding.addonInfo().version;
  return { state: "loaded", loaded: true, path, message: "", version, binding };
}

function pathFromEnvironment(): string | undefined {
  const access = Deno.permissions.querySync({ name: "env", variable: ADDON_PATH_VARIABLE });
  if (access.state !== "granted") return undefined;
  return Deno.env.get(ADDON_PATH_VARIABLE) || undefined;
}

/** The permission Deno lacks to load `path`, as a message; undefined when all are granted. */
function missingPermission(path: string): string | undefined {
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    return `Cannot load the CUDA addon as Deno lacks read permission for ${path}: run with --allow-read (and --allow-ffi --allow-env)`;
  }
  if (Deno.permissions.querySync({ name: "ffi", path }).state !== "granted") {
    return ffiMessage(path);
  }
  return undefined;
}

function ffiMessage(path: string): string {
  return `Cannot load the CUDA addon as Deno lacks FFI permission for ${path}: run with --allow-ffi (Node-API addons need it, with --allow-read and --allow-env)`;
}

function failed(state: AddonState, path: string, message: string, error: unknown): AddonLoad {
  return { state, loaded: false, path, message, cause: innermostMessage(error), error };
}

/** The message of the deepest `cause` in an error chain (napi loaders bury the real reason). */
export function innermostMessage(error: unknown): string {
  const innermost = causeChain(error).at(-1);
  return innermost instanceof Error ? innermost.message : String(innermost);
}
