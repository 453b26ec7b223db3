import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import type { RgbImage } from "./_synthetic_draw.ts";

/**
 * The ffmpeg binary: `$FFMPEG_BIN` when set, else the static build shipped by the npm package
 * `@ffmpeg-installer/ffmpeg` (installed by `deno install`).
 */
export function ffmpegBinary(): string {
  const path = Deno.env.get("FFMPEG_BIN") || ffmpegInstaller.path;
  try {
    if (!Deno.statSync(path).isFile) throw new Error("not a file");
  } catch (err) {
    throw new Error(
      `Cannot find ffmpeg at "${path}": run "deno install" or set FFMPEG_BIN to an ffmpeg binary`,
      { cause: err },
    );
  }
  return path;
}

async function runFfmpeg(args: string[], stdin?: Uint8Array): Promise<Uint8Array> {
  const child = new Deno.Command(ffmpegBinary(), {
    args: ["-hide_banner", "-loglevel", "error", ...(stdin ? [] : ["-nostdin"]), ...args],
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  if (stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const { code, stdout, stderr } = await output;
  if (code !== 0) {
    const detail = new TextDecoder().decode(stderr).trim().split("\n").slice(-5).join(" | ");
    throw new Error(
      `Cannot run ffmpeg ${args.join(" ")} as it exited with code ${code}: ${detail}`,
    );
  }
  return stdout;
}

/** Options of {@link encodeH264}. */
export interface EncodeOptions {
  fps: number;
  /** Frames between key frames; a key frame starts every clip of a concatenated stream. */
  gop?: number;
}

/**
 * Encodes RGB frames (all of one size) as H.264 (libx264, yuv420p) in an mp4 file, single
 * threaded and bit-exact so that equal frames give equal bytes.
 */
export async function encodeH264(
  frames: RgbImage[],
  outPath: string,
  opts: EncodeOptions,
): Promise<void> {
  const { width, height } = frames[0];
  const raw = new Uint8Array(width * height * 3 * frames.length);
  frames.forEach((f, i) => raw.set(f.data, i * width * height * 3));
  const gop = opts.gop ? ["-g", String(opts.gop), "-keyint_min", String(opts.gop)] : [];
  await runFfmpeg([
    "-y",
    ...["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${width}x${height}`],
    ...["-r", String(opts.fps), "-i", "pipe:0"],
    ...["-c:v", "libx264", "-preset", "medium", "-crf", "20", "-pix_fmt", "yuv420p"],
    ...["-threads", "1", "-sc_threshold", "0", ...gop],
    ...["-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1"],
    outPath,
  ], raw);
}

/**
 * Decodes the frames a `select` expression keeps (e.g. `eq(n,3)+eq(n,7)`) and returns each as a
 * JPEG file's bytes, as `ffmpeg -q:v <quality>` writes frame files.
 */
export async function selectFramesAsJpeg(
  videoPath: string,
  selectExpr: string,
  quality: number,
): Promise<Uint8Array[]> {
  const stream = await runFfmpeg([
    "-i",
    videoPath,
    ...["-vf", `select='${selectExpr}'`, "-vsync", "0"],
    ...["-f", "image2pipe", "-c:v", "mjpeg", "-q:v", String(quality), "pipe:1"],
  ]);
  return splitJpegStream(stream);
}

/**
 * Splits concatenated JPEG files at end-of-image markers (0xFFD9) that the end of the stream or
 * a start-of-image marker (0xFFD8) follows.
 */
export function splitJpegStream(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i + 1 < stream.length; i++) {
    const atEnd = i + 2 === stream.length ||
      (stream[i + 2] === 0xff && stream[i + 3] === 0xd8);
    if (stream[i] === 0xff && stream[i + 1] === 0xd9 && atEnd) {
      out.push(stream.slice(start, i + 2));
      start = i + 2;
      i++;
    }
  }
  return out;
}
