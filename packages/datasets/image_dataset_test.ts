import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { openImageDataset } from "./image_dataset.ts";
import { SampleInputError } from "./errors.ts";
import { writeTsvFile } from "./tsv_writer.ts";

const testdata = resolve(new URL("./testdata", import.meta.url).pathname);
const fixture = join(testdata, "mcq_mixed.tsv");
const red = await Deno.readFile(join(testdata, "red.png"));
const green = await Deno.readFile(join(testdata, "green.png"));
const blue = await Deno.readFile(join(testdata, "blue.jpg"));
const PLEASE = "Please select the correct answer from the options above. \n";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_datasets_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("openImageDataset() reads the fixture's rows, dropping the row with no image", async () => {
  using dataset = await openImageDataset(fixture);
  assert.equal(dataset.name, "mcq_mixed");
  assert.equal(dataset.file, fixture);
  assert.equal(dataset.kind, "mcq");
  assert.equal(dataset.metaOnly, false);
  assert.equal(dataset.size, 9);
  assert.equal(dataset.skippedRows, 1);
  assert.deepEqual(dataset.columns.slice(0, 4), ["index", "image", "question", "hint"]);
  const indices = Array.from({ length: dataset.size }, (_, k) => dataset.indexAt(k));
  assert.deepEqual(indices, ["0", "1", "2", "3", "5", "6", "7", "8", "9"]);
  assert.equal(dataset.positionOf("5"), 4);
  assert.equal(dataset.positionOf("4"), undefined);
});

Deno.test("ImageDataset.rowAt() returns every column but image, unquoted", async () => {
  using dataset = await openImageDataset(fixture);
  const row = await dataset.rowAt(0);
  assert.equal("image" in row, false);
  assert.equal(row.question, 'What color is "this"?\tTab\nNewline');
  assert.equal(row.hint, "Look closely.");
  assert.equal(row.D, "black");
  assert.equal(row["l2-category"], "coarse_perception");
  const handWritten = await dataset.rowAt(dataset.positionOf("5")!);
  assert.equal(handWritten.question, 'He said "green"');
  // An empty cell is missing as pandas reads it (str(nan)); --literal-cells keeps "".
  assert.equal(handWritten.hint, "nan");
  using literal = await openImageDataset(fixture, { cells: "literal" });
  assert.equal((await literal.rowAt(literal.positionOf("5")!)).hint, "");
  const crlf = await dataset.rowAt(dataset.positionOf("9")!);
  assert.equal(crlf.split, "dev");
  await assert.rejects(() => dataset.rowAt(9), RangeError);
  await assert.rejects(() => dataset.rowAt(-1), RangeError);
});

Deno.test("ImageDataset.rows() streams the same rows as rowAt(), in order", async () => {
  using dataset = await openImageDataset(fixture);
  let expected = 0;
  for await (const { position, row } of dataset.rows()) {
    assert.equal(position, expected++);
    assert.deepEqual(row, await dataset.rowAt(position));
  }
  assert.equal(expected, dataset.size);
});

Deno.test("ImageDataset.rowAt() serves concurrent calls correctly", async () => {
  using dataset = await openImageDataset(fixture);
  const positions = [8, 0, 3, 1, 7, 2, 5, 4, 6, 0, 8];
  const rows = await Promise.all(positions.map((p) => dataset.rowAt(p)));
  assert.deepEqual(rows.map((row) => row.index), positions.map((p) => dataset.indexAt(p)));
});

Deno.test("ImageDataset.buildPrompt() matches VLMEvalKit's MCQ prompt byte for byte", async () => {
  await withTempDir(async (root) => {
    using dataset = await openImageDataset(fixture);
    const prompt = async (index: string) =>
      await dataset.buildPrompt(await dataset.rowAt(dataset.positionOf(index)!), root);
    assert.deepEqual(await prompt("0"), [
      { type: "image", value: join(root, "0.png") },
      {
        type: "text",
        value: 'Hint: Look closely.\nQuestion: What color is "this"?\tTab\nNewline\n' +
          "Options:\nA. red\nB. green\nC. blue\nD. black\n" + PLEASE,
      },
    ]);
    assert.deepEqual(await prompt("1"), [
      { type: "image", value: join(root, "0.png") },
      {
        type: "text",
        value: "Question: Same image: which shape?\nOptions:\nA. square\nB. circle\nC. triangle\n" +
          PLEASE,
      },
    ]);
    const pair = [
      { type: "image", value: join(root, "2_0.png") },
      { type: "image", value: join(root, "2_1.jpg") },
    ];
    assert.deepEqual(await prompt("2"), [
      ...pair,
      {
        type: "text",
        value: "Question: Compare the two images.\nOptions:\nA. same\nB. different\n" + PLEASE,
      },
    ]);
    assert.deepEqual((await prompt("6")).slice(0, 2), pair);
    assert.deepEqual(await prompt("5"), [
      { type: "image", value: join(root, "5.png") },
      { type: "text", value: 'Question: He said "green"\nOptions:\nA. green\nB. red\n' + PLEASE },
    ]);
    assert.deepEqual(await Deno.readFile(join(root, "0.png")), red);
    assert.deepEqual(await Deno.readFile(join(root, "2_0.png")), red);
    assert.deepEqual(await Deno.readFile(join(root, "2_1.jpg")), blue);
    assert.deepEqual(await Deno.readFile(join(root, "5.png")), green);
    assert.equal(await Deno.stat(join(root, "1.png")).catch(() => null), null);
  });
});

