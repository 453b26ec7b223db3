/**
 * From what a user types to a folder of model files: VLMEvalKit's model names (its
 * `vlmeval/config.py` at e8e78f05f3080fe28154f2130321f17951c3be94), hub repository ids, or local
 * folders.
 */
import { downloadSnapshot, hubSettings, type WantedFile } from "./hub.ts";

/** The VLMEvalKit classes this adapter prompts as they prompt. */
export type HfWrapper = "SmolVLM" | "SmolVLM2" | "PaliGemma";

/** A VLMEvalKit model name this adapter runs, with its repository and wrapper class. */
export interface HfNamedModel {
  /** Hugging Face repository (`model_path` in VLMEvalKit's config). */
  repo: string;
  /** VLMEvalKit's class for it. */
  wrapper: HfWrapper;
}

/**
 * VLMEvalKit's names of the families supported (smolvlm_series and the PaliGemma (v1) entry of
 * gemma_series in vlmeval/config.py). PaliGemma 2 (a Gemma 2 text model) is not covered yet.
 */
export const HF_MODEL_NAMES: Readonly<Record<string, HfNamedModel>> = {
  "SmolVLM-256M": { repo: "HuggingFaceTB/SmolVLM-256M-Instruct", wrapper: "SmolVLM" },
  "SmolVLM-500M": { repo: "HuggingFaceTB/SmolVLM-500M-Instruct", wrapper: "SmolVLM" },
  "SmolVLM": { repo: "HuggingFaceTB/SmolVLM-Instruct", wrapper: "SmolVLM" },
  "SmolVLM-DPO": { repo: "HuggingFaceTB/SmolVLM-Instruct-DPO", wrapper: "SmolVLM" },
  "SmolVLM-Synthetic": { repo: "HuggingFaceTB/SmolVLM-Synthetic", wrapper: "SmolVLM" },
  "SmolVLM2-256M": { repo: "HuggingFaceTB/SmolVLM2-256M-Video-Instruct", wrapper: "SmolVLM2" },
  "SmolVLM2-500M": { repo: "HuggingFaceTB/SmolVLM2-500M-Video-Instruct", wrapper: "SmolVLM2" },
  "SmolVLM2": { repo: "HuggingFaceTB/SmolVLM2-2.2B-Instruct", wrapper: "SmolVLM2" },
  "Solari": { repo: "Cubex11/Solari", wrapper: "SmolVLM2" },
  "paligemma-3b-mix-448": { repo: "google/paligemma-3b-mix-448", wrapper: "PaliGemma" },
};

/** The ONNX graphs of an image-text-to-text model, as transformers.js loads them. */
const SESSIONS = ["vision_encoder", "embed_tokens", "decoder_model_merged"];

const SUFFIX: Record<string, string> = {
  fp32: "",
  fp16: "_fp16",
  q8: "_quantized",
  int8: "_int8",
  uint8: "_uint8",
  q4: "_q4",
  q4f16: "_q4f16",
  bnb4: "_bnb4",
};

/** A model folder ready to load. */
export interface HfModelSource {
  /** Folder with config.json, the tokenizer, the processor configs and onnx/. */
  dir: string;
  /** ONNX variant to load. */
  dtype: string;
  /** Repository, when it came from the hub. */
  repo?: string;
  /** Wrapper named by the VLMEvalKit name, if one was used. */
  wrapper?: HfWrapper;
  /** Output name: the VLMEvalKit name, or undefined (the caller uses the folder's name). */
  name?: string;
}

/** Options of {@link resolveHfModel}. */
export interface ResolveOptions {
  /** HF_* variables. */
  env: Record<string, string | undefined>;
  /** ONNX variant asked for. */
  dtype?: string;
  /** Download progress lines. */
  onProgress?: (line: string) => void;
}

/** True when `model` names a local folder (it exists and holds config.json). */
export function isLocalModelDir(model: string): boolean {
  try {
    return Deno.statSync(`${model}/config.json`).isFile;
  } catch {
    return false;
  }
}

/** True when `model` is a hub id `owner/name` (VLMEvalKit asserts `splitlen(model_path) == 2`). */
export function isRepoId(model: string): boolean {
  return /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(model) && !model.includes("..");
}

/** True when {@link resolveHfModel} can take `model`: a known name, a local folder or a repo id. */
export function isHfModelSpec(model: string): boolean {
  return model in HF_MODEL_NAMES || isLocalModelDir(model) || isRepoId(model);
}

