/**
 * ShapesVLM, as the registry builds it (`createModel("ShapesVLM")`: tensor-scoped), passes the
 * model conformance suite on every tfjs backend present: wasm and cpu always, WebGPU where it
 * runs, tfjs-node only when it loads; a backend that cannot run here is reported as ignored,
 * with its reason.
 */
import type { Message } from "@vlmeval/schema";
import type { BackendName } from "./backends/backend_info.ts";
import { BackendUnavailableError } from "./backends/backend_unavailable_error.ts";
import { createModel } from "./registry.ts";
import { runModelConformance } from "./testing/conformance.ts";
import {
  candidates,
  mcqMessage,
  readTsv,
  sampleFrames,
  SHAPES_MCQ_TSV,
  SHAPES_VIDEO_DIR,
  SHAPES_VIDEO_TSV,
  writeRowImages,
} from "./_shapes_testdata.ts";

const dir = Deno.makeTempDirSync({ prefix: "shapes_vlm_conformance_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

const [row] = await readTsv(SHAPES_MCQ_TSV);
const image = (await writeRowImages([row], dir)).get(row.index)!;
const videoRows = await readTsv(SHAPES_VIDEO_TSV);
const clip = videoRows.filter((r) => r.video === videoRows[0].video);
const frames = await sampleFrames(`${SHAPES_VIDEO_DIR}/${clip[0].video}.mp4`, 8, `${dir}/frames`);

/** Every question of one clip in one prompt, as pack mode asks them. */
const packMessage = (): Message => [
  ...frames.map((value) => ({ type: "image" as const, value })),
  {
    type: "text",
    value: `Questions: \n${
      JSON.stringify(Object.fromEntries(
        clip.map((r) => [r.index, `${r.question}\n${candidates(r.candidates).join("\n")}`]),
      ))
    }\nAnswers: \n`,
  },
];

/** Why `backend` cannot run here, or undefined when a model builds on it. */
async function unavailable(backend: BackendName): Promise<string | undefined> {
  try {
    await (await createModel("ShapesVLM", { backend })).dispose?.();
    return undefined;
  } catch (error) {
    // The message's first clause says what is missing; the rest is how to install it.
    if (error instanceof BackendUnavailableError) return error.message.split(":")[0];
    throw error;
  }
}

for (const backend of ["wasm", "cpu", "webgpu", "tfjs-node"] as const) {
  runModelConformance({
    name: `ShapesVLM (${backend})`,
    create: () => createModel("ShapesVLM", { backend }),
    message: () => mcqMessage(row, image),
    pack: { message: packMessage, indices: clip.map((r) => r.index) },
    failure: { message: () => [{ type: "text", value: "Question: no image\nA. a\nB. b" }] },
    unavailable: backend === "wasm" || backend === "cpu" ? undefined : await unavailable(backend),
  });
}
