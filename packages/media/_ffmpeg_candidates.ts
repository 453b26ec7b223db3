import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where a candidate binary comes from, in the order they are tried. */
export type FfmpegSource = "FFMPEG_BIN" | "ffmpeg-static" | "npm" | "debian" | "PATH";

/** A binary that may be tried. */
export interface Candidate {
  path: string;
  source: FfmpegSource;
}

/** Inputs of the search, all injectable for tests. */
export interface SearchPlaces {
  env: Record<string, string | undefined>;
  /** Folders whose `node_modules/` (and every parent's) are searched for npm packages. */
  searchRoots: string[];
  /** Folders holding the distribution's binaries (Debian's `/usr/bin`). */
  systemDirs: string[];
}

/** The search places of a normal run: the process environment, cwd and this file's folder. */
export function defaultSearchPlaces(): SearchPlaces {
  const roots = [Deno.cwd()];
  if (import.meta.url.startsWith("file:")) roots.push(dirname(fileURLToPath(import.meta.url)));
  return { env: Deno.env.toObject(), searchRoots: roots, systemDirs: ["/usr/bin"] };
}

/** `node_modules` folders at each root and above it, nearest first, without duplicates. */
export function nodeModulesDirs(roots: string[]): string[] {
  const found: string[] = [];
  for (const root of roots) {
    let dir = resolve(root);
    while (true) {
      const candidate = join(dir, "node_modules");
      if (!found.includes(candidate) && isDirectory(candidate)) found.push(candidate);
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return found;
}

/** ffmpeg candidates in the order (the env variable is handled by the caller). */
export function ffmpegCandidates(places: SearchPlaces): Candidate[] {
  const platform = npmPlatform();
  const list: Candidate[] = [];
  const modules = nodeModulesDirs(places.searchRoots);
  for (const nm of modules) {
    list.push({ path: join(nm, "ffmpeg-static", "ffmpeg"), source: "ffmpeg-static" });
  }
  for (const nm of modules) {
    for (const path of installerPaths(nm, "@ffmpeg-installer", "ffmpeg", platform)) {
      list.push({ path, source: "npm" });
    }
  }
  for (const dir of places.systemDirs) list.push({ path: join(dir, "ffmpeg"), source: "debian" });
  for (const dir of pathDirs(places.env)) list.push({ path: join(dir, "ffmpeg"), source: "PATH" });
  return dedupe(list);
}

/** ffprobe candidates: beside the chosen ffmpeg first, then the same order as ffmpeg's. */
export function ffprobeCandidates(places: SearchPlaces, ffmpeg: Candidate): Candidate[] {
  const platform = npmPlatform();
  const list: Candidate[] = [];
  const modules = nodeModulesDirs(places.searchRoots);
  list.push({ path: join(dirname(ffmpeg.path), "ffprobe"), source: ffmpeg.source });
  for (const nm of modules) {
    const [os, arch] = [Deno.build.os, platform.split("-")[1]];
    list.push({
      path: join(nm, "ffprobe-static", "bin", os, arch, "ffprobe"),
      source: "ffmpeg-static",
    });
  }
  for (const nm of modules) {
    for (const path of installerPaths(nm, "@ffprobe-installer", "ffprobe", platform)) {
      list.push({ path, source: "npm" });
    }
  }
  for (const dir of places.systemDirs) list.push({ path: join(dir, "ffprobe"), source: "debian" });
  for (const dir of pathDirs(places.env)) list.push({ path: join(dir, "ffprobe"), source: "PATH" });
  return dedupe(list);
}

/**
 * Paths where an `@ffmpeg-installer`-style package keeps its platform binary: the platform
 * package beside the (symlinked) main package, as the package's own resolver looks, and the
 * hoisted copies in `node_modules/` and Deno's `node_modules/.deno/node_modules/`.
 */
function installerPaths(nm: string, scope: string, name: string, platform: string): string[] {
  const paths: string[] = [];
  const main = join(nm, scope, name);
  try {
    paths.push(join(dirname(Deno.realPathSync(main)), platform, name));
  } catch {
    // The main package is not installed here.
  }
  paths.push(join(nm, scope, platform, name));
  paths.push(join(nm, ".deno", "node_modules", scope, platform, name));
  return paths;
}

/** The npm platform name of this machine (`linux-x64`, `darwin-arm64`, ...). */
export function npmPlatform(): string {
  const arch = Deno.build.arch === "x86_64" ? "x64" : "arm64";
  const os = Deno.build.os === "windows" ? "win32" : Deno.build.os;
  return `${os}-${arch}`;
}

function pathDirs(env: Record<string, string | undefined>): string[] {
  return (env.PATH ?? "").split(":").filter((d) => d !== "");
}

function dedupe(list: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return list.filter((c) => !seen.has(c.path) && seen.add(c.path));
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
