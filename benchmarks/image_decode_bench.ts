/**
 * Image decoding: decode + resize of one 1024×768 photo-like image (ffmpeg's `testsrc2` with
 * grain), JPEG and PNG, to a model's input side (64: ShapesVLM; 384: a typical VLM tile), with
 * the native decoder (sharp's libvips, resizing inside the decoder: JPEG shrink-on-load) against
 * the TypeScript path it falls back to (pngjs / jpeg-js, then a bilinear resize). Both run in
 * this one process, interleaved by `deno bench`; a ratio summary is printed at the end.
 *
 * Run: `deno bench -A benchmarks/image_decode_bench.ts`.
 */
import {
  decodeImage,
  decodeImageBytes,
  findFfmpeg,
  imageDecoderInfo,
  resizeBilinear,
} from "@vlmeval/media";
import { benchCacheDir } from "./_bench_clip.ts";

const SIDES = [64, 384];
const info = await imageDecoderInfo();
if (info.kind !== "native") throw new Error(`the native decoder is not in use: ${info.reason}`);

async function photo(ext: "jpg" | "png"): Promise<Uint8Array> {
  const dir = benchCacheDir();
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/photo-1024x768.${ext}`;
  const exists = await Deno.stat(path).then(() => true, () => false);
  if (!exists) {
    const tools = await findFfmpeg();
    const out = await new Deno.Command(tools.ffmpeg, {
      args: [
        ...["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"],
        ...["-i", "testsrc2=size=1024x768:rate=1", "-vf", "noise=alls=12:allf=t"],
        ...["-frames:v", "1", ...(ext === "jpg" ? ["-q:v", "3"] : []), path],
      ],
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  }
  return await Deno.readFile(path);
}

const times = new Map<string, number[]>();
function record(name: string, ms: number): void {
  times.set(name, [...(times.get(name) ?? []), ms]);
}

for (const ext of ["jpg", "png"] as const) {
  const bytes = await photo(ext);
  for (const side of SIDES) {
    const group = `${ext.toUpperCase()} 1024x768 -> ${side}x${side}`;
    Deno.bench({
      name: `native (sharp, resize in the decoder) [${group}]`,
      group,
      baseline: true,
      async fn(b) {
        b.start();
        const t = performance.now();
        const image = await decodeImage(bytes, "photo", { resize: { width: side, height: side } });
        record(`native ${group}`, performance.now() - t);
        b.end();
        if (image.width !== side) throw new Error("not resized");
      },
    });
    Deno.bench({
      name: `TypeScript (decode, then bilinear resize) [${group}]`,
      group,
      fn(b) {
        b.start();
        const t = performance.now();
        const image = resizeBilinear(decodeImageBytes(bytes, "photo"), side, side);
        record(`js ${group}`, performance.now() - t);
        b.end();
        if (image.width !== side) throw new Error("not resized");
      },
    });
  }
}

function median(values: number[] = []): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

globalThis.addEventListener("unload", () => {
  const lines = [
    "",
    `image decode + resize per image, medians (${info.versions}; load ${
      Deno.loadavg().map((l) => l.toFixed(1)).join(" ")
    }):`,
  ];
  for (const ext of ["JPG", "PNG"]) {
    for (const side of SIDES) {
      const group = `${ext} 1024x768 -> ${side}x${side}`;
      const native = median(times.get(`native ${group}`));
      const js = median(times.get(`js ${group}`));
      lines.push(
        `  ${group.padEnd(24)} native ${native.toFixed(2).padStart(7)} ms, TypeScript ${
          js.toFixed(2).padStart(7)
        } ms: native ${(js / native).toFixed(1)}x faster`,
      );
    }
  }
  console.log(lines.join("\n"));
});
