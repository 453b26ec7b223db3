import assert from "node:assert/strict";
import { join } from "node:path";
import { findFfmpeg, MissingFfmpegError } from "./ffmpeg_tools.ts";
import { npmPlatform } from "./_ffmpeg_candidates.ts";

/** Writes a shell script that runs `target`, with the given mode. */
async function wrapper(path: string, target: string, mode: number, exitCode?: number) {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  const body = exitCode === undefined ? `exec "${target}" "$@"` : `exit ${exitCode}`;
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, mode);
}

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-ffmpeg-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("findFfmpeg() finds working binaries in this repository", async () => {
  const tools = await findFfmpeg();
  assert.match(tools.version, /^ffmpeg version/);
  for (const bin of [tools.ffmpeg, tools.ffprobe]) {
    const out = await new Deno.Command(bin, { args: ["-version"], stdout: "null" }).output();
    assert.equal(out.code, 0, bin);
  }
  assert.equal(await findFfmpeg(), await findFfmpeg());
});

Deno.test("findFfmpeg() uses FFMPEG_BIN and FFPROBE_BIN first", async () => {
  const real = await findFfmpeg();
  await inTempDir(async (dir) => {
    await wrapper(join(dir, "node_modules", "ffmpeg-static", "ffmpeg"), real.ffmpeg, 0o755);
    const tools = await findFfmpeg({
      env: { FFMPEG_BIN: real.ffmpeg, FFPROBE_BIN: real.ffprobe },
      searchRoots: [dir],
      systemDirs: [],
    });
    assert.equal(tools.source, "FFMPEG_BIN");
    assert.equal(tools.ffmpeg, real.ffmpeg);
    assert.equal(tools.ffprobe, real.ffprobe);
  });
});

Deno.test("findFfmpeg() fails clearly when FFMPEG_BIN does not run", async () => {
  await inTempDir(async (dir) => {
    const error = await findFfmpeg({
      env: { FFMPEG_BIN: join(dir, "missing-ffmpeg") },
      searchRoots: [],
      systemDirs: [],
    }).catch((e) => e);
    assert.ok(error instanceof MissingFfmpegError);
    assert.match(error.message, /missing-ffmpeg/);
  });
});

Deno.test("findFfmpeg() prefers ffmpeg-static, then skips a broken one for the npm installer package", async () => {
  const real = await findFfmpeg();
  await inTempDir(async (dir) => {
    const nm = join(dir, "node_modules");
    const platform = npmPlatform();
    await wrapper(join(nm, "@ffmpeg-installer", platform, "ffmpeg"), real.ffmpeg, 0o755);
    await wrapper(join(nm, "@ffprobe-installer", platform, "ffprobe"), real.ffprobe, 0o755);
    await wrapper(join(nm, "ffmpeg-static", "ffmpeg"), real.ffmpeg, 0o755);
    const options = {
      env: {},
      searchRoots: [join(dir, "sub")],
      systemDirs: [],
      binCacheDir: join(dir, "bin"),
    };
    await Deno.mkdir(join(dir, "sub"));
    const withStatic = await findFfmpeg(options);
    assert.equal(withStatic.source, "ffmpeg-static");
    assert.equal(withStatic.ffmpeg, join(nm, "ffmpeg-static", "ffmpeg"));

    await wrapper(join(nm, "ffmpeg-static", "ffmpeg"), real.ffmpeg, 0o755, 1);
    const withoutStatic = await findFfmpeg(options);
    assert.equal(withoutStatic.source, "npm");
    assert.equal(withoutStatic.ffmpeg, join(nm, "@ffmpeg-installer", platform, "ffmpeg"));
    assert.equal(withoutStatic.ffprobe, join(nm, "@ffprobe-installer", platform, "ffprobe"));
  });
});

Deno.test("findFfmpeg() runs a copy of an npm binary installed without the execute bit", async () => {
  const real = await findFfmpeg();
  await inTempDir(async (dir) => {
    const nm = join(dir, "node_modules");
    const platform = npmPlatform();
    await wrapper(join(nm, "@ffmpeg-installer", platform, "ffmpeg"), real.ffmpeg, 0o755);
    const installed = join(nm, "@ffprobe-installer", platform, "ffprobe");
    await wrapper(installed, real.ffprobe, 0o644);
    const options = { env: {}, searchRoots: [dir], systemDirs: [], binCacheDir: join(dir, "bin") };
    const tools = await findFfmpeg(options);
    assert.ok(tools.ffprobe.startsWith(join(dir, "bin")), tools.ffprobe);
    assert.equal((await Deno.stat(tools.ffprobe)).mode! & 0o777, 0o755);
    assert.equal(
      (await Deno.stat(installed)).mode! & 0o777,
      0o644,
      "the installed file is left alone",
    );
    assert.equal((await findFfmpeg(options)).ffprobe, tools.ffprobe, "the copy is reused");
  });
});

Deno.test("findFfmpeg() says how to get ffmpeg when there is none", async () => {
  await inTempDir(async (dir) => {
    const error = await findFfmpeg({ env: { PATH: "" }, searchRoots: [dir], systemDirs: [] })
      .catch((e) => e);
    assert.ok(error instanceof MissingFfmpegError);
    assert.match(error.message, /no working ffmpeg was found/);
    assert.match(error.message, /FFMPEG_BIN=/);
    assert.match(error.message, /deno install/);
    assert.match(error.message, /apt-get install ffmpeg/);
  });
});
