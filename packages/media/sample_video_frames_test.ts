import assert from "node:assert/strict";
import { join } from "node:path";
import { BadVideoError } from "./bad_video_error.ts";
import { type FfmpegTools, findFfmpeg } from "./ffmpeg_tools.ts";
import { frameIndicesByCount } from "./frame_indices.ts";
import { sampleVideoFrames } from "./sample_video_frames.ts";
import { makeIndexClip, readFrameIndex } from "./testing.ts";

/** Tools whose binaries do not exist: any spawn fails, so a call that succeeds spawned none. */
const NO_SPAWN: FfmpegTools = {
  ffmpeg: "/nonexistent/ffmpeg",
  ffprobe: "/nonexistent/ffprobe",
  source: "FFMPEG_BIN",
  version: "none",
  passthroughOption: "-fps_mode",
};

async function withClip(
  options: Parameters<typeof makeIndexClip>[2] & { name?: string },
  fn: (video: string, dir: string, tools: FfmpegTools) => Promise<void>,
): Promise<void> {
  const tools = await findFfmpeg();
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-video-test-" });
  try {
    const video = join(dir, options.name ?? "clip.mp4");
    await makeIndexClip(tools, video, options);
    await fn(video, dir, tools);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function shownIndices(paths: string[]): Promise<number[]> {
  return await Promise.all(paths.map(readFrameIndex));
}

Deno.test("sampleVideoFrames() takes VLMEvalKit's nframe indices and the frames really are those", async () => {
  await withClip({ frames: 200, fps: "30000/1001", gop: 48 }, async (video, dir) => {
    const frames = await sampleVideoFrames({
      video,
      framesDir: join(dir, "frames"),
      sampling: { mode: "count", nframe: 8 },
    });
    assert.deepEqual(frames.indices, frameIndicesByCount(200, 8));
    assert.deepEqual(frames.indices, [22, 44, 66, 88, 111, 133, 155, 177]);
    assert.deepEqual(await shownIndices(frames.paths), frames.indices);
    assert.deepEqual(
      frames.paths.map((p) => p.split("/").at(-1)),
      Array.from({ length: 8 }, (_, i) => `frame-${i + 1}-of-8.jpg`),
    );
    assert.equal(frames.fromCache, false);
    assert.equal(frames.probe.frameCount, 200);
    assert.ok(Math.abs(frames.probe.fps - 30000 / 1001) < 1e-6);
  });
});

Deno.test("sampleVideoFrames() lands on keyframes, and the frames right after them, in MP4 and MKV", async () => {
  // B-frames make ffmpeg's seek back off by 3/23 s: a target on a keyframe or just after it
  // must still be that frame. MKV keeps times in milliseconds.
  for (const name of ["clip.mp4", "clip.mkv"]) {
    await withClip({ frames: 240, fps: "25", gop: 12, name }, async (video, dir) => {
      const frames = await sampleVideoFrames({
        video,
        framesDir: join(dir, "frames"),
        sampling: { mode: "fps", fps: 12.5 },
      });
      assert.equal(frames.indices.length, 120);
      assert.deepEqual(await shownIndices(frames.paths), frames.indices, name);
    });
  }
});

Deno.test("sampleVideoFrames() takes VLMEvalKit's fps indices, with and without a cap", async () => {
  await withClip({ frames: 250, fps: "25", gop: 50 }, async (video, dir) => {
    const byRate = await sampleVideoFrames({
      video,
      framesDir: join(dir, "frames"),
      sampling: { mode: "fps", fps: 2 },
    });
    assert.deepEqual(byRate.indices, Array.from({ length: 20 }, (_, i) => Math.trunc(i * 12.5)));
    assert.deepEqual(await shownIndices(byRate.paths), byRate.indices);
    assert.equal(byRate.paths[0].split("/").at(-1), "frame-1-of-20-2.0fps.jpg");

    const capped = await sampleVideoFrames({
      video,
      framesDir: join(dir, "frames"),
      sampling: { mode: "fps", fps: 2, maxFrames: 5 },
    });
    assert.deepEqual(capped.indices, [0, 50, 100, 150, 200]);
    assert.deepEqual(await shownIndices(capped.paths), capped.indices);
    assert.equal(capped.paths[0].split("/").at(-1), "frame-1-of-5-2.0fps-max5.jpg");
  });
});

Deno.test("sampleVideoFrames() repeats a frame when the rate is above the video's", async () => {
  await withClip({ frames: 20, fps: "25", gop: 10 }, async (video, dir) => {
    const frames = await sampleVideoFrames({
      video,
      framesDir: join(dir, "frames"),
      sampling: { mode: "fps", fps: 30 },
    });
    assert.equal(frames.indices.length, 24);
    assert.deepEqual(frames.indices.slice(0, 7), [0, 0, 1, 2, 3, 4, 5]);
    assert.deepEqual(await shownIndices(frames.paths), frames.indices);
  });
});

Deno.test("sampleVideoFrames() takes MVBench segment middles within a time bound", async () => {
  await withClip({ frames: 150, fps: "25", gop: 25 }, async (video, dir) => {
    const frames = await sampleVideoFrames({
      video,
      framesDir: join(dir, "frames"),
      sampling: { mode: "segments", nframe: 4, bound: [1, 5] },
    });
    assert.deepEqual(frames.indices, [37, 62, 87, 112]);
    assert.deepEqual(await shownIndices(frames.paths), frames.indices);
    assert.equal(frames.paths[0].split("/").at(-1), "frame-1-of-4-seg-1.0-5.0.jpg");
  });
});

Deno.test("sampleVideoFrames() counts decoded frames in a variable-frame-rate video", async () => {
  const setpts = "if(lt(N,50),N/25,2+(N-50)/10)/TB";
  await withClip({ frames: 100, fps: "25", gop: 30, setpts }, async (video, dir) => {
    const frames = await sampleVideoFrames({
      video,
      framesDir: join(dir, "frames"),
      sampling: { mode: "count", nframe: 5 },
    });
    assert.equal(frames.probe.variableFrameRate, true);
    assert.deepEqual(frames.indices, [16, 33, 50, 66, 83]);
    assert.deepEqual(await shownIndices(frames.paths), frames.indices);
  });
});

Deno.test("sampleVideoFrames() serves a second call from the cache without running ffmpeg", async () => {
  await withClip({ frames: 100, gop: 25 }, async (video, dir) => {
    const framesDir = join(dir, "frames");
    const sampling = { mode: "count", nframe: 4 } as const;
    const first = await sampleVideoFrames({ video, framesDir, sampling });
    const mtimes = await Promise.all(first.paths.map(async (p) => (await Deno.stat(p)).mtime));
    const second = await sampleVideoFrames({ video, framesDir, sampling, tools: NO_SPAWN });
    assert.equal(second.fromCache, true);
    assert.deepEqual(second.paths, first.paths);
    assert.deepEqual(second.indices, first.indices);
    assert.deepEqual(second.probe, first.probe);
    assert.deepEqual(
      await Promise.all(second.paths.map(async (p) => (await Deno.stat(p)).mtime)),
      mtimes,
    );
    const other = sampleVideoFrames({
      video,
      framesDir,
      sampling: { mode: "count", nframe: 5 },
      tools: NO_SPAWN,
    });
    await assert.rejects(other, Deno.errors.NotFound, "another setting is not a cache hit");
  });
});

Deno.test("sampleVideoFrames() extracts again when a frame is missing or the video changed", async () => {
  await withClip({ frames: 100, gop: 25 }, async (video, dir, tools) => {
    const framesDir = join(dir, "frames");
    const sampling = { mode: "count", nframe: 4 } as const;
    const first = await sampleVideoFrames({ video, framesDir, sampling });
    await Deno.writeFile(first.paths[2], new Uint8Array());
    await assert.rejects(sampleVideoFrames({ video, framesDir, sampling, tools: NO_SPAWN }));
    const repaired = await sampleVideoFrames({ video, framesDir, sampling });
    assert.equal(repaired.fromCache, false);
    assert.deepEqual(await shownIndices(repaired.paths), [20, 40, 60, 80]);

    await makeIndexClip(tools, video, { frames: 50, gop: 25 });
    const changed = await sampleVideoFrames({ video, framesDir, sampling });
    assert.equal(changed.fromCache, false);
    assert.deepEqual(await shownIndices(changed.paths), [10, 20, 30, 40]);
  });
});

const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

Deno.test("sampleVideoFrames() by two processes at once leaves complete frames and no temporaries", async () => {
  await withClip({ frames: 200, gop: 50 }, async (video, dir) => {
    const framesDir = join(dir, "frames");
    const script = join(dir, "sample.ts");
    const module = new URL("./sample_video_frames.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { sampleVideoFrames } from ${JSON.stringify(module)};\n` +
        `const r = await sampleVideoFrames({ video: Deno.args[0], framesDir: Deno.args[1], ` +
        `sampling: { mode: "fps", fps: 3 } });\nconsole.log(JSON.stringify(r.indices));\n`,
    );
    const run = () =>
      new Deno.Command(Deno.execPath(), {
        // The script lives outside the workspace: the config resolves `@vlmeval/*` imports.
        args: ["run", "-A", "--no-lock", "--config", CONFIG, script, video, framesDir],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const outputs = await Promise.all([
      run(),
      run(),
      sampleVideoFrames({
        video,
        framesDir,
        sampling: { mode: "fps", fps: 3 },
      }),
    ]);
    const expected = Array.from({ length: 24 }, (_, i) => Math.trunc((i * 25) / 3));
    for (const out of outputs.slice(0, 2) as Deno.CommandOutput[]) {
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), expected);
    }
    const frames = outputs[2] as Awaited<ReturnType<typeof sampleVideoFrames>>;
    assert.deepEqual(await shownIndices(frames.paths), expected);
    const leftovers = [];
    for await (const entry of Deno.readDir(framesDir)) {
      if (
        entry.name.startsWith(".extract-") || entry.name.endsWith(".tmp") ||
        entry.name.endsWith(".lock")
      ) {
        leftovers.push(entry.name);
      }
    }
    assert.deepEqual(leftovers, []);
  });
});

Deno.test("sampleVideoFrames() takes over a stale lock, cleans up after a killed run, and does not fail on a held lock", async () => {
  await withClip({ frames: 60, gop: 20 }, async (video, dir) => {
    const framesDir = join(dir, "frames");
    await Deno.mkdir(framesDir, { recursive: true });
    const leftover = join(framesDir, ".extract-killed");
    await Deno.mkdir(leftover);
    await Deno.writeTextFile(join(leftover, "s0-000000.jpg"), "half a frame");
    const lockPath = join(framesDir, ".frames-3frame.lock");
    await Deno.writeTextFile(lockPath, "12345\n");
    const old = new Date(Date.now() - 3_600_000);
    await Deno.utime(lockPath, old, old);
    await Deno.utime(leftover, old, old);
    const afterStale = await sampleVideoFrames({
      video,
      framesDir,
      sampling: { mode: "count", nframe: 3 },
    });
    assert.deepEqual(await shownIndices(afterStale.paths), [15, 30, 45]);
    await assert.rejects(
      Deno.stat(leftover),
      Deno.errors.NotFound,
      "a killed extraction's folder is removed",
    );

    const heldPath = join(framesDir, ".frames-2frame.lock");
    await Deno.writeTextFile(heldPath, "12345\n");
    const despiteHeld = await sampleVideoFrames({
      video,
      framesDir,
      sampling: { mode: "count", nframe: 2 },
      lock: { maxWaitMs: 100, pollMs: 10 },
    });
    assert.deepEqual(await shownIndices(despiteHeld.paths), [20, 40]);
    await Deno.remove(heldPath);
  });
});

Deno.test("sampleVideoFrames() refuses a bad setting before touching the disk, a missing video before running ffmpeg", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const framesDir = join(dir, "frames");
    const call = (sampling: Parameters<typeof sampleVideoFrames>[0]["sampling"]) =>
      sampleVideoFrames({ video: join(dir, "none.mp4"), framesDir, sampling, tools: NO_SPAWN });
    await assert.rejects(call({ mode: "count", nframe: 0 }), RangeError);
    await assert.rejects(call({ mode: "fps", fps: -1 }), RangeError);
    await assert.rejects(call({ mode: "fps", fps: 1, maxFrames: 1.5 }), RangeError);
    await assert.rejects(Deno.stat(framesDir), Deno.errors.NotFound);
    const missing = await call({ mode: "count", nframe: 8 }).catch((e) => e);
    assert.ok(missing instanceof BadVideoError, String(missing));
    assert.equal(missing.reason, "missing-file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
