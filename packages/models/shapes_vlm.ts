import { fileURLToPath } from "node:url";
import type { GenerateContext, Message, VisionLanguageModel } from "@vlmeval/schema";
import type { BackendInfo, BackendName, Tf } from "./backends/backend_info.ts";
import { releaseBackendCaches } from "./backends/release_caches.ts";
import { selectBackend } from "./backends/select_backend.ts";
import { type DecodedImage, decodeImageFile } from "@vlmeval/media";
import { videoFramePositions, writeStackedImages } from "./_shapes_input.ts";
import { loadShapesModelFiles, type ShapesModelFiles } from "./_shapes_model_files.ts";
import { type ChoicePrompt, parseShapesPrompt } from "./_shapes_prompt.ts";
import { vocabularyIndex, writeBagOfWords } from "./_shapes_text.ts";

/** Options of {@link createShapesVlm}. */
export interface ShapesVlmOptions {
  /** tfjs backend to compute on (default `wasm`). Selected when the model is created. */
  backend?: BackendName;
  /** Folder holding `shapes_vlm/` and `shapes_vlm_video/` (default: the bundled models). */
  modelDir?: string;
}

/** The bundled ShapesVLM model, with what its backend really computes on. */
export interface ShapesVlm extends VisionLanguageModel {
  /** The backend selected at creation and what really computes. */
  readonly backendInfo: BackendInfo;
}

/** The folder of the bundled model files. */
export function bundledShapesModelDir(): string {
  return fileURLToPath(new URL("./bundled", import.meta.url));
}

interface Head extends ShapesModelFiles {
  index: Map<string, number>;
}

class ShapesVlmModel implements ShapesVlm {
  readonly name = "ShapesVLM";
  readonly supportsPack = true;
  readonly backendInfo: BackendInfo;
  #tf: Tf;
  #image: Head;
  #video: Head;

  constructor(tf: Tf, backendInfo: BackendInfo, image: ShapesModelFiles, video: ShapesModelFiles) {
    this.#tf = tf;
    this.backendInfo = backendInfo;
    this.#image = { ...image, index: vocabularyIndex(image.metadata.vocabulary) };
    this.#video = { ...video, index: vocabularyIndex(video.metadata.vocabulary) };
  }

  async generate(message: Message, ctx: GenerateContext): Promise<string> {
    ctx.signal?.throwIfAborted();
    const prompt = parseShapesPrompt(message);
    const isVideo = prompt.images.length >= 2;
    const head = isVideo ? this.#video : this.#image;
    const paths = isVideo
      ? videoFramePositions(prompt.images.length).map((p) => prompt.images[p])
      : prompt.images;
    const size = head.metadata.inputSize;
    // Resized to the model's side inside the decoder (a no-op for images of that size).
    const resize = { width: size, height: size };
    const images = await Promise.all(paths.map((path) => decodeImageFile(path, { resize })));
    ctx.signal?.throwIfAborted();
    const letters = await this.#choose(head, images, prompt.questions);
    if (!prompt.packed) return letters[0];
    return JSON.stringify(Object.fromEntries(prompt.questions.map((q, i) => [q.key, letters[i]])));
  }

  /** The letter of the best-scoring option of each question, computed in one batch. */
  async #choose(
    head: Head,
    images: DecodedImage[],
    questions: ChoicePrompt[],
  ): Promise<string[]> {
    const tf = this.#tf;
    const { inputSize: size, channels } = head.metadata;
    if (images.length * 3 !== channels) {
      throw new Error(
        `Cannot feed ${images.length} image(s) to the ShapesVLM ${head.metadata.kind} model, which reads ${
          channels / 3
        }`,
      );
    }
    const batch = questions.length;
    const width = Math.max(...questions.map((q) => q.options.length));
    const v = head.index.size;
    const pixels = new Float32Array(batch * size * size * channels);
    const text = new Float32Array(batch * v);
    const options = new Float32Array(batch * width * v);
    questions.forEach((q, b) => {
      writeStackedImages(images, size, pixels, b * size * size * channels);
      writeBagOfWords(q.question, head.index, text, b * v);
      q.options.forEach((o, k) =>
        writeBagOfWords(o.text, head.index, options, (b * width + k) * v)
      );
    });
    const out = tf.tidy(() =>
      head.model.predict([
        tf.tensor4d(pixels, [batch, size, size, channels]),
        tf.tensor2d(text, [batch, v]),
        tf.tensor3d(options, [batch, width, v]),
      ]) as ReturnType<Tf["tensor"]>
    );
    // Read asynchronously: WebGPU has no synchronous read-back under Deno (no canvas).
    let scores: Float32Array;
    try {
      scores = await out.data() as Float32Array;
    } finally {
      out.dispose();
    }
    return questions.map((q, b) => {
      let best = 0;
      for (let k = 1; k < q.options.length; k++) {
        if (scores[b * width + k] > scores[b * width + best]) best = k;
      }
      return q.options[best].letter;
    });
  }

  async releaseCaches(): Promise<void> {
    await releaseBackendCaches(this.#tf);
  }

  dispose(): void {
    this.#image.model.dispose();
    this.#video.model.dispose();
  }
}

/**
 * Loads the bundled ShapesVLM: a small tfjs network that reads an image (or the first, middle
 * and last of a video's sampled frames) and a multiple-choice question, scores each option's
 * text and answers the letter of the best one. It answers VLMEvalKit's multiple-choice prompt,
 * the Video-MME prompt and pack prompts (a JSON object of letters); see `_shapes_prompt.ts`.
 * Selects the tfjs backend (default wasm) on creation, never at import.
 *
 * @example Answer one Shapes_MCQ question
 * ```ts ignore
 * const model = await createShapesVlm();
 * const answer = await model.generate([
 *   { type: "image", value: "/data/images/Shapes_MCQ/0.png" },
 *   { type: "text", value: "Question: How many shapes are in the image?\nOptions:\nA. 3\nB. 2\nC. 4\nD. 1\nPlease select the correct answer from the options above. \n" },
 * ], { dataset: "Shapes_MCQ", index: "0" }); // "B"
 * ```
 */
export async function createShapesVlm(opts: ShapesVlmOptions = {}): Promise<ShapesVlm> {
  const tf = await import("@tensorflow/tfjs");
  const info = await selectBackend(opts.backend ?? "wasm", tf);
  const dir = opts.modelDir ?? bundledShapesModelDir();
  const image = await loadShapesModelFiles(tf, `${dir}/shapes_vlm`);
  const video = await loadShapesModelFiles(tf, `${dir}/shapes_vlm_video`);
  return new ShapesVlmModel(tf, info, image, video);
}
