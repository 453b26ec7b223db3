import assert from "node:assert/strict";
import { join } from "node:path";
import { BadVideoError, findFfmpeg } from "@vlmeval/media";
import { openVideoDataset } from "./video_dataset.ts";
import { DatasetFormatError } from "../errors.ts";
import { makeIndexClip, readFrameIndex } from "@vlmeval/media/testing";

function tsv(rows: string[][]): string {
  return rows.map((r) => r.join("\t")).join("\n") + "\n";
}

const LETTERED = tsv([
  ["index", "video", "question", "candidates", "answer", "task_type", "duration", "split"],
  [
    "10",
    "clip_b",
    "What moves?",
    `"['A. a circle', 'B. a square']"`,
    "B",
    "motion",
    "short",
    "test",
  ],
  [
    "11",
    "clip_a",
    "What colour?",
    `"['A. red', 'B. blue', 'C. green']"`,
    "A",
    "color",
    "short",
    "test",
  ],
  ["12", "clip_a", "How many?", `"['A. one', 'B. two']"`, "B", "count", "short", "test"],
]);

async function withDataset(
  text: string,
  fn: (tsvPath: string, dir: string) => Promise<void>,
  clips: string[] = ["clip_a", "clip_b"],
): Promise<void> {
  const tools = await findFfmpeg();
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-video-dataset-test-" });
  try {
    for (const clip of clips) {
      const path = join(dir, "video", `${clip}.mp4`);
      await Deno.mkdir(join(path, ".."), { recursive: true });
      await makeIndexClip(tools, path, { frames: 50, gop: 10 });
    }
    const tsvPath = join(dir, "Shapes_Test.tsv");
    await Deno.writeTextFile(tsvPath, text);
    await fn(tsvPath, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("openVideoDataset() builds Video-MME-like prompts with real frames", async () => {
  await withDataset(LETTERED, async (tsvPath, dir) => {
    const ds = await openVideoDataset(tsvPath, { nframe: 4 });
    assert.equal(ds.name, "Shapes_Test_4frame_nopack");
    assert.equal(ds.shape, "lettered-mcq");
    assert.equal(ds.size, 3);
    assert.deepEqual(ds.units().map((u) => u.key), ["10", "11", "12"]);
    assert.deepEqual(ds.rows()[0].candidates, "['A. a circle', 'B. a square']");
    assert.equal(ds.question("12").answer, "B");

    const framesRoot = join(dir, "frames");
    const prompt = await ds.buildPrompt(ds.units()[1], framesRoot);
    assert.equal(prompt.length, 6);
    assert.equal(prompt[0].type, "text");
    assert.match(
      prompt[0].value,
      /Respond with only the letter \(A, B, or C\) of the correct option/,
    );
    const images = prompt.slice(1, 5);
    assert.ok(images.every((i) => i.type === "image"));
    assert.deepEqual(
      images.map((i) => i.value),
      [1, 2, 3, 4].map((n) => join(framesRoot, "Shapes_Test", "clip_a", `frame-${n}-of-4.jpg`)),
    );
    assert.deepEqual(await Promise.all(images.map((i) => readFrameIndex(i.value))), [
      10,
      20,
      30,
      40,
    ]);
    assert.deepEqual(prompt[5], {
      type: "text",
      value: "Question: What colour?\nA. red\nB. blue\nC. green\nAnswer: ",
    });
    assert.equal(ds.predictions(ds.units()[1], "A").get("11"), "A");
  });
});

Deno.test("openVideoDataset() in pack mode asks every question about a video at once", async () => {
  await withDataset(LETTERED, async (tsvPath, dir) => {
    const ds = await openVideoDataset(tsvPath, {
      fps: 5,
      maxFrames: 3,
      pack: true,
      name: "Shapes",
    });
    assert.equal(ds.name, "Shapes_5.0fps_max3_pack");
    assert.equal(ds.size, 2);
    assert.deepEqual(ds.units(), [
      { key: "clip_a", video: "clip_a", indices: ["11", "12"] },
      { key: "clip_b", video: "clip_b", indices: ["10"] },
    ]);
    const prompt = await ds.buildPrompt(ds.units()[0], join(dir, "frames"));
    assert.equal(prompt.filter((i) => i.type === "image").length, 3);
    assert.match(
      prompt[0].value,
      /one JSON object that maps the index of each question to the letter/,
    );
    assert.match(prompt[0].value, /\{"11": "A", "12": "C"\}/);
    assert.equal(
      prompt.at(-1)!.value,
      'Questions: \n{"11": "What colour?\\nA. red\\nB. blue\\nC. green", ' +
        '"12": "How many?\\nA. one\\nB. two"}\nAnswers: \n',
    );
    const good = ds.predictions(ds.units()[0], 'Sure! {"11": "A", "12": "B"}');
    assert.deepEqual([...good], [["11", "A"], ["12", "B"]]);
    const bad = ds.predictions(ds.units()[0], "A and B");
    assert.match(bad.get("11")!, /^Failed to obtain answer: PackParseError no JSON object/);
  });
});

Deno.test("openVideoDataset() turns MVBench-like options into letters and samples within the bound", async () => {
  const text = tsv([
    ["video", "question", "candidates", "answer", "prefix", "bound", "start", "end", "task_type"],
    [
      "clip_a.mp4",
      "Which?",
      `"['the dog', 'the cat', \\"it's a bird\\"]"`,
      "the cat",
      "video/sub",
      "True",
      "0.4",
      "1.6",
      "t",
    ],
    ["clip_a.mp4", "Other?", `"['yes', 'no']"`, "no", "video/sub", "False", "", "", "t"],
  ]).replaceAll('\\"', '""');
  const tools = await findFfmpeg();
  await withDataset(text, async (tsvPath, dir) => {
    await Deno.mkdir(join(dir, "video", "sub"), { recursive: true });
    await makeIndexClip(tools, join(dir, "video", "sub", "clip_a.mp4"), { frames: 50, gop: 10 });
    const ds = await openVideoDataset(tsvPath, { nframe: 3 });
    assert.equal(ds.shape, "text-mcq");
    assert.deepEqual(ds.units().map((u) => u.key), ["0", "1"]);
    const q = ds.question("0");
    assert.equal(q.answer, "B");
    assert.deepEqual(q.options, [["A", "the dog"], ["B", "the cat"], ["C", "it's a bird"]]);
    assert.deepEqual(ds.samplingFor(ds.units()[0]), {
      mode: "segments",
      nframe: 3,
      bound: [0.4, 1.6],
    });
    assert.deepEqual(ds.samplingFor(ds.units()[1]), { mode: "segments", nframe: 3 });
    const frames = await ds.framesFor(ds.units()[0], join(dir, "frames"));
    assert.deepEqual(frames.indices, [15, 25, 35]);
    assert.deepEqual(await Promise.all(frames.paths.map(readFrameIndex)), [15, 25, 35]);
    const prompt = await ds.buildPrompt(ds.units()[0], join(dir, "frames"));
    assert.deepEqual(prompt[0].role, "system");
    assert.equal(
      prompt.at(-3)!.value,
      "Question: Which?\nOptions:\n(A) the dog\n(B) the cat\n(C) it's a bird",
    );
    assert.equal(prompt.at(-2)!.value, "\nOnly give the best option.");
    assert.deepEqual(prompt.at(-1), { type: "text", value: "Best option:(", role: "assistant" });
  }, []);
});

Deno.test("openVideoDataset() reads free-form questions (MMBench-Video-like)", async () => {
  const text = tsv([
    ["index", "video", "question", "answer"],
    ["1", "clip_a", "Describe the scene.", "Grey squares."],
    ["2", "clip_a", "What changes?", "Brightness."],
  ]);
  await withDataset(text, async (tsvPath, dir) => {
    const nopack = await openVideoDataset(tsvPath);
    assert.equal(nopack.name, "Shapes_Test_8frame_nopack");
    assert.equal(nopack.shape, "open");
    const prompt = await nopack.buildPrompt(nopack.units()[0], join(dir, "frames"));
    assert.match(prompt[0].value, /You will receive 8 distinct frames/);
    assert.equal(prompt.at(-1)!.value, "Question: Describe the scene.\nAnswer: ");

    const pack = await openVideoDataset(tsvPath, { pack: true, nframe: 2 });
    const packed = await pack.buildPrompt(pack.units()[0], join(dir, "frames"));
    assert.match(packed[0].value, /maps the index of each question to your answer/);
    assert.equal(
      packed.at(-1)!.value,
      'Questions: \n{"1": "Describe the scene.", "2": "What changes?"}\nAnswers: \n',
    );
  }, ["clip_a"]);
});

Deno.test("openVideoDataset() names the line and field of a malformed row", async (t) => {
  const cases: Array<[string, string[][], RegExp]> = [
    ["no video column", [["index", "question"], ["0", "q"]], /has no "video" column/],
    ["bad candidates", [["video", "question", "candidates", "answer"], [
      "a",
      "q",
      "['A. x', oops]",
      "A",
    ]], /line 2 field "candidates" as Cannot parse/],
    [
      "letter out of range",
      [["video", "question", "candidates", "answer"], ["a", "q", "['A. x', 'B. y']", "C"]],
      /line 2 field "answer" as the answer must be one of the letters A, B: current value is "C"/,
    ],
    ["answer not a candidate", [["video", "question", "candidates", "answer"], [
      "a",
      "q",
      "['x', 'y']",
      "z",
    ]], /line 2 field "answer" as the answer must be one of the candidates/],
    [
      "escaping video name",
      [["video", "question"], ["../../etc/passwd", "q"]],
      /line 2 field "video" as Cannot use video name/,
    ],
    [
      "duplicate index",
      [["index", "video", "question"], ["1", "a", "q"], ["1", "b", "q"]],
      /line 3 field "index" as index 1 appears twice/,
    ],
  ];
  for (const [name, rows, pattern] of cases) {
    await t.step(name, async () => {
      const dir = await Deno.makeTempDir();
      try {
        await Deno.writeTextFile(join(dir, "d.tsv"), tsv(rows));
        const error = await openVideoDataset(join(dir, "d.tsv")).catch((e) => e);
        assert.ok(error instanceof DatasetFormatError, String(error));
        assert.match(error.message, pattern);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
});

Deno.test("openVideoDataset() refuses conflicting settings and reports a missing video per unit", async () => {
  await withDataset(LETTERED, async (tsvPath, dir) => {
    await assert.rejects(openVideoDataset(tsvPath, { nframe: 8, fps: 1 }), /both nframe and fps/);
    await assert.rejects(openVideoDataset(tsvPath, { maxFrames: 8 }), /without fps/);
    await assert.rejects(openVideoDataset(tsvPath, { nframe: 0 }), RangeError);
    const ds = await openVideoDataset(tsvPath, { nframe: 2 });
    const error = await ds.buildPrompt(ds.units()[0], join(dir, "frames")).catch((e) => e);
    assert.ok(error instanceof BadVideoError);
    assert.equal(error.reason, "missing-file");
    assert.match(error.message, /clip_b/);
  }, ["clip_a"]);
});
