/**
 * Prints the bundled ShapesVLM's answers on one tfjs backend as one JSON line, for the backend
 * equivalence test. tfjs has one engine per process, so each backend runs in a process of its
 * own. Prompts are built by the real pipeline (`openTask`) under `<work-dir>`.
 *
 * Usage: deno run -A tests/helpers/backend_answers.ts <backend> <work-dir> <image-rows> <video-units>
 * Exits 6 with the reason on stderr when the backend cannot run here.
 */
import { type BackendName, BackendUnavailableError, createModel } from "@vlmeval/models";
import { openTask } from "@vlmeval/pipeline";

/** What the script prints. */
export interface BackendAnswers {
  backend: string;
  /** `BackendInfo.device` of the model, when it tells. */
  device: string;
  /** `[dataset, unit key, answer]` in dataset order. */
  answers: [string, string, string][];
}

async function answer(
  model: Awaited<ReturnType<typeof createModel>>,
  dataset: string,
  workDir: string,
  units: number,
): Promise<[string, string, string][]> {
  const task = await openTask(dataset, { workDir });
  const out: [string, string, string][] = [];
  try {
    for (let p = 0; p < Math.min(units, task.unitCount); p++) {
      const unit = await task.unitAt(p);
      const reply = await model.generate(await unit.buildPrompt(), {
        dataset: task.name,
        index: unit.key,
      });
      out.push([task.name, unit.key, reply]);
    }
  } finally {
    task.close?.();
  }
  return out;
}

if (import.meta.main) {
  const [backend, workDir, imageRows, videoUnits] = Deno.args;
  const model = await createModel("ShapesVLM", { backend }).catch((err) => {
    if (!(err instanceof BackendUnavailableError)) throw err;
    console.error(err.message);
    Deno.exit(6);
  });
  const inner = (model as { inner?: { backendInfo?: { device: string } } }).inner;
  const result: BackendAnswers = {
    backend: backend as BackendName,
    device: inner?.backendInfo?.device ?? "",
    answers: [
      ...await answer(model, "Shapes_MCQ", workDir, Number(imageRows)),
      ...await answer(model, "Shapes_Video_8frame", workDir, Number(videoUnits)),
    ],
  };
  await model.dispose?.();
  console.log(JSON.stringify(result));
}
