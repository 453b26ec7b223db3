import assert from "node:assert/strict";
import { join } from "node:path";
import { BadVideoError, type BadVideoReason } from "./bad_video_error.ts";
import { type FfmpegTools, findFfmpeg } from "./ffmpeg_tools.ts";
import { probeVideo } from "./probe_video.ts";
import { sampleVideoFrames } from "./sample_video_frames.ts";
import {
  faultInjectionUnknownCodec,
  makeAudioOnly,
  makeIndexClip,
  truncateCopy,
} from "./testing.ts";

async function inTempDir(fn: (dir: string, tools: FfmpegTools) => Promise<void>): Promise<void> {
  const tools = await findFfmpeg();
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-probe-test-" });
  try {
    await fn(dir, tools);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function assertBadVideo(
  promise: Promise<unknown>,
  reason: BadVideoReason,
  messagePart: RegExp,
): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof BadVideoError, `expected BadVideoError, got ${error}`);
  assert.equal(error.reason, reason, error.message);
  assert.match(error.message, messagePart);
}

Deno.test("probeVideo() reads frame count, rate, duration, size and codec", async () => {
  await inTempDir(async (dir, tools) => {
    const mp4 = join(dir, "a.mp4");
    await makeIndexClip(tools, mp4, { frames: 60, fps: "30" });
    const probe = await probeVideo(mp4, tools);
    assert.equal(probe.frameCount, 60);
    assert.equal(probe.frameCountSource, "container");
    assert.equal(probe.fps, 30);
    assert.equal(probe.duration, 2);
    assert.equal(probe.width, 64);
    assert.equal(probe.height, 48);
    assert.equal(probe.codec, "h264");
    assert.equal(probe.variableFrameRate, false);
  });
});

Deno.test("probeVideo() computes the frame count from the duration when the container has none", async () => {
  await inTempDir(async (dir, tools) => {
    const mkv = join(dir, "a.mkv");
    await makeIndexClip(tools, mkv, { frames: 50, fps: "25" });
    const probe = await probeVideo(mkv, tools);
    assert.equal(probe.frameCountSource, "duration");
    assert.equal(probe.frameCount, 50);
    const frames = await sampleVideoFrames({
      video: mkv,
      framesDir: join(dir, "frames"),
      sampling: { mode: "count", nframe: 4 },
      tools,
    });
    assert.deepEqual(frames.indices, [10, 20, 30, 40]);
  });
});

Deno.test("probeVideo() names the reason for each kind of bad video", async (t) => {
  await inTempDir(async (dir, tools) => {
    const good = join(dir, "good.mp4");
    await makeIndexClip(tools, good, { frames: 100 });
    const goodFast = join(dir, "good-faststart.mp4");
    await makeIndexClip(tools, goodFast, { frames: 100, outputArgs: ["-movflags", "+faststart"] });

    await t.step("missing file", async () => {
      await assertBadVideo(
        probeVideo(join(dir, "nope.mp4"), tools),
        "missing-file",
        /nope\.mp4.*does not exist/,
      );
    });
    await t.step("zero-length file", async () => {
      const empty = join(dir, "empty.mp4");
      await Deno.writeFile(empty, new Uint8Array());
      await assertBadVideo(
        probeVideo(empty, tools),
        "zero-length",
        /empty\.mp4.*empty \(0 bytes\)/,
      );
    });
    await t.step("garbage bytes named .mp4", async () => {
      const garbage = join(dir, "garbage.mp4");
      await Deno.writeFile(garbage, crypto.getRandomValues(new Uint8Array(4096)));
      await assertBadVideo(
        probeVideo(garbage, tools),
        "corrupt",
        /garbage\.mp4.*not a readable video/,
      );
    });
    await t.step("truncated before the index (moov at the end)", async () => {
      const cut = join(dir, "cut.mp4");
      await truncateCopy(good, cut, 0.5);
      await assertBadVideo(probeVideo(cut, tools), "corrupt", /moov atom not found/);
    });
    await t.step("truncated after the index (faststart)", async () => {
      const cut = join(dir, "cut-faststart.mp4");
      await truncateCopy(goodFast, cut, 0.5);
      await assertBadVideo(probeVideo(cut, tools), "truncated", /cut-faststart\.mp4.*truncated/);
    });
    await t.step("audio only", async () => {
      const audio = join(dir, "audio.mp4");
      await makeAudioOnly(tools, audio);
      await assertBadVideo(
        probeVideo(audio, tools),
        "no-video-stream",
        /no video stream: streams found: audio/,
      );
    });
    await t.step("unknown codec", async () => {
      const odd = join(dir, "odd-codec.mp4");
      await faultInjectionUnknownCodec(good, odd);
      await assertBadVideo(probeVideo(odd, tools), "unreadable-codec", /cannot be decoded.*"zzzz"/);
    });
    await t.step("raw H.264 stream (no duration)", async () => {
      const raw = join(dir, "raw.h264");
      await makeIndexClip(tools, raw, { frames: 50, outputArgs: ["-f", "h264"] });
      await assertBadVideo(
        probeVideo(raw, tools),
        "unknown-duration",
        /duration and frame count are unknown/,
      );
    });
    await t.step("Matroska written to a pipe (no duration)", async () => {
      const piped = join(dir, "piped.mkv");
      const script = `"$0" -hide_banner -loglevel error -i "$1" -c copy -f matroska - > "$2"`;
      const out = await new Deno.Command("sh", { args: ["-c", script, tools.ffmpeg, good, piped] })
        .output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      await assertBadVideo(probeVideo(piped, tools), "unknown-duration", /matroska.*remux/);
    });
  });
});

Deno.test("sampleVideoFrames() reports a file that ends before its declared frames as truncated", async () => {
  await inTempDir(async (dir, tools) => {
    const full = join(dir, "full.mp4");
    await makeIndexClip(tools, full, {
      frames: 250,
      gop: 25,
      outputArgs: ["-movflags", "+faststart"],
    });
    const cut = join(dir, "cut.mp4");
    await truncateCopy(full, cut, 0.8);
    const sampling = { mode: "count", nframe: 8 } as const;
    await assertBadVideo(
      sampleVideoFrames({ video: cut, framesDir: join(dir, "frames"), sampling, tools }),
      "truncated",
      /cut\.mp4.*truncated/,
    );
  });
});
