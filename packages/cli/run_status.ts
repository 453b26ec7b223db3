import { addonStatus, cudaStatus } from "@vlmeval/native";
import { listModels } from "@vlmeval/models";
import { type FfmpegSource, findFfmpeg, imageDecoderInfo } from "@vlmeval/media";
import { EXIT_CODES } from "@vlmeval/schema";

const FFMPEG_SOURCES: Record<FfmpegSource, string> = {
  FFMPEG_BIN: "$FFMPEG_BIN",
  "ffmpeg-static": "npm package ffmpeg-static",
  npm: "npm package @ffmpeg-installer/ffmpeg",
  debian: "the distribution's /usr/bin",
  PATH: "$PATH",
};

/** `vlmeval status`: what this machine offers, as plain lines. */
export async function runStatusCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(
      "vlmeval status: native addon, CUDA devices, ffmpeg, the image decoder and built-in models\n\n" +
        "Usage: deno task eval status",
    );
    return EXIT_CODES.ok;
  }
  const addon = addonStatus();
  console.log(`native addon: ${addon.state}${addon.loaded ? "" : ` (${addon.message})`}`);
  const cuda = cudaStatus();
  if (cuda.available) {
    console.log(`CUDA: driver ${cuda.driverVersion ?? "?"}`);
    for (const d of cuda.devices ?? []) {
      console.log(
        `  device ${d.index}: ${d.name}, ${(d.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB`,
      );
    }
  } else {
    console.log(`CUDA: unavailable: ${cuda.reason}`);
  }
  try {
    const tools = await findFfmpeg();
    console.log(`ffmpeg: ${tools.ffmpeg} (from ${FFMPEG_SOURCES[tools.source]}): ${tools.version}`);
    console.log(`ffprobe: ${tools.ffprobe}`);
  } catch (err) {
    console.log(`ffmpeg: unavailable (video benchmarks cannot run): ${(err as Error).message}`);
  }
  const decoder = await imageDecoderInfo();
  console.log(
    decoder.kind === "native"
      ? `images: decoded natively (${decoder.versions})`
      : `images: decoded in TypeScript (PNG, JPEG, BMP; GIF and WebP fail): ${decoder.reason}`,
  );
  console.log("models:");
  for (const m of listModels()) console.log(`  ${m.name}: ${m.describe}`);
  return EXIT_CODES.ok;
}
