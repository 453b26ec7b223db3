/**
 * The prompts VLMEvalKit's SmolVLM and SmolVLM2 wrappers build, byte for byte: a port of
 * `vlmeval/vlm/smolvlm.py` at VLMEvalKit commit e8e78f05f3080fe28154f2130321f17951c3be94
 * (`generate_inner`'s choice by dataset name, `build_prompt_default`, `_puremcq`, `_mmbench`,
 * `_mmmu`, `_mathvista`, `_chartqa`, `_docvqa`, `_textvqa` and SmolVLM2's `build_prompt_video`).
 * `prompts.json` in testdata holds the wrapper's own output for every branch.
 */
import type { Message, MessageItem } from "@vlmeval/schema";
import { pySplitTwo, pyStrip } from "./_python_text.ts";

/** Which of VLMEvalKit's two wrapper classes prompts the model. */
export type SmolVlmWrapper = "SmolVLM" | "SmolVLM2";

/** What a wrapper hands its processor: the prompt text and the images in order. */
export interface SmolVlmPrompt {
  /** The prompt with one `<image>` per image (before the processor expands it). */
  prompt: string;
  /** Image paths, in the order of their `<image>` tokens. */
  images: string[];
  /**
   * Set by the video path: the processor resizes every frame to this longest edge and does not
   * split it (SmolVLM2 sets `size` and `do_image_splitting = False` on its processor).
   */
  video?: { longestEdge: number };
  /** The builder used, for logs and tests (`mmbench`, `default`, `video`, ...). */
  branch: string;
}

const MMBENCH = [
  "MMBench_DEV_EN",
  "MMBench_TEST_EN",
  "MMBench_DEV_CN",
  "MMBench_TEST_CN",
  "MMBench",
  "MMBench_CN",
  "MMBench_DEV_EN_V11",
  "MMBench_DEV_CN_V11",
  "MMBench_TEST_EN_V11",
  "MMBench_TEST_CN_V11",
  "MMBench_V11",
  "MMBench_CN_V11",
  "CCBench",
];
const BRIEF = [
  "MME",
  "MMVet",
  "OCRVQA_TEST",
  "OCRVQA_TESTCORE",
  "InfoVQA_VAL",
  "InfoVQA_TEST",
  "OCRBench",
];
const PUREMCQ = ["MMStar", "SEEDBench_IMG", "AI2D_TEST", "ScienceQA_VAL", "ScienceQA_TEST"];
const VIDEO = [
  "MMBench-Video",
  "MLVU",
  "MLVU_MCQ",
  "MLVU_OpenEnded",
  "TempCompass",
  "TempCompass_MCQ",
  "TempCompass_Captioning",
  "TempCompass_YorN",
  "MVBench",
  "MVBench_MP4",
  "Video-MME",
  "LongVideoBench",
];

/** SmolVLM2's `sampling_frames`: longer frame runs are thinned to this many. */
const SAMPLING_FRAMES = 64;

function replaceAll(text: string, mapping: [string, string][]): string {
  for (const [k, v] of mapping) text = text.replaceAll(k, v);
  return text;
}

function defaultPrompt(message: Message, brief: boolean, yesNo: boolean): SmolVlmPrompt {
  let prompt = "<|im_start|>User:";
  const images: string[] = [];
  for (const msg of message) {
    if (msg.type === "image") {
      images.push(msg.value);
      prompt += "<image>";
    } else if (msg.type === "text") {
      prompt += pyStrip(msg.value);
    }
  }
  if (brief) prompt += "\nGive a very brief answer.";
  if (yesNo) prompt += "\nAnswer yes or no.";
  prompt += "<end_of_utterance>\nAssistant:";
  return { prompt, images, branch: brief ? "default+brief" : yesNo ? "default+yesno" : "default" };
}

function puremcqPrompt(message: Message): SmolVlmPrompt {
  const mapping: [string, string][] = [
    ["\nOptions:", "\nChoices:"],
    ["Please select the correct answer from the options above.", "Answer with the letter."],
  ];
  let prompt = "<|im_start|>User:";
  const images: string[] = [];
  for (const msg of message) {
    if (msg.type === "image") {
      images.push(msg.value);
      prompt += "<image>";
    } else if (msg.type === "text") {
      prompt += replaceAll(pyStrip(msg.value), mapping);
    }
  }
  prompt += "<end_of_utterance>\nAssistant: Answer:";
  return { prompt, images, branch: "puremcq" };
}

function mmbenchPrompt(message: Message): SmolVlmPrompt {
  const mapping: [string, string][] = [
    ["\nOptions:", "\nChoices:"],
    ["Please select the correct answer from the options above.", "Answer with a letter."],
  ];
  let prompt = "<|im_start|>User:<image>";
  const images: string[] = [];
  for (const msg of message) {
    if (msg.type === "image") {
      images.push(msg.value);
    } else if (msg.type === "text") {
      let instruction = replaceAll(pyStrip(msg.value), mapping);
      // The wrapper swaps hint and question.
      if (instruction.startsWith("Hint:")) {
        const [hint, rest] = pySplitTwo(instruction, "\nQuestion:");
        const [question, choices] = pySplitTwo(rest, "\nChoices:");
        instruction = "Question:" + question + "\n" + hint + "\nChoices:" + choices;
      }
      prompt += instruction;
    }
  }
  prompt += "<end_of_utterance>\nAssistant: Answer:";
  return { prompt, images, branch: "mmbench" };
}