Deno.test("ImageDataset.buildPrompt() reuses a valid image file and replaces a damaged one", async () => {
  await withTempDir(async (root) => {
    using dataset = await openImageDataset(fixture);
    const row = await dataset.rowAt(0);
    await dataset.buildPrompt(row, root);
    const path = join(root, "0.png");
    const first = await Deno.stat(path);
    await dataset.buildPrompt(row, root);
    assert.equal((await Deno.stat(path)).ino, first.ino);
    await Deno.writeFile(path, red.subarray(0, 20));
    await dataset.buildPrompt(row, root);
    assert.deepEqual(await Deno.readFile(path), red);
    const leftovers = [...Deno.readDirSync(root)].filter((entry) => entry.name.endsWith(".tmp"));
    assert.deepEqual(leftovers, []);
  });
});

Deno.test("ImageDataset.buildPrompt() fails only the row whose image is bad", async () => {
  await withTempDir(async (root) => {
    using dataset = await openImageDataset(fixture);
    const broken = await dataset.rowAt(dataset.positionOf("7")!);
    await assert.rejects(() => dataset.buildPrompt(broken, root), (error: unknown) => {
      assert.ok(error instanceof SampleInputError);
      assert.equal(error.file, fixture);
      assert.equal(error.index, "7");
      assert.equal(error.line, 10);
      assert.equal(error.field, "image");
      assert.match(error.message, /not valid base64/);
      return true;
    });
    const notImage = await dataset.rowAt(dataset.positionOf("8")!);
    await assert.rejects(
      () => dataset.buildPrompt(notImage, root),
      (error: unknown) =>
        error instanceof SampleInputError && error.index === "8" &&
        /not a PNG, JPEG, GIF, WebP or BMP image \(it starts with 54 68 69 73/.test(error.message),
    );
    const after = await dataset.buildPrompt(await dataset.rowAt(dataset.positionOf("9")!), root);
    assert.equal(after[0].value, join(root, "0.png"));
    await assert.rejects(
      () => dataset.buildPrompt({ index: "no-such-row", question: "?" }, root),
      SampleInputError,
    );
    const pending = dataset.imagePaths({ index: "no-such-row" }, root);
    await assert.rejects(() => pending, /no row of the dataset has this index/);
  });
});

Deno.test("openImageDataset() kind can be forced: vqa and yorn prompts", async () => {
  await withTempDir(async (root) => {
    using vqa = await openImageDataset(fixture, { kind: "vqa", name: "Forced" });
    assert.equal(vqa.name, "Forced");
    const message = await vqa.buildPrompt(await vqa.rowAt(3), root);
    assert.deepEqual(message[1], {
      type: "text",
      value: "What color?\nAnswer the question using a single word or phrase.",
    });
    using yorn = await openImageDataset(fixture, { kind: "yorn" });
    assert.deepEqual((await yorn.buildPrompt(await yorn.rowAt(3), root))[1], {
      type: "text",
      value: "What color?",
    });
    await assert.rejects(
      () => openImageDataset(fixture, { kind: "mcqq" as "mcq" }),
      RangeError,
    );
  });
});

Deno.test("openImageDataset() detects yes/no and VQA datasets", async () => {
  await withTempDir(async (dir) => {
    const image = red.toBase64();
    const yornPath = join(dir, "yorn.tsv");
    await writeTsvFile(yornPath, ["index", "image", "question", "answer"], [
      ["1", image, "Is it red?", "Yes"],
      ["2", "1", "Is it blue?", "No"],
    ]);
    using yorn = await openImageDataset(yornPath);
    assert.equal(yorn.kind, "yorn");
    const vqaPath = join(dir, "vqa.tsv");
    await writeTsvFile(vqaPath, ["index", "image", "question", "answer"], [
      ["1", image, "Is it red?", "Yes"],
      ["2", "1", "Which color?", "red"],
    ]);
    using vqa = await openImageDataset(vqaPath);
    assert.equal(vqa.kind, "vqa");
    // AMBER's answers are lowercase; VLMEvalKit knows it as yes/no by its name.
    const lower = [["1", image, "Is it red?", "yes"], ["2", "1", "Is it blue?", "no"]];
    const amberPath = join(dir, "AMBER_Tiny.tsv");
    await writeTsvFile(amberPath, ["index", "image", "question", "answer"], lower);
    using amber = await openImageDataset(amberPath);
    assert.equal(amber.kind, "yorn");
    const otherPath = join(dir, "Other.tsv");
    await writeTsvFile(otherPath, ["index", "image", "question", "answer"], lower);
    using other = await openImageDataset(otherPath);
    assert.equal(other.kind, "vqa");
  });
});

Deno.test("ImageDataset.buildPrompt() names files from image_path, also for references", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "named.tsv");
    await writeTsvFile(path, ["index", "image", "image_path", "question"], [
      ["a", red.toBase64(), "sub/red_image.png", "One"],
      [
        "b",
        `['${red.toBase64()}', "${blue.toBase64()}"]`,
        "['pair/one.png', 'pair/two.jpg']",
        "Two",
      ],
      ["c", "a", "", "Shares a"],
      ["d", "b", "", "Shares b"],
    ]);
    const root = join(dir, "images");
    using dataset = await openImageDataset(path);
    const images = async (
      index: string,
    ) => (await dataset.imagePaths(await dataset.rowAt(dataset.positionOf(index)!), root));
    assert.deepEqual(await images("a"), [join(root, "sub/red_image.png")]);
    assert.deepEqual(await images("b"), [join(root, "pair/one.png"), join(root, "pair/two.jpg")]);
    assert.deepEqual(await images("c"), [join(root, "sub/red_image.png")]);
    assert.deepEqual(await images("d"), [join(root, "pair/one.png"), join(root, "pair/two.jpg")]);
    assert.deepEqual(await Deno.readFile(join(root, "pair/two.jpg")), blue);
  });
});

