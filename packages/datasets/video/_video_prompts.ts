import type { Message, MessageItem } from "@vlmeval/schema";
import { pythonJsonDumps } from "@vlmeval/internal";

/** One question as prompts need it. */
export interface PromptQuestion {
  index: string;
  question: string;
  /** Options as `[letter, text]`; empty for an open question. */
  options: ReadonlyArray<readonly [string, string]>;
  /** The option lines shown in lettered prompts: the dataset's own `A. ...` lines. */
  optionLines: readonly string[];
}

const SYSTEM = "You are an AI assistant responsible for answering questions about videos.";

const MVBENCH_SYSTEM = "Carefully watch the video and pay attention to the cause and sequence of " +
  "events, the detail and movement of objects, and the action and pose of persons. Based on " +
  "your observations, select the best option that accurately addresses the question.\n";

function images(frames: readonly string[]): MessageItem[] {
  return frames.map((value) => ({ type: "image", value }));
}

/** `A, B, C, or D` for four letters, `A or B` for two (VLMEvalKit always says A-D). */
function letterList(letters: readonly string[]): string {
  if (letters.length <= 2) return letters.join(" or ");
  return `${letters.slice(0, -1).join(", ")}, or ${letters.at(-1)}`;
}

/**
 * Video-MME-style prompt: the frame template, the frames, then
 * `Question: <q>\n<A. ...>\n<B. ...>\nAnswer: `.
 */
export function letteredMcqPrompt(frames: readonly string[], q: PromptQuestion): Message {
  const template = "\nThese are the frames of a video. Select the best answer to the following " +
    "multiple-choice question based on the video. Respond with only the letter " +
    `(${letterList(q.options.map(([l]) => l))}) of the correct option.\n`;
  return [
    { type: "text", value: template },
    ...images(frames),
    { type: "text", value: `Question: ${q.question}\n${q.optionLines.join("\n")}\nAnswer: ` },
  ];
}

/**
 * MVBench-style prompt: a system item, the frames, `Question: ...\nOptions:\n(A) ...`,
 * `\nOnly give the best option.` and an assistant prefill `Best option:(`.
 */
export function mvbenchPrompt(frames: readonly string[], q: PromptQuestion): Message {
  const options = q.options.map(([letter, text]) => `(${letter}) ${text}`).join("\n");
  return [
    { type: "text", value: MVBENCH_SYSTEM, role: "system" },
    ...images(frames),
    { type: "text", value: `Question: ${q.question}\nOptions:\n${options}` },
    { type: "text", value: "\nOnly give the best option." },
    { type: "text", value: "Best option:(", role: "assistant" },
  ];
}

/** MMBench-Video-style prompt for one open question: template, frames, `Question: ...`. */
export function openPrompt(frames: readonly string[], q: PromptQuestion): Message {
  const template = `${SYSTEM}\nYou will receive ${frames.length} distinct frames that have been ` +
    "uniformly sampled from a video sequence, arranged in the same temporal order as they appear " +
    "in the video.\nPlease analyze these frames and answer the question based on your " +
    "observations. Please directly reply with your response to the only question.\n";
  return [
    { type: "text", value: template },
    ...images(frames),
    { type: "text", value: `Question: ${q.question}\nAnswer: ` },
  ];
}

/**
 * One prompt for every question about a video (pack mode): instructions asking for one JSON
 * object keyed by question index, the frames, then
 * `Questions: \n{"<index>": "<question>\n<A. ...>"}\nAnswers: \n` (JSON as Python's
 * `json.dumps` writes it, keys in row order).
 */
export function packPrompt(
  frames: readonly string[],
  questions: readonly PromptQuestion[],
): Message {
  const mcq = questions.every((q) => q.options.length > 0);
  const [a, b] = questions.map((q) => q.index);
  const example = pythonJsonDumps(
    (b === undefined ? [a] : [a, b]).map((
      i,
      n,
    ) => [i, mcq ? "ABCD"[n * 2] : `Answer to question ${i}`]),
  );
  const task = mcq
    ? "answer the multiple-choice questions below. Reply with one JSON object that maps the " +
      "index of each question to the letter of its best option"
    : "answer the questions below. Reply with one JSON object that maps the index of each " +
      "question to your answer";
  const template = `${SYSTEM}\nYou will receive ${frames.length} distinct frames that have been ` +
    "uniformly sampled from a video sequence, arranged in the same temporal order as they appear " +
    `in the video.\nPlease analyze these frames and ${task}, for example: ${example}\n` +
    "Give an answer to every question, even if the frames are not enough to be sure.\n";
  const entries = questions.map((q) =>
    [
      q.index,
      q.options.length > 0 ? `${q.question}\n${q.optionLines.join("\n")}` : q.question,
    ] as const
  );
  return [
    { type: "text", value: template },
    ...images(frames),
    { type: "text", value: `Questions: \n${pythonJsonDumps(entries)}\nAnswers: \n` },
  ];
}
