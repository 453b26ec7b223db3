/**
 * Test helpers for ShapesVLM: reads the bundled Shapes benchmarks with a minimal TSV parser and
 * prepares their images and video frames on disk the way the pipeline does. Used by tests only.
 */
import { Buffer } from "node:buffer";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { parsePythonStringList } from "@vlmeval/internal";
import type { Message } from "@vlmeval/schema";

/** The shipped image benchmark. */
export const SHAPES_MCQ_TSV =
  new URL("../datasets/bundled/Shapes_MCQ.tsv", import.meta.url).pathname;
/** The shipped video benchmark and its clip folder. */
export const SHAPES_VIDEO_TSV =
  new URL("../datasets/bundled/Shapes_Video.tsv", import.meta.url).pathname;
export const SHAPES_VIDEO_DIR = new URL("../datasets/bundled/video", import.meta.url).pathname;

/** Parses TSV text with optional pandas-style quoting into rows keyed by the header. */
export function parseTsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === "\t") {
      record.push(field);
      field = "";
    } else if (c === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else if (c !== "\r") field += c;
  }
  if (field !== "" || record.length > 0) records.push([...record, field]);
  const [header, ...rows] = records;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

/** The rows of a TSV file. */
export async function readTsv(path: string): Promise<Record<string, string>[]> {
  return parseTsv(await Deno.readTextFile(path));
}

/** Writes every row's image as `<dir>/<index>.png` (rows that reuse another row's image share its file); returns index to path. */
export async function writeRowImages(
  rows: Record<string, string>[],
  dir: string,
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const row of rows.filter((r) => r.image.length > 64)) {
    const path = `${dir}/${row.index}.png`;
    await Deno.writeFile(path, Buffer.from(row.image, "base64"));
    paths.set(row.index, path);
  }
  for (const row of rows.filter((r) => r.image.length <= 64)) {
    paths.set(row.index, paths.get(row.image)!);
  }
  return paths;
}

/** VLMEvalKit's multiple-choice prompt for an image row. */
export function mcqMessage(row: Record<string, string>, imagePath: string): Message {
  let text = row.hint ? `Hint: ${row.hint}\n` : "";
  text += `Question: ${row.question}\n`;
  const letters = ["A", "B", "C", "D"].filter((l) => row[l]);
  if (letters.length > 0) {
    text += "Options:\n" + letters.map((l) => `${l}. ${row[l]}\n`).join("");
    text += "Please select the correct answer from the options above. \n";
  }
  return [{ type: "image", value: imagePath }, { type: "text", value: text }];
}

/** The candidate strings of a Video-MME `candidates` cell (a Python list of quoted strings). */
export function candidates(cell: string): string[] {
  return parsePythonStringList(cell);
}

/** Runs the npm-shipped ffmpeg and returns its log (stderr). */
async function ffmpeg(args: string[]): Promise<string> {
  const { code, stderr } = await new Deno.Command(ffmpegInstaller.path, {
    args: ["-hide_banner", "-nostdin", ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  const log = new TextDecoder().decode(stderr);
  if (code !== 0) throw new Error(`ffmpeg ${args.join(" ")} failed: ${log}`);
  return log;
}

/** The number of video frames in a file, counted by ffmpeg without decoding. */
export async function countFrames(video: string): Promise<number> {
  const log = await ffmpeg(["-i", video, "-map", "0:v:0", "-c", "copy", "-f", "null", "-"]);
  const counts = [...log.matchAll(/frame=\s*(\d+)/g)];
  if (counts.length === 0) throw new Error(`Cannot count the frames of "${video}": ${log}`);
  return Number(counts.at(-1)![1]);
}

/**
 * Samples `nframe` frames of a clip with VLMEvalKit's formula (n frames, step n/(nframe+1),
 * frames int(i*step) for i = 1..nframe) into `<dir>/frame-<i>-of-<nframe>.jpg` with ffmpeg.
 */
export async function sampleFrames(video: string, nframe: number, dir: string): Promise<string[]> {
  const count = await countFrames(video);
  const step = count / (nframe + 1);
  const indices = Array.from({ length: nframe }, (_, i) => Math.floor((i + 1) * step));
  await Deno.mkdir(dir, { recursive: true });
  await ffmpeg([
    ...["-loglevel", "error", "-y", "-i", video],
    ...["-vf", `select='${indices.map((k) => `eq(n,${k})`).join("+")}'`, "-vsync", "0"],
    ...["-q:v", "2", "-start_number", "1", `${dir}/frame-%d-of-${nframe}.jpg`],
  ]);
  return indices.map((_, i) => `${dir}/frame-${i + 1}-of-${nframe}.jpg`);
}

/** The Video-MME prompt: the frames, then `Question: <q>\n<candidates>\nAnswer: `. */
export function videoMessage(row: Record<string, string>, frames: string[]): Message {
  return [
    ...frames.map((value) => ({ type: "image" as const, value })),
    {
      type: "text",
      value: `Question: ${row.question}\n${candidates(row.candidates).join("\n")}\nAnswer: `,
    },
  ];
}