Deno.test("openImageDataset() meta-only: image_path is taken from the dataset's folder", async () => {
  const folder = join(testdata, "meta_only");
  using dataset = await openImageDataset(join(folder, "meta.tsv"));
  assert.equal(dataset.metaOnly, true);
  assert.equal(dataset.kind, "vqa");
  const unusedRoot = join(folder, "never-written");
  const message = await dataset.buildPrompt(await dataset.rowAt(1), unusedRoot);
  assert.deepEqual(message.slice(0, 2), [
    { type: "image", value: join(folder, "imgs/red.png") },
    { type: "image", value: join(folder, "imgs/green.png") },
  ]);
  await assert.rejects(
    async () => dataset.buildPrompt(await dataset.rowAt(2), unusedRoot),
    (error: unknown) =>
      error instanceof SampleInputError && error.field === "image_path" && error.index === "3",
  );
  assert.equal(await Deno.stat(unusedRoot).catch(() => null), null);
});

Deno.test("ImageDataset.buildPrompt() builds MMMU's interleaved prompts and bare questions as asked", async () => {
  await withTempDir(async (dir) => {
    const pair = `['${red.toBase64()}', '${blue.toBase64()}']`;
    const path = join(dir, "MMMU_Tiny.tsv");
    await writeTsvFile(path, ["index", "image", "question", "A", "B", "answer"], [
      ["1", pair, "Is <image 1> redder than <image 2>?", "yes", "no", "A"],
      ["2", red.toBase64(), "What number is shown in <image 1>?", "", "", "7"],
      ["3", red.toBase64(), "Where is <image 4>?", "here", "there", "A"],
    ]);
    const root = join(dir, "images");
    using mmmu = await openImageDataset(path, { prompt: "mmmu" });
    assert.equal(mmmu.prompt, "mmmu");
    const prompt = async (ds: typeof mmmu, index: string) =>
      await ds.buildPrompt(await ds.rowAt(ds.positionOf(index)!), root);
    assert.deepEqual(await prompt(mmmu, "1"), [
      { type: "text", value: "Question: Is " },
      { type: "image", value: join(root, "1_0.png") },
      { type: "text", value: " redder than " },
      { type: "image", value: join(root, "1_1.jpg") },
      { type: "text", value: `?\nOptions:\nA. yes\nB. no\n${PLEASE}` },
    ]);
    // An open question read as pandas does: its empty options are NaN and left out.
    assert.deepEqual(await prompt(mmmu, "2"), [
      { type: "text", value: "Question: What number is shown in " },
      { type: "image", value: join(root, "2.png") },
      { type: "text", value: "?\n" },
    ]);
    await assert.rejects(
      () => prompt(mmmu, "3"),
      (err: unknown) =>
        err instanceof SampleInputError && err.index === "3" && err.field === "question" &&
        /the row has 1 images: current value is "<image 4>"/.test(err.message),
    );
    using plain = await openImageDataset(path, { prompt: "question" });
    assert.deepEqual(await prompt(plain, "2"), [
      { type: "image", value: join(root, "2.png") },
      { type: "text", value: "What number is shown in <image 1>?" },
    ]);
    using byKind = await openImageDataset(path);
    assert.equal(byKind.prompt, "kind");
    assert.equal((await prompt(byKind, "1")).length, 3, "images first, one text item");
    await assert.rejects(
      () => openImageDataset(path, { prompt: "fancy" as "kind" }),
      /prompt must be one of kind, question, mmmu: current value is fancy/,
    );
  });
});