function mmmuPrompt(message: Message): SmolVlmPrompt {
  const mapping: [string, string][] = [
    ["Question:", ""],
    ["Please select the correct answer from the options above.", "Answer with the letter."],
    ["\nOptions:", "\nChoices:"],
  ];
  let prompt = "<|im_start|>User: Question: ";
  const images: string[] = [];
  let counter = 1;
  for (const msg of message) {
    if (msg.type === "image") prompt += `<image ${counter++}>:<image>\n`;
  }
  counter = 1;
  for (const msg of message) {
    if (msg.type === "image") {
      images.push(msg.value);
      prompt += ` <image ${counter++}> `;
    } else if (msg.type === "text") {
      prompt += pyStrip(replaceAll(pyStrip(msg.value), mapping));
    }
  }
  prompt += "<end_of_utterance>\nAssistant:";
  if (prompt.includes("A.") && prompt.includes("B.")) prompt += " Answer:";
  return { prompt, images, branch: "mmmu" };
}

function mathvistaPrompt(message: Message): SmolVlmPrompt {
  const mapping: [string, string][] = [
    ...["A", "B", "C", "D", "E", "F", "G", "H"].map((l): [string, string] => [`(${l}) `, `${l}. `]),
    ["\nOptions:", "\nChoices:"],
    ["Hint: ", ""],
  ];
  let prompt = "<|im_start|>User:<image>";
  const images: string[] = [];
  for (const msg of message) {
    if (msg.type === "image") images.push(msg.value);
    else if (msg.type === "text") prompt += pyStrip(replaceAll(pyStrip(msg.value), mapping));
  }
  prompt += "<end_of_utterance>\nAssistant:";
  if (prompt.includes("A.") && prompt.includes("B.")) prompt += " Answer:";
  return { prompt, images, branch: "mathvista" };
}

function fixedHeadPrompt(message: Message, head: string, branch: string): SmolVlmPrompt {
  let prompt = head;
  const images: string[] = [];
  for (const msg of message) {
    if (msg.type === "image") images.push(msg.value);
    else if (msg.type === "text") prompt += pyStrip(msg.value);
  }
  prompt += "<end_of_utterance>\nAssistant:";
  return { prompt, images, branch };
}

/** ChartQA's instructions; SmolVLM writes `Don’t` with a typographic apostrophe, SmolVLM2 not. */
function chartqaHead(apostrophe: string): string {
  return "<|im_start|>User:<image>For the question below, follow the following instructions:\n" +
    "-The answer should contain as few words as possible.\n" +
    `-Don${apostrophe}t paraphrase or reformat the text you see in the image.\n` +
    "-Answer a binary question with Yes or No.\n" +
    "-When asked to give a numerical value, provide a number like 2 instead of Two.\n" +
    "-If the final answer has two or more items, provide it in the list format like [1, 2].\n" +
    "-When asked to give a ratio, give out the decimal value like 0.25 instead of 1:4.\n" +
    "-When asked to give a percentage, give out the whole value like 17 instead of decimal like 0.17%.\n" +
    `-Don${apostrophe}t include any units in the answer.\n` +
    "-Do not include any full stops at the end of the answer.\n" +
    "-Try to include the full label from the graph when asked about an entity.\n" +
    "Question: ";
}

const DOCVQA_HEAD =
  "<|im_start|>User:<image>Give a short and terse answer to the following question. " +
  "Do not paraphrase or reformat the text you see in the image. Do not include any full stops. " +
  "Just give the answer without additional explanation. Question: ";

const TEXTVQA_HEAD =
  "<|im_start|>User:<image>Answer the following question about the image using " +
  "as few words as possible. Follow these additional instructions:\n" +
  "-Always answer a binary question with Yes or No.\n" +
  "-When asked what time it is, reply with the time seen in the image.\n" +
  "-Do not put any full stops at the end of the answer.\n" +
  "-Do not put quotation marks around the answer.\n" +
  "-An answer with one or two words is favorable.\n" +
  "-Do not apply common sense knowledge. The answer can be found in the image.\n" +
  "Question: ";

/** `np.linspace(0, n - 1, k, dtype=int)`. */
function linspaceInt(n: number, k: number): number[] {
  const step = (n - 1) / (k - 1);
  return Array.from({ length: k }, (_, i) => Math.trunc(i === k - 1 ? n - 1 : i * step));
}

function timestamp(i: number): string {
  return `${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`;
}

