import type { Message, Row } from "@vlmeval/schema";
import type { CellReading } from "./cell_reading.ts";
import { describeLocation, SampleInputError } from "./errors.ts";
import { assemblePrompt, OPTION_LETTERS } from "./prompt.ts";

const PLACEHOLDER = "<image ";

/** Which field of the row holds `text` (the hint, the question or an option), if one does. */
function fieldHolding(row: Row, text: string): string | undefined {
  return ["hint", "question", ...OPTION_LETTERS].find((field) => row[field]?.includes(text));
}

/**
 * An MMMU prompt as VLMEvalKit builds it (`MMMUDataset.build_prompt`, image_mcq.py:537): the
 * multiple-choice prompt (`Hint`, `Question`, `Options`, one image item per path then the text),
 * then `split_MMMU` (image_mcq.py:515): when the text holds `<image `, it is cut there and each
 * `<image N>` (N one digit) is replaced by an image item holding path N (1-based), so text and
 * images alternate as the question reads. Kept as VLMEvalKit does: images no placeholder names
 * are left out, an image named twice appears twice, `<image 0>` is the LAST image (Python's
 * index -1), empty text items between adjacent placeholders stay, and a text with no
 * placeholder keeps the images first. `reading` says how the row was read (a missing option is
 * `""` when read literally, `nan` when read as pandas does; see `rowOptions`).
 *
 * @throws {SampleInputError} naming the file, row and field when a placeholder is not
 * `<image N>` with one digit N (`<image 10>`, `<image x>`) or names an image the row does not
 * have (VLMEvalKit's assertion and IndexError).
 *
 * @example Interleave two images
 * ```ts
 * import { buildMmmuPrompt } from "@vlmeval/datasets";
 * const row = { index: "1", question: "<image 1> or <image 2>?", A: "left", B: "right" };
 * const message = buildMmmuPrompt(row, ["/i/1_0.jpg", "/i/1_1.jpg"], "MMMU_DEV_VAL.tsv");
 * message.map((item) => item.type); // ["text", "image", "text", "image", "text"]
 * ```
 */
export function buildMmmuPrompt(
  row: Row,
  imagePaths: readonly string[],
  file: string,
  reading: CellReading = "literal",
): Message {
  const message = assemblePrompt("mcq", row, imagePaths, reading);
  const text = message[message.length - 1].value;
  const segments = text.split(PLACEHOLDER);
  if (segments.length === 1) return message;
  const out: Message = [{ type: "text", value: segments[0] }];
  for (const segment of segments.slice(1)) {
    const placeholder = PLACEHOLDER + /^[^\s>]{0,3}>?/.exec(segment)![0];
    const fail = (why: string) => {
      const at = { file, index: row.index, field: fieldHolding(row, placeholder) };
      return new SampleInputError(
        `Cannot interleave the images of ${describeLocation(at)} as ${why}: current value is ` +
          JSON.stringify(placeholder),
        at,
      );
    };
    if (!/^[0-9]>/.test(segment)) throw fail("a placeholder must be <image N> with one digit N");
    const n = Number(segment[0]);
    const path = imagePaths.at(n - 1);
    if (n > imagePaths.length || path === undefined) {
      throw fail(`the row has ${imagePaths.length} images`);
    }
    out.push({ type: "image", value: path }, { type: "text", value: segment.slice(2) });
  }
  return out;
}
