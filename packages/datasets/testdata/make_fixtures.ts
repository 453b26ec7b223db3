/**
 * Regenerates the committed fixtures in this folder:
 * `deno run -A packages/datasets/testdata/make_fixtures.ts`.
 *
 * - `red.png`, `green.png` (4x4 PNG) and `blue.jpg` (4x4 JPEG): real images, encoded with pngjs
 *   and jpeg-js.
 * - `mcq_mixed.tsv`: a VLMEvalKit-style MCQ benchmark. Rows 0-4 are written with `writeTsvFile`
 *   (pandas QUOTE_ALL); rows 5-9 are hand-written the way pandas writes with its default
 *   minimal quoting, including a `\r\n` line ending. It has a single image with a hint and a
 *   question holding a tab, quotes and a newline, a reference row, a multi-image row, a JPEG row,
 *   a row with no image (dropped), a reference to the multi-image row, a row with invalid base64
 *   and a row whose base64 decodes to text that is not an image.
 * - `meta_only/meta.tsv` with `meta_only/imgs/`: a dataset without an `image` column.
 */
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { writeTsvFile } from "../tsv_writer.ts";

const here = new URL(".", import.meta.url).pathname;

function solidPng(r: number, g: number, b: number): Uint8Array {
  const png = new PNG({ width: 4, height: 4 });
  for (let k = 0; k < 16; k++) png.data.set([r, g, b, 255], k * 4);
  return new Uint8Array(PNG.sync.write(png));
}

function solidJpeg(r: number, g: number, b: number): Uint8Array {
  const data = new Uint8Array(4 * 4 * 4);
  for (let k = 0; k < 16; k++) data.set([r, g, b, 255], k * 4);
  return new Uint8Array(jpeg.encode({ data, width: 4, height: 4 }, 90).data);
}

const red = solidPng(255, 0, 0);
const green = solidPng(0, 255, 0);
const blue = solidJpeg(0, 0, 255);
await Deno.writeFile(`${here}red.png`, red);
await Deno.writeFile(`${here}green.png`, green);
await Deno.writeFile(`${here}blue.jpg`, blue);

const b64 = (bytes: Uint8Array) => bytes.toBase64();
const header = [
  "index",
  "image",
  "question",
  "hint",
  "A",
  "B",
  "C",
  "D",
  "answer",
  "category",
  "l2-category",
  "split",
];
const mcq = `${here}mcq_mixed.tsv`;
await writeTsvFile(mcq, header, [
  [
    "0",
    b64(red),
    'What color is "this"?\tTab\nNewline',
    "Look closely.",
    "red",
    "green",
    "blue",
    "black",
    "A",
    "color",
    "coarse_perception",
    "dev",
  ],
  [
    "1",
    "0",
    "Same image: which shape?",
    "",
    "square",
    "circle",
    "triangle",
    "",
    "A",
    "shape",
    "coarse_perception",
    "dev",
  ],
  [
    "2",
    `['${b64(red)}', '${b64(blue)}']`,
    "Compare the two images.",
    "",
    "same",
    "different",
    "",
    "",
    "B",
    "compare",
    "logic_reasoning",
    "test",
  ],
  [
    "3",
    b64(blue),
    "What color?",
    "",
    "blue",
    "red",
    "",
    "",
    "A",
    "color",
    "coarse_perception",
    "test",
  ],
  ["4", "", "Dropped: no image", "", "x", "y", "", "", "A", "color", "coarse_perception", "dev"],
]);
const notBase64 = "!".repeat(70);
const notAnImage = new TextEncoder().encode(
  "This is plain text and not an image, long enough not to be a reference.",
);
const handWritten = [
  `5\t${b64(green)}\t"He said ""green"""\t\tgreen\tred\t\t\tA\tcolor\tcoarse_perception\tdev\n`,
  `6\t2\tReference to a multi-image row\t\tyes\tno\t\t\tA\tcompare\tlogic_reasoning\tdev\n`,
  `7\t${notBase64}\tBroken image\t\tx\ty\t\t\tA\tbroken\tlogic_reasoning\tdev\n`,
  `8\t${b64(notAnImage)}\tNot an image\t\tx\ty\t\t\tB\tbroken\tlogic_reasoning\tdev\n`,
  `9\t0\tCRLF row\t\tp\tq\t\t\tB\tshape\tcoarse_perception\tdev\r\n`,
];
await Deno.writeTextFile(mcq, handWritten.join(""), { append: true });

await Deno.mkdir(`${here}meta_only/imgs`, { recursive: true });
await Deno.writeFile(`${here}meta_only/imgs/red.png`, red);
await Deno.writeFile(`${here}meta_only/imgs/green.png`, green);
await writeTsvFile(`${here}meta_only/meta.tsv`, ["index", "image_path", "question", "answer"], [
  ["1", "imgs/red.png", "What color is it?", "red"],
  ["2", "['imgs/red.png', 'imgs/green.png']", "Which colors?", "red and green"],
  ["3", "imgs/missing.png", "Missing file", "none"],
]);
