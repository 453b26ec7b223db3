/**
 * End to end: a video benchmark fetched by `vlmeval fetch` (through a mirror of a loopback Hub)
 * is evaluated by name with `vlmeval --data <NAME>_<N>frame`: the fetched layout is the one the
 * pipeline and `@vlmeval/datasets` read (TSV beside video/), frames sampled by ffmpeg.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI_MAIN, runCli as cliProcess } from "@vlmeval/cli/testing";
import { findFfmpeg } from "@vlmeval/media";
import { evalTaskCommand, startHubServer, withTempDir } from "./_test_server.ts";

/** `vlmeval ARGS` as a process, with the permissions of `deno task eval`. */
const runCli = (args: string[], env: Record<string, string>) =>
  cliProcess(args, { env, command: evalTaskCommand(CLI_MAIN) });

/** `{name: bytes, ...}` pickled at protocol 4, as MMBench-Video's video_pkl files are read. */
function pickleVideos(videos: Record<string, Uint8Array>): Uint8Array {
  const out: number[] = [0x80, 4, 0x7d, 0x94, 0x28];
  const u32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
  for (const [name, data] of Object.entries(videos)) {
    const key = new TextEncoder().encode(name);
    out.push(0x8c, key.length, ...key, 0x94, 0x42, ...u32(data.length), ...data, 0x94);
  }
  out.push(0x75, 0x2e);
  return new Uint8Array(out);
}

Deno.test("a fetched MMBench-Video is evaluated by name: vlmeval --data MMBench-Video_2frame", async () => {
  const tools = await findFfmpeg();
  await withTempDir(async (dir) => {
    const clip = join(dir, "clip.mp4");
    const made = await new Deno.Command(tools.ffmpeg, {
      args: [
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=64x48:rate=10:duration=1",
        "-pix_fmt",
        "yuv420p",
        clip,
      ],
    }).output();
    assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
    const bytes = await Deno.readFile(clip);
    const tsv = "index\tvideo\tquestion\tanswer\n0\tclip_one\tWhat is shown?\tcolour bars\n" +
      "1\tclip_two\tWhat moves?\tnothing\n";
    const hub = startHubServer("opencompass/MMBench-Video", {
      "MMBench-Video.tsv": new TextEncoder().encode(tsv),
      "video_pkl/0.pkl": pickleVideos({ clip_one: bytes, clip_two: bytes }),
    });
    const env = {
      LMUData: join(dir, "LMUData"),
      VLMEVAL_DATA_MIRROR: hub.origin,
      NO_PROXY: "",
      no_proxy: "",
      HTTP_PROXY: "",
      http_proxy: "",
    };
    const fetched = await runCli(["fetch", "--quiet", "MMBench-Video"], env);
    assert.equal(fetched.code, 0, fetched.stderr);
    await hub.close();
    const work = join(dir, "outputs");
    const run = await runCli(
      [
        "--model",
        "ConstantAnswer",
        "--data",
        "MMBench-Video_2frame",
        "--work-dir",
        work,
        "--quiet",
      ],
      env,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const prediction = join(
      work,
      "ConstantAnswer",
      "ConstantAnswer_MMBench-Video_2frame_nopack.xlsx",
    );
    assert.ok((await Deno.stat(prediction)).size > 0);
    const frames = join(work, "images", "MMBench-Video", "clip_one");
    const names = [];
    for await (const e of Deno.readDir(frames)) if (e.name.endsWith(".jpg")) names.push(e.name);
    assert.equal(names.length, 2, names.join(", "));
  });
});
