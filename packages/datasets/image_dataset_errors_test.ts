import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { openImageDataset } from "./image_dataset.ts";
import { DatasetFormatError } from "./errors.ts";

const red = await Deno.readFile(
  resolve(new URL("./testdata/red.png", import.meta.url).pathname),
);
const IMG = red.toBase64();

interface Expected {
  line?: number;
  index?: string;
  field?: string;
  message: RegExp;
}

/** Writes `text` as a dataset in a temp dir and checks that opening it fails as expected. */
async function expectFormatError(text: string, expected: Expected, name = "bad.tsv") {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_datasets_bad_" });
  try {
    const path = join(dir, name);
    await Deno.writeTextFile(path, text);
    await assert.rejects(() => openImageDataset(path), (error: unknown) => {
      assert.ok(error instanceof DatasetFormatError, `got ${error}`);
      assert.equal(error.file, path);
      assert.equal(error.line, expected.line);
      assert.equal(error.index, expected.index);
      assert.equal(error.field, expected.field);
      assert.match(error.message, expected.message);
      assert.ok(error.message.includes(path), "the message names the file");
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const HEADER = "index\timage\tquestion\tA\tB\tanswer\n";

Deno.test("openImageDataset() rejects a row with the wrong number of fields", async () => {
  await expectFormatError(HEADER + `1\t${IMG}\tq\tx\ty\tA\n2\t${IMG}\tq\tx\tA\n`, {
    line: 3,
    index: "2",
    message: /has 5 fields: expected 6/,
  });
});

Deno.test("openImageDataset() rejects a duplicate index, naming both lines", async () => {
  await expectFormatError(HEADER + `7\t${IMG}\tq\tx\ty\tA\n7\t${IMG}\tq\tx\ty\tB\n`, {
    line: 3,
    index: "7",
    field: "index",
    message: /not unique: line 2 has it too/,
  });
});

Deno.test("openImageDataset() rejects a header without required columns", async () => {
  await expectFormatError(`index\timage\tA\tB\n1\t${IMG}\tx\ty\n`, {
    line: 1,
    field: "question",
    message: /no "question" column/,
  });
  await expectFormatError(`image\tquestion\n${IMG}\tq\n`, {
    line: 1,
    field: "index",
    message: /no "index" column/,
  });
  await expectFormatError("index\tquestion\tanswer\n1\tq\ta\n", {
    line: 1,
    field: "image",
    message: /neither an "image" nor an "image_path" column/,
  });
  await expectFormatError("", { line: 1, message: /empty/ });
  await expectFormatError("index\tquestion\tindex\timage\n", {
    line: 1,
    message: /names column "index" twice/,
  });
});

Deno.test("openImageDataset() rejects a reference to a missing row", async () => {
  await expectFormatError(HEADER + `1\t${IMG}\tq\tx\ty\tA\n2\t99\tq\tx\ty\tA\n`, {
    line: 3,
    index: "2",
    field: "image",
    message: /"99" \(64 characters or fewer\) must be the index of a row with image data/,
  });
});

Deno.test("openImageDataset() rejects reference chains and self references", async () => {
  await expectFormatError(
    HEADER + `1\t${IMG}\tq\tx\ty\tA\n2\t1\tq\tx\ty\tA\n3\t2\tq\tx\ty\tA\n`,
    { line: 4, index: "3", field: "image", message: /itself a reference: chains are not allowed/ },
  );
  await expectFormatError(HEADER + `5\t5\tq\tx\ty\tA\n`, {
    line: 2,
    index: "5",
    field: "image",
    message: /chains are not allowed/,
  });
});

Deno.test("openImageDataset() names the right line after a record of several lines or a dropped row", async () => {
  const chain = `2\t1\tq\tx\ty\tA\n3\t2\tq\tx\ty\tA\n`;
  // The question of index 1 holds a newline: index 3 starts on line 5, not 4.
  await expectFormatError(HEADER + `1\t${IMG}\t"two\nlines"\tx\ty\tA\n` + chain, {
    line: 5,
    index: "3",
    field: "image",
    message: /itself a reference/,
  });
  // Index 0 has no image and is dropped: index 3 is on line 5, the third row kept.
  await expectFormatError(HEADER + `0\t\tq\tx\ty\tA\n1\t${IMG}\tq\tx\ty\tA\n` + chain, {
    line: 5,
    index: "3",
    field: "image",
    message: /itself a reference/,
  });
});

Deno.test("openImageDataset() rejects a malformed list literal", async () => {
  await expectFormatError(HEADER + `1\t['${IMG}', ${IMG}]\tq\tx\ty\tA\n`, {
    line: 2,
    index: "1",
    field: "image",
    message: /cannot be read: Cannot parse Python string list/,
  });
  await expectFormatError(
    "index\timage\timage_path\tquestion\n" + `1\t${IMG}\t['a.png' 'b.png']\tq\n`,
    { line: 2, index: "1", field: "image_path", message: /Cannot parse Python string list/ },
  );
});

Deno.test("openImageDataset() refuses image_path values that escape the image root", async () => {
  const header = "index\timage\timage_path\tquestion\n";
  const cases: [string, RegExp][] = [
    ["../x.png", /leaves the image folder/],
    ["a/../../x.png", /leaves the image folder/],
    ["/etc/x.png", /absolute paths are not allowed/],
    ["['ok.png', '../../x.png']", /leaves the image folder/],
    ["a\0b.png", /NUL/],
  ];
  for (const [value, message] of cases) {
    await expectFormatError(header + `1\t${IMG}\tok.png\tq\n2\t${IMG}\t${value}\tq\n`, {
      line: 3,
      index: "2",
      field: "image_path",
      message,
    });
  }
});

Deno.test("openImageDataset() meta-only: image_path must stay inside the dataset folder", async () => {
  const header = "index\timage_path\tquestion\n";
  await expectFormatError(header + "1\t../outside.png\tq\n", {
    line: 2,
    index: "1",
    field: "image_path",
    message: /leaves the dataset folder/,
  });
  await expectFormatError(header + "1\t/etc/passwd\tq\n", {
    line: 2,
    index: "1",
    field: "image_path",
    message: /leaves the dataset folder/,
  });
});

Deno.test("openImageDataset() rejects an image_path list whose length differs from the images", async () => {
  await expectFormatError(
    "index\timage\timage_path\tquestion\n" + `1\t['${IMG}', '${IMG}']\t['one.png']\tq\n`,
    { line: 2, index: "1", field: "image_path", message: /names 1 files for 2 images/ },
  );
  // A reference row's files are counted against its target's images, after rows naming none.
  await expectFormatError(
    "index\timage\timage_path\tquestion\n" + `1\t['${IMG}', '${IMG}']\t\tq\n` +
      "2\t1\t\tq\n3\t1\t['a.png', 'b.png']\tq\n4\t1\t['c.png']\tq\n",
    { line: 5, index: "4", field: "image_path", message: /names 1 files for 2 images/ },
  );
});

Deno.test("openImageDataset() rejects an index that would name a file outside the root", async () => {
  await expectFormatError(HEADER + `../up\t${IMG}\tq\tx\ty\tA\n`, {
    line: 2,
    index: "../up",
    field: "index",
    message: /cannot contain '\/'/,
  });
});

Deno.test("openImageDataset() rejects broken quoting and invalid UTF-8", async () => {
  await expectFormatError(HEADER + `1\t${IMG}\t"never closed\tx\ty\tA\n`, {
    line: 2,
    message: /quoted field is never closed/,
  });
  await expectFormatError(HEADER + `1\t${IMG}\t"closed"junk\tx\ty\tA\n`, {
    line: 2,
    message: /text follows a closing quote/,
  });
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_datasets_bad_" });
  try {
    const path = join(dir, "latin1.tsv");
    const bytes = new TextEncoder().encode(HEADER + `1\t${IMG}\tcaf?\tx\ty\tA\n`);
    bytes[bytes.indexOf(0x3f)] = 0xe9;
    await Deno.writeFile(path, bytes);
    await assert.rejects(
      () => openImageDataset(path),
      (error: unknown) =>
        error instanceof DatasetFormatError && error.field === "question" && error.line === 2 &&
        /not valid UTF-8/.test(error.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a row cut short after the dataset was opened is refused, not read from an earlier block", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_datasets_cut_" });
  try {
    const path = join(dir, "cut.tsv");
    // Rows past the first 64 KiB read-ahead block, so the last one is read into a reused buffer.
    let text = HEADER + `0\t${IMG}\tq0\tx\ty\tA\n`;
    for (let k = 1; k < 3000; k++) text += `${k}\t0\tquestion number ${k}\tx\ty\tA\n`;
    await Deno.writeTextFile(path, text);
    using dataset = await openImageDataset(path);
    assert.equal((await dataset.rowAt(0)).question, "q0");
    assert.equal((await dataset.rowAt(1500)).question, "question number 1500");
    const bytes = new TextEncoder().encode(text);
    await Deno.truncate(path, bytes.length - 10);
    await assert.rejects(
      () => dataset.rowAt(2999),
      (error: unknown) => {
        assert.ok(error instanceof DatasetFormatError, `got ${error}`);
        assert.equal(error.line, 3001);
        assert.match(error.message, /the row changed since the dataset was opened/);
        return true;
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
