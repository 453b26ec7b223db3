import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";
import {
  type Candidate,
  defaultSearchPlaces,
  ffmpegCandidates,
  type FfmpegSource,
  ffprobeCandidates,
  type SearchPlaces,
} from "./_ffmpeg_candidates.ts";
import { defaultBinCacheDir, executablePath } from "./_executable_binary.ts";
import { runTool } from "./_run_tool.ts";

export type { FfmpegSource } from "./_ffmpeg_candidates.ts";

/** The ffmpeg and ffprobe binaries used for video work. */
export interface FfmpegTools {
  /** Path of an ffmpeg that runs. */
  ffmpeg: string;
  /** Path of an ffprobe that runs. */
  ffprobe: string;
  /** Where ffmpeg was found. */
  source: FfmpegSource;
  /** First line of `ffmpeg -version`. */
  version: string;
  /**
   * The output option that keeps every selected frame as is: `-fps_mode` (ffmpeg 5.1 and
   * later, libavformat 59.27+) or `-vsync` (older builds; later ones no longer accept it).
   */
  passthroughOption: "-fps_mode" | "-vsync";
}

/** Options of {@link findFfmpeg}; every field defaults to the real process's value. */
export interface FindFfmpegOptions {
  /** Environment to read `FFMPEG_BIN`, `FFPROBE_BIN` and `PATH` from. */
  env?: Record<string, string | undefined>;
  /** Folders whose `node_modules` (and their parents') are searched for npm binaries. */
  searchRoots?: string[];
  /** Folders of the distribution's binaries (default `/usr/bin`). */
  systemDirs?: string[];
  /** Where a copy of a non-executable npm binary is made executable. */
  binCacheDir?: string;
}

/** Thrown when no working ffmpeg or ffprobe is found; the message says how to get one. */
export class MissingFfmpegError extends Error {
  /** A missing ffmpeg ends the run with exit code 6. */
  readonly exitCode: ExitCode = EXIT_CODES.missingPrerequisite;
  /** Candidates that were tried, with why each was rejected. */
  readonly tried: string[];

  /** `what` is the binary that is missing; `tried` lists the rejected candidates. */
  constructor(what: "ffmpeg" | "ffprobe", tried: string[], options?: ErrorOptions) {
    super(
      `Cannot decode videos as no working ${what} was found. Get one in any of these ways: ` +
        `set FFMPEG_BIN=/path/to/ffmpeg (and FFPROBE_BIN=/path/to/ffprobe); ` +
        `run \`deno install\` in the repository (npm packages @ffmpeg-installer/ffmpeg and ` +
        `@ffprobe-installer/ffprobe); or \`apt-get install ffmpeg\` (Debian/Ubuntu). ` +
        `Tried: ${tried.length > 0 ? tried.join("; ") : "nothing"}`,
      options,
    );
    this.name = "MissingFfmpegError";
    this.tried = tried;
  }
}

let defaultTools: Promise<FfmpegTools> | undefined;

/**
 * Finds ffmpeg and ffprobe, in this order: `FFMPEG_BIN` (and `FFPROBE_BIN`); the binary of the
 * npm package `ffmpeg-static` when its download succeeded; the npm packages
 * `@ffmpeg-installer/ffmpeg` and `@ffprobe-installer/ffprobe`; Debian's `/usr/bin/ffmpeg`;
 * `PATH`. Each candidate must run `-version` successfully. ffprobe is looked for beside the
 * chosen ffmpeg first. With no options the result is remembered for the process.
 *
 * @throws {MissingFfmpegError} when none works, or when `FFMPEG_BIN`/`FFPROBE_BIN` is set to
 * something that does not run.
 *
 * @example Find the tools
 * ```ts ignore
 * import { findFfmpeg } from "@vlmeval/media";
 * const tools = await findFfmpeg();
 * console.log(tools.ffmpeg, tools.source);
 * ```
 */
export function findFfmpeg(options?: FindFfmpegOptions): Promise<FfmpegTools> {
  if (options !== undefined) return search(options);
  defaultTools ??= search({}).catch((error) => {
    defaultTools = undefined;
    throw error;
  });
  return defaultTools;
}

async function search(options: FindFfmpegOptions): Promise<FfmpegTools> {
  const defaults = defaultSearchPlaces();
  const places: SearchPlaces = {
    env: options.env ?? defaults.env,
    searchRoots: options.searchRoots ?? defaults.searchRoots,
    systemDirs: options.systemDirs ?? defaults.systemDirs,
  };
  const cacheDir = options.binCacheDir ?? defaultBinCacheDir(places.env);
  const tried: string[] = [];

  const envFfmpeg = places.env.FFMPEG_BIN;
  const ffmpegList: Candidate[] = envFfmpeg
    ? [{ path: envFfmpeg, source: "FFMPEG_BIN" }]
    : ffmpegCandidates(places);
  const ffmpeg = await firstWorking(ffmpegList, "ffmpeg", cacheDir, tried, Boolean(envFfmpeg));
  if (ffmpeg === undefined) throw new MissingFfmpegError("ffmpeg", tried);

  const envFfprobe = places.env.FFPROBE_BIN;
  const probeList: Candidate[] = envFfprobe
    ? [{ path: envFfprobe, source: "FFMPEG_BIN" }]
    : ffprobeCandidates(places, ffmpeg.candidate);
  const ffprobe = await firstWorking(probeList, "ffprobe", cacheDir, tried, Boolean(envFfprobe));
  if (ffprobe === undefined) throw new MissingFfmpegError("ffprobe", tried);

  return {
    ffmpeg: ffmpeg.path,
    ffprobe: ffprobe.path,
    source: ffmpeg.candidate.source,
    version: ffmpeg.versionLine,
    passthroughOption: supportsFpsMode(ffmpeg.versionText) ? "-fps_mode" : "-vsync",
  };
}

interface Working {
  candidate: Candidate;
  path: string;
  versionLine: string;
  versionText: string;
}

async function firstWorking(
  list: Candidate[],
  name: "ffmpeg" | "ffprobe",
  cacheDir: string,
  tried: string[],
  explicit: boolean,
): Promise<Working | undefined> {
  for (const candidate of list) {
    let path: string;
    try {
      path = await executablePath(candidate.path, cacheDir);
    } catch (error) {
      if (explicit) {
        tried.push(`${candidate.path} (${describe(error)})`);
        throw new MissingFfmpegError(name, tried, { cause: error });
      }
      if (!(error instanceof Deno.errors.NotFound)) {
        tried.push(`${candidate.path} (${describe(error)})`);
      }
      continue;
    }
    const result = await runTool(path, ["-hide_banner", "-version"], { timeoutMs: 15_000 })
      .catch((error: unknown) => ({ code: -1, stdout: "", stderr: describe(error) }));
    const versionLine = result.stdout.split("\n")[0] ?? "";
    if (result.code === 0 && versionLine.startsWith(`${name} version`)) {
      return { candidate, path, versionLine, versionText: result.stdout };
    }
    tried.push(`${candidate.path} (-version failed: ${firstLine(result.stderr || versionLine)})`);
    if (explicit) throw new MissingFfmpegError(name, tried);
  }
  return undefined;
}

/** True when the libavformat in `-version` output is 59.27 or later (ffmpeg 5.1+). */
function supportsFpsMode(versionText: string): boolean {
  const match = /libavformat\s+(\d+)\.\s*(\d+)/.exec(versionText);
  if (!match) return true;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 59 || (major === 59 && minor >= 27);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
