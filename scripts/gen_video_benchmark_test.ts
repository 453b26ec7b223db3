import assert from "node:assert/strict";
import { generateShapesVideo } from "./gen_video_benchmark.ts";
import { ffmpegBinary } from "./_synthetic_ffmpeg.ts";

const SHIPPED_TSV = new URL("../packages/datasets/bundled/Shapes_Video.tsv", import.meta.url);

async function files(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  out.set("Shapes_Video.tsv", await Deno.readFile(`${dir}/Shapes_Video.tsv`));
  for await (const entry of Deno.readDir(`${dir}/video`)) {
    out.set(entry.name, await Deno.readFile(`${dir}/video/${entry.name}`));
  }
  return out;
}

Deno.test("generateShapesVideo() writes the same bytes twice and a prefix of the shipped TSV", async () => {
  const a = await Deno.makeTempDir();
  const b = await Deno.makeTempDir();
  try {
    const rows = await generateShapesVideo(a, { clips: 3 });
    await generateShapesVideo(b, { clips: 3 });
    assert.ok(rows >= 6 && rows <= 9, `rows ${rows}`);
    const first = await files(a);
    assert.deepEqual([...first.keys()].sort(), [
      "Shapes_Video.tsv",
      "shapes_000.mp4",
      "shapes_001.mp4",
      "shapes_002.mp4",
    ]);
    assert.deepEqual(await files(b), first);
    const shipped = await Deno.readTextFile(SHIPPED_TSV);
    assert.ok(shipped.startsWith(new TextDecoder().decode(first.get("Shapes_Video.tsv"))));

    const probe = await new Deno.Command(ffmpegBinary(), {
      args: [
        "-hide_banner",
        "-i",
        `${a}/video/shapes_001.mp4`,
        "-map",
        "0:v:0",
        "-c",
        "copy",
        "-f",
        "null",
        "-",
      ],
    }).output();
    const log = new TextDecoder().decode(probe.stderr);
    assert.match(log, /Video: h264 .*yuv420p.*64x64/);
    assert.match(log, /frame=\s*30 /);
  } finally {
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});