/** The dtype to load: asked, else `transformers.js_config.dtype` when a string, else fp32. */
export function defaultDtype(config: Record<string, unknown>, asked?: string): string {
  const dtype = asked ??
    ((config["transformers.js_config"] as { dtype?: unknown } | undefined)?.dtype);
  const chosen = typeof dtype === "string" ? dtype : "fp32";
  if (!(chosen in SUFFIX)) {
    throw new TypeError(
      `Cannot load the ONNX variant "${chosen}" as it is not one of ${
        Object.keys(SUFFIX).join(", ")
      }`,
    );
  }
  return chosen;
}

/** The files a model folder needs for a dtype (external-data chunks as config.json declares). */
export function wantedFiles(config: Record<string, unknown>, dtype: string): WantedFile[] {
  const external = (config["transformers.js_config"] as Record<string, unknown> | undefined)
    ?.use_external_data_format;
  const files: WantedFile[] = [
    { path: "config.json" },
    { path: "generation_config.json", optional: true },
    { path: "preprocessor_config.json" },
    { path: "processor_config.json", optional: true },
    { path: "tokenizer.json" },
    { path: "tokenizer_config.json" },
    { path: "special_tokens_map.json", optional: true },
  ];
  for (const s of SESSIONS) {
    const base = `${s}${SUFFIX[dtype]}.onnx`;
    files.push({ path: `onnx/${base}` });
    let chunks = 0;
    if (typeof external === "object" && external !== null) {
      const e = external as Record<string, unknown>;
      chunks = Number(e[base] ?? e[s] ?? 0);
    } else if (external !== undefined) {
      chunks = Number(external);
    }
    for (let i = 0; i < chunks; i++) {
      files.push({ path: `onnx/${base}_data${i === 0 ? "" : `_${i}`}` });
    }
  }
  return files;
}

function progressPrinter(onProgress: (line: string) => void) {
  const last = new Map<string, number>();
  return ({ file, done, total }: { file: string; done: number; total?: number }) => {
    const now = Date.now();
    const finished = total !== undefined && done >= total;
    if (!finished && now - (last.get(file) ?? 0) < 1000) return;
    last.set(file, now);
    const size = (n: number) =>
      n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
    onProgress(
      `downloading ${file}: ${size(done)}${total !== undefined ? ` of ${size(total)}` : ""}${
        total ? ` (${Math.floor((100 * done) / total)}%)` : ""
      }`,
    );
  };
}

/**
 * A local folder for `model`: itself when it is a folder, else the hub cache's snapshot of its
 * repository (downloaded when online and incomplete: config.json first, then the files the
 * chosen dtype needs).
 *
 * @throws {HubOfflineError} offline with files missing (names them and how to fetch them).
 * @throws {HubDownloadError} a file the model needs is not in the repository, or the transfer failed.
 * @throws {TypeError} `model` is neither a known name, a folder nor a repository id.
 */
export async function resolveHfModel(model: string, opts: ResolveOptions): Promise<HfModelSource> {
  const named = HF_MODEL_NAMES[model];
  if (!named && isLocalModelDir(model)) {
    const config = JSON.parse(await Deno.readTextFile(`${model}/config.json`));
    return { dir: model, dtype: defaultDtype(config, opts.dtype) };
  }
  const repo = named?.repo ?? model;
  if (!isRepoId(repo)) {
    throw new TypeError(
      `Cannot find model "${model}" as it is neither a VLMEvalKit name this adapter knows (${
        Object.keys(HF_MODEL_NAMES).join(", ")
      }), a folder holding config.json, nor a Hugging Face repository id owner/name`,
    );
  }
  const settings = hubSettings(opts.env);
  const say = opts.onProgress ?? ((line: string) => console.error(`vlmeval: ${line}`));
  const onProgress = progressPrinter(say);
  const configDir = await downloadSnapshot(settings, repo, [{ path: "config.json" }], {
    onProgress,
  });
  const config = JSON.parse(await Deno.readTextFile(`${configDir}/config.json`));
  const dtype = defaultDtype(config, opts.dtype);
  const dir = await downloadSnapshot(settings, repo, wantedFiles(config, dtype), { onProgress });
  return { dir, dtype, repo, wrapper: named?.wrapper, name: named ? model : repo.split("/")[1] };
}
