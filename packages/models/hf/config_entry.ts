/**
 * A model entry of VLMEvalKit's `--config` JSON (`{"class": "SmolVLM", "model_path": ...,
 * "max_new_tokens": 512}`) as a Hugging Face model. The CLI's `--config` reading is not here;
 * this builds one entry.
 */
import type { HfDevice, HfVlm } from "./hf_model.ts";
import type { HfWrapper } from "./resolve_model.ts";

/** The classes of VLMEvalKit that this adapter runs in-process. */
export const HF_CONFIG_CLASSES: readonly HfWrapper[] = ["SmolVLM", "SmolVLM2", "PaliGemma"];

/** Settings that are not VLMEvalKit's model kwargs. */
export interface HfConfigEntryOptions {
  /** ONNX variant. */
  dtype?: string;
  /** Execution provider. */
  device?: HfDevice;
  /** Environment for HF_* (default the process's). */
  env?: Record<string, string | undefined>;
  /** Samples generated together (`--batch-size`; default 1). */
  batchSize?: number;
}

/**
 * Builds the model of one `--config` entry: `class` picks the wrapper (its prompts and
 * defaults), `model_path` the repository or folder, and the other keys are generation kwargs
 * (`max_new_tokens`, `do_sample`, `temperature`, ...), as VLMEvalKit passes them to `generate`.
 *
 * @throws {TypeError} when `class` is not one run in-process or `model_path` is missing.
 */
export async function hfModelFromConfigEntry(
  name: string,
  entry: Record<string, unknown>,
  opts: HfConfigEntryOptions = {},
): Promise<HfVlm> {
  const { class: cls, model_path: modelPath, ...kwargs } = entry;
  if (typeof cls !== "string" || !(HF_CONFIG_CLASSES as readonly string[]).includes(cls)) {
    throw new TypeError(
      `Cannot build config model "${name}" in-process as its class is not one of ${
        HF_CONFIG_CLASSES.join(", ")
      }: current value is ${JSON.stringify(cls)}`,
    );
  }
  if (typeof modelPath !== "string" || modelPath === "") {
    throw new TypeError(
      `Cannot build config model "${name}" as model_path must be a repository id or a folder: ` +
        `current value is ${JSON.stringify(modelPath)}`,
    );
  }
  const { createHfModel } = await import("./hf_model.ts");
  return await createHfModel({
    model: modelPath,
    name,
    wrapper: cls as HfWrapper,
    generation: kwargs,
    dtype: opts.dtype,
    device: opts.device,
    env: opts.env,
    batchSize: opts.batchSize,
  });
}