Deno.test("ImageDataset.imagePaths() writes a stored image again once its file was changed or removed", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "Shared.tsv");
    const red64 = red.toBase64();
    await writeTsvFile(path, ["index", "image", "question", "answer"], [
      ["1", red64, "q1", "a"],
      ["2", "1", "q2", "a"],
      ["3", "1", "q3", "a"],
      ["4", "1", "q4", "a"],
    ]);
    using dataset = await openImageDataset(path);
    const root = join(dir, "images");
    const [file] = await dataset.imagePaths(await dataset.rowAt(0), root);
    assert.deepEqual(await Deno.readFile(file), red);
    // Changed behind the dataset's back: the next row naming it writes it again.
    await Deno.writeFile(file, green);
    assert.deepEqual(await dataset.imagePaths(await dataset.rowAt(1), root), [file]);
    assert.deepEqual(await Deno.readFile(file), red);
    await Deno.remove(file);
    assert.deepEqual(await dataset.imagePaths(await dataset.rowAt(2), root), [file]);
    assert.deepEqual(await Deno.readFile(file), red);
    // Untouched: only a stat, and the same file (same inode) is named.
    const before = (await Deno.stat(file)).ino;
    assert.deepEqual(await dataset.imagePaths(await dataset.rowAt(3), root), [file]);
    assert.equal((await Deno.stat(file)).ino, before);
  });
});

Deno.test("ImageDataset.imagePaths() serves a row of more than 255 images, and its references", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "Many.tsv");
    const many = Array.from({ length: 300 }, (_, k) => `'${(k % 2 ? red : blue).toBase64()}'`);
    await writeTsvFile(path, ["index", "image", "question"], [
      ["1", red.toBase64(), "One"],
      ["2", `[${many.join(", ")}]`, "Many"],
      ["3", "2", "Shares the many"],
    ]);
    using dataset = await openImageDataset(path);
    const root = join(dir, "images");
    const paths = await dataset.imagePaths(await dataset.rowAt(2), root);
    assert.equal(paths.length, 300);
    assert.equal(paths[299], join(root, "2_299.png"));
    assert.deepEqual(await Deno.readFile(paths[0]), blue);
    assert.deepEqual(await dataset.imagePaths(await dataset.rowAt(1), root), paths);
    assert.deepEqual(await dataset.imagePaths(await dataset.rowAt(0), root), [join(root, "1.png")]);
  });
});

Deno.test("ImageDataset.rowAt() reads each row whole with CRLF endings, a blank line and a dropped row", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "Endings.tsv");
    const img = red.toBase64();
    const rows = Array.from({ length: 6 }, (_, k) => `${k}\t${k === 4 ? "" : img}\tquestion ${k}`);
    // Rows 0-2 end in CRLF and follow each other; a blank line, then row 3; row 4 has no image.
    await Deno.writeTextFile(
      path,
      `index\timage\tquestion\r\n${rows.slice(0, 3).join("\r\n")}\r\n\r\n${rows[3]}\r\n` +
        `${rows[4]}\r\n${rows[5]}`,
    );
    using dataset = await openImageDataset(path);
    assert.equal(dataset.size, 5);
    const questions = [];
    for (let p = dataset.size - 1; p >= 0; p--) {
      questions.unshift((await dataset.rowAt(p)).question);
    }
    assert.deepEqual(questions, [0, 1, 2, 3, 5].map((k) => `question ${k}`));
  });
});
