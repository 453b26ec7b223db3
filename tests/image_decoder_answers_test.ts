/**
 * End-to-end: the bundled ShapesVLM answers every question of the bundled benchmarks
 * (Shapes_MCQ's PNG images, Shapes_Video's JPEG frames) the same whether images are decoded
 * natively (sharp's libvips, the default) or in TypeScript (`VLMEVAL_IMAGE_DECODER=js`, the
 * fallback where sharp cannot load).
 */
import assert from "node:assert/strict";
import { imageDecoderInfo } from "@vlmeval/media";
import { readPredictions } from "@vlmeval/report";
import { CLI } from "./helpers/distributed_cli.ts";

async function runDefault(cwd: string, decoder: string): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "--quiet"],
    cwd,
    env: { VLMEVAL_IMAGE_DECODER: decoder },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

Deno.test("ShapesVLM's predictions on the bundled benchmarks are the same with either decoder", async () => {
  // With the permissions the CLI runs under here (-A), sharp loads: the two runs differ.
  const info = await imageDecoderInfo();
  assert.equal(info.kind, "native", info.reason);
  const native = await Deno.makeTempDir({ prefix: "vlmeval-decoder-native-" });
  const js = await Deno.makeTempDir({ prefix: "vlmeval-decoder-js-" });
  try {
    await runDefault(native, "native");
    await runDefault(js, "js");
    for (const name of ["Shapes_MCQ", "Shapes_Video_8frame_nopack"]) {
      const file = (cwd: string) => `${cwd}/outputs/ShapesVLM/ShapesVLM_${name}.xlsx`;
      const a = await readPredictions(file(native));
      const b = await readPredictions(file(js));
      assert.ok(a.rows.length >= 128, `${name}: ${a.rows.length} rows`);
      assert.deepEqual(
        a.rows.map((r) => [r.index, r.prediction]),
        b.rows.map((r) => [r.index, r.prediction]),
        name,
      );
    }
  } finally {
    await Deno.remove(native, { recursive: true });
    await Deno.remove(js, { recursive: true });
  }
});

Deno.test("vlmeval status names the image decoder in use, and why TypeScript decodes when it does", async () => {
  const status = async (decoder: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "status"],
      env: { VLMEVAL_IMAGE_DECODER: decoder },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout);
  };
  assert.match(
    await status("native"),
    /^images: decoded natively \(sharp [\d.]+, libvips [\d.]+\)$/m,
  );
  assert.match(
    await status("js"),
    /^images: decoded in TypeScript \(PNG, JPEG, BMP; GIF and WebP fail\): VLMEVAL_IMAGE_DECODER=js$/m,
  );
});
