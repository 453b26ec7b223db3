/**
 * Makes sure video benchmarks can decode: finds ffmpeg and ffprobe the way `@vlmeval/media`
 * does (`FFMPEG_BIN`, ffmpeg-static, the npm packages installed by `deno install`, Debian's
 * `/usr/bin/ffmpeg`, `PATH`), which also makes an executable copy of an npm binary installed
 * without its execute bit. When none is found, `FFMPEG_BIN` is not set and we are root with
 * apt-get, Debian's ffmpeg is installed and the search repeated.
 *
 * Exit code 0 when ffmpeg works, 6 (missing prerequisite) otherwise, with the how-to message;
 * 2 for a bad option.
 *
 * Usage: deno run -A scripts/ensure_ffmpeg.ts [--quiet] [--no-apt]
 *   --quiet   print nothing when ffmpeg is found
 *   --no-apt  never install Debian's ffmpeg
 */
import { EXIT_CODES } from "@vlmeval/schema";
import { findFfmpeg, MissingFfmpegError } from "@vlmeval/media";
import { parseScriptArgs } from "./_script_help.ts";

const { values } = parseScriptArgs(import.meta, {
  quiet: { type: "boolean" },
  "no-apt": { type: "boolean" },
});
const quiet = values.quiet ?? false;
const allowApt = !values["no-apt"] && !Deno.env.get("FFMPEG_BIN") &&
  !Deno.env.get("FFPROBE_BIN");

async function search() {
  try {
    return await findFfmpeg({});
  } catch (error) {
    if (error instanceof MissingFfmpegError) return error;
    throw error;
  }
}

async function aptInstall(): Promise<boolean> {
  const isRoot = Deno.uid() === 0;
  const hasApt = await new Deno.Command("sh", {
    args: ["-c", "command -v apt-get"],
    stdout: "null",
  })
    .output().then((o) => o.success, () => false);
  if (!isRoot || !hasApt) return false;
  console.error("setup: no working ffmpeg found; apt-get install ffmpeg");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const run = (cmdArgs: string[]) =>
    new Deno.Command("apt-get", { args: cmdArgs, env, stdout: "null", stderr: "inherit" }).output();
  await run(["update", "-qq"]);
  return (await run(["install", "-y", "-qq", "--no-install-recommends", "ffmpeg"])).success;
}

let found = await search();
if (found instanceof MissingFfmpegError && allowApt && await aptInstall()) found = await search();
if (found instanceof MissingFfmpegError) {
  console.error(`setup: ${found.message}`);
  Deno.exit(EXIT_CODES.missingPrerequisite);
}
if (!quiet) {
  console.error(`setup: ffmpeg ${found.ffmpeg} (${found.source}); ffprobe ${found.ffprobe}`);
}
