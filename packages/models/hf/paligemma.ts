/**
 * PaliGemma as VLMEvalKit runs it (`vlmeval/vlm/gemma.py` `PaliGemma` at
 * e8e78f05f3080fe28154f2130321f17951c3be94): `BaseModel.message_to_promptimg` (the texts joined
 * by newlines, the first image only), `PaliGemmaProcessor` (256 `<image>` tokens, `<bos>`, the
 * prompt, a newline) and `SiglipImageProcessor` (Pillow bicubic resize to the model's square
 * size, rescale, normalise) of transformers 4.52.4, greedy `max_new_tokens=512`, decoding with
 * `skip_special_tokens` and no strip.
 */
import type { Message } from "@vlmeval/schema";
import { type PilResample, pilResize, type RgbImage } from "./_pil_resize.ts";

/** What the wrapper hands its processor. */
export interface PaliGemmaPrompt {
  /** The texts of the message joined by `\n`. */
  prompt: string;
  /** The first image (PaliGemma is not interleaved). */
  images: string[];
  /** For logs. */
  branch: string;
}

/** `preprocessor_config.json` fields of SigLIP's image processor. */
export interface SiglipImageConfig {
  /** `{height, width}` the image is resized to. */
  size?: { height?: number; width?: number };
  /** Pillow filter (3: BICUBIC). */
  resample?: number;
  /** Resize at all. */
  do_resize?: boolean;
  /** Multiply by `rescale_factor`. */
  do_rescale?: boolean;
  /** Usually 1/255. */
  rescale_factor?: number;
  /** Subtract the mean, divide by the std. */
  do_normalize?: boolean;
  /** Per channel. */
  image_mean?: number[];
  /** Per channel. */
  image_std?: number[];
  /** Image tokens per image. */
  image_seq_length?: number;
}

/**
 * The prompt and image `PaliGemma.generate_inner` uses.
 *
 * @throws {TypeError} for a message without an image (the wrapper fails opening `None`), and
 * for BLINK, whose images the wrapper always concatenates into one 512-pixel image (not ported).
 */
export function buildPaliGemmaPrompt(message: Message, dataset: string): PaliGemmaPrompt {
  const prompt = message.filter((m) => m.type === "text").map((m) => m.value).join("\n");
  const images = message.filter((m) => m.type === "image").map((m) => m.value);
  if (images.length === 0) {
    throw new TypeError(
      "Cannot prompt PaliGemma without an image: VLMEvalKit's wrapper opens the first image",
    );
  }
  if (dataset === "BLINK") {
    throw new TypeError(
      "Cannot prompt PaliGemma on BLINK as VLMEvalKit's concatenation of its images is not ported",
    );
  }
  return { prompt, images: [images[0]], branch: "message_to_promptimg" };
}

/** `PaliGemmaProcessor`'s text: image tokens, `<bos>` and the prompt, then a newline. */
export function paliGemmaText(prompt: string, bos: string, imageSeqLength: number): string {
  const image = "<image>";
  if (!prompt.includes(image)) return `${image.repeat(imageSeqLength)}${bos}${prompt}\n`;
  const expanded = prompt.replaceAll(image, image.repeat(imageSeqLength));
  const last = expanded.lastIndexOf(image);
  const at = last === -1 ? 0 : last + image.length;
  return `${expanded.slice(0, at)}${bos}${expanded.slice(at)}\n`;
}

/** SigLIP's pixel values of one image: `[1, 3, height, width]`, channels first. */
export function preprocessSiglip(
  image: RgbImage,
  config: SiglipImageConfig,
): { data: Float32Array; dims: number[] } {
  let img = image;
  const h = config.size?.height ?? 224;
  const w = config.size?.width ?? 224;
  if (config.do_resize ?? true) img = pilResize(img, w, h, (config.resample ?? 3) as PilResample);
  const plane = img.width * img.height;
  const data = new Float32Array(3 * plane);
  const factor = config.rescale_factor ?? 1 / 255;
  const mean = (config.image_mean ?? [0.5, 0.5, 0.5]).map(Math.fround);
  const std = (config.image_std ?? [0.5, 0.5, 0.5]).map(Math.fround);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) {
      let v = img.data[i * 3 + c];
      if (config.do_rescale ?? true) v = Math.fround(v * factor);
      if (config.do_normalize ?? true) v = Math.fround(Math.fround(v - mean[c]) / std[c]);
      data[c * plane + i] = v;
    }
  }
  return { data, dims: [1, 3, img.height, img.width] };
}
