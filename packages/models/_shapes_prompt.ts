/**
 * Reads the prompts ShapesVLM answers: VLMEvalKit's multiple-choice prompt (`Question: ...`,
 * `Options:`, `A. ...` lines), the Video-MME prompt (`Question: ...` then `A. ...` lines), and the
 * pack prompt (`Questions:` then a JSON object mapping each question's index to its text with
 * its option lines, then `Answers:`).
 */
import { jsonObjectEnd } from "@vlmeval/internal";
import type { Message } from "@vlmeval/schema";

/** One option line of a question. */
export interface ChoiceOption {
  letter: string;
  text: string;
}

/** A multiple-choice question read from a prompt. */
export interface ChoicePrompt {
  question: string;
  options: ChoiceOption[];
}

/** What a ShapesVLM prompt asks. */
export interface ShapesPrompt {
  /** Image paths in prompt order (video frames for a video question). */
  images: string[];
  /** The questions; one unless `packed`. `key` is the pack JSON key (else ""). */
  questions: (ChoicePrompt & { key: string })[];
  /** True for a pack prompt: the answer is a JSON object keyed like the questions. */
  packed: boolean;
}

const OPTION_LINE = /^\s*(?:\(([A-Z])\)|([A-Z])[.)：:])\s*(.*?)\s*$/;
const PACK_MARKER = /Questions:\s*(?=\{)/g;

/**
 * Reads a question and its options from prompt text. Options are the first run of lines
 * `A. text` (or `A) text`, `(A) text`) with letters A, B, C, ... in order. The question is the
 * text after the last `Question:` before them, else the lines before them that are not a hint or
 * the `Options:` header.
 *
 * @throws {Error} when the text has no option lines.
 */
export function parseChoiceText(text: string): ChoicePrompt {
  const lines = text.split(/\r?\n/);
  let first = -1;
  const options: ChoiceOption[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = OPTION_LINE.exec(lines[i]);
    const letter = m ? (m[1] ?? m[2]) : undefined;
    const expected = String.fromCharCode(65 + options.length);
    if (m && letter === expected) {
      if (options.length === 0) first = i;
      options.push({ letter: letter, text: m[3] });
    } else if (options.length > 0) {
      break;
    }
  }
  if (options.length === 0) {
    throw new Error(
      `Cannot read a multiple-choice question as the prompt has no option lines ("A. ..."): ${
        JSON.stringify(text.slice(0, 200))
      }`,
    );
  }
  const before = lines.slice(0, first);
  const questionLine = before.findLastIndex((l) => /^\s*Question:/i.test(l));
  const question = questionLine >= 0
    ? before.slice(questionLine).join(" ").replace(/^\s*Question:\s*/i, "").replace(
      /\s*Options:\s*$/i,
      "",
    )
    : before.filter((l) => !/^\s*(Hint:|Options:\s*$)/i.test(l)).join(" ");
  return { question: question.trim(), options };
}

/** The JSON object that starts at `text[start]` (a `{`; see `jsonObjectEnd`). */
function jsonObjectAt(text: string, start: number): string {
  const end = jsonObjectEnd(text, start);
  if (end === -1) {
    throw new Error("Cannot read the packed questions as their JSON object is not closed");
  }
  return text.slice(start, end + 1);
}

function parsePack(text: string, start: number): (ChoicePrompt & { key: string })[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonObjectAt(text, start));
  } catch (err) {
    throw new Error(`Cannot read the packed questions as JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error("Cannot read the packed questions as they are not a JSON object");
  }
  return Object.entries(parsed).map(([key, value]) => {
    if (typeof value !== "string") {
      throw new Error(`Cannot read packed question "${key}" as its value is not a string`);
    }
    return { key, ...parseChoiceText(value) };
  });
}

/**
 * Splits a message into its images and its question(s).
 *
 * @throws {Error} for a `video` item (ShapesVLM reads sampled frames), a prompt without
 * images, or text without options.
 */
export function parseShapesPrompt(message: Message): ShapesPrompt {
  const images: string[] = [];
  const texts: string[] = [];
  for (const item of message) {
    if (item.type === "image") images.push(item.value);
    else if (item.type === "video") {
      throw new Error(
        `Cannot answer with ShapesVLM from the video file "${item.value}": it reads sampled frames, so run the video benchmark with --nframe or --fps`,
      );
    } else if (item.role !== "assistant") texts.push(item.value);
  }
  if (images.length === 0) {
    throw new Error("Cannot answer with ShapesVLM as the prompt has no image");
  }
  const text = texts.join("\n");
  // The last "Questions:" followed by "{" starts the pack (a template may mention JSON earlier).
  const marker = [...text.matchAll(PACK_MARKER)].at(-1);
  if (marker) {
    return { images, questions: parsePack(text, marker.index + marker[0].length), packed: true };
  }
  return { images, questions: [{ key: "", ...parseChoiceText(text) }], packed: false };
}