function videoPrompt(message: Message, dataset: string, resolution: number): SmolVlmPrompt {
  const parts: string[] = [];
  const images: string[] = [];
  const system = message.find((m) => m.type === "text" && m.role === "system");
  if (system) parts.push("<|im_start|>System:", system.value, "<end_of_utterance>\n");
  else {
    parts.push(
      "<|im_start|>System:",
      "pay attention to the video and answer the question",
      "<end_of_utterance>\n",
    );
  }
  parts.push("<|im_start|>User:", "Here are some frames sampled from a video:\n");
  const blocks: MessageItem[][] = [];
  const texts: MessageItem[] = [];
  let current: MessageItem[] = [];
  for (const msg of message) {
    if (msg.type === "image") current.push(msg);
    else {
      if (current.length) {
        blocks.push(current);
        current = [];
      }
      if (msg.role !== "system") texts.push(msg);
    }
  }
  if (current.length) blocks.push(current);
  for (const block of blocks) {
    const indices = block.length > SAMPLING_FRAMES
      ? linspaceInt(block.length, SAMPLING_FRAMES)
      : block.map((_, i) => i);
    for (const i of indices) {
      parts.push(`Frame from ${timestamp(i)}:`, "<image>");
      images.push(block[i].value);
    }
    parts.push("\n");
  }
  for (const msg of texts) parts.push(pyStrip(msg.value));
  parts.push("<end_of_utterance>", "\nAssistant:");
  let prompt = parts.join(" ");
  const letters = "respond ONLY with one of the multiple choice letter options (A/B/C/D):";
  if (["MLVU_MCQ", "MLVU_OpenEnded", "LongVideoBench"].includes(dataset)) {
    prompt = prompt.replaceAll("Options:", letters);
  } else if (dataset === "TempCompass_MCQ") {
    prompt = prompt.replaceAll("Options:", "Choices:").replaceAll(
      "Please select the correct answer from the options above.",
      "Answer with the letter.",
    );
  } else if (["MVBench", "MVBench_MP4"].includes(dataset)) {
    if (prompt.includes("Options:")) {
      prompt = prompt.replaceAll("Options:", letters).replaceAll("Best option:(", "Answer:");
    }
  } else if (dataset === "Video-MME") {
    if (prompt.includes("Options:")) {
      prompt = prompt.replaceAll("Options:", "Choices:").replaceAll(
        "Please select the correct answer from the options above.",
        "Answer with the letter.",
      );
    }
  }
  return { prompt, images, video: { longestEdge: resolution }, branch: "video" };
}

/**
 * The dataset name VLMEvalKit's wrapper is given: ours without the video setting suffix
 * (`Video-MME_8frame_nopack` is `Video-MME`, which VLMEvalKit passes as `dataset.dataset_name`).
 */
export function wrapperDatasetName(dataset: string): string {
  return dataset.replace(/_(\d+frame|\d+(\.\d+)?fps(_max\d+)?)(_(no)?pack)?$/, "");
}

/**
 * SmolVLM2's frame resolution, chosen by the model path as its wrapper does: 384 for
 * `SmolVLM2-2.2B`, else 512.
 */
export function smolVlm2Resolution(modelPath: string): number {
  return modelPath.includes("SmolVLM2-2.2B") ? 384 : 512;
}

/**
 * The prompt a VLMEvalKit wrapper builds for a message of a dataset (`generate_inner`'s choice
 * by name, after {@link wrapperDatasetName}).
 *
 * @throws {PythonValueError} where the wrapper raises (an MMBench text with two `Question:`).
 */
export function buildSmolVlmPrompt(
  wrapper: SmolVlmWrapper,
  message: Message,
  datasetName: string,
  opts: { resolution?: number } = {},
): SmolVlmPrompt {
  const dataset = wrapperDatasetName(datasetName);
  if (MMBENCH.includes(dataset)) return mmbenchPrompt(message);
  if (["MMMU_DEV_VAL", "MMMU_TEST"].includes(dataset)) return mmmuPrompt(message);
  if (dataset === "MathVista_MINI") return mathvistaPrompt(message);
  if (dataset === "ChartQA_TEST") {
    return fixedHeadPrompt(message, chartqaHead(wrapper === "SmolVLM" ? "’" : "'"), "chartqa");
  }
  if (["DocVQA_VAL", "DocVQA_TEST"].includes(dataset)) {
    return fixedHeadPrompt(message, DOCVQA_HEAD, "docvqa");
  }
  if (["TextVQA_VAL", "TextVQA_TEST"].includes(dataset)) {
    return fixedHeadPrompt(message, TEXTVQA_HEAD, "textvqa");
  }
  if (BRIEF.includes(dataset)) return defaultPrompt(message, true, false);
  if (dataset === "HallusionBench") return defaultPrompt(message, false, true);
  if (PUREMCQ.includes(dataset)) return puremcqPrompt(message);
  if (wrapper === "SmolVLM2" && VIDEO.includes(dataset)) {
    return videoPrompt(message, dataset, opts.resolution ?? 512);
  }
  return defaultPrompt(message, false, false);
}
