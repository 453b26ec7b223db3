import assert from "node:assert/strict";
import type { Message } from "@vlmeval/schema";
import { createShapesVlm, type ShapesVlm } from "./shapes_vlm.ts";
import {
  candidates,
  mcqMessage,
  readTsv,
  sampleFrames,
  SHAPES_MCQ_TSV,
  SHAPES_VIDEO_DIR,
  SHAPES_VIDEO_TSV,
  videoMessage,
  writeRowImages,
} from "./_shapes_testdata.ts";

let shared: Promise<ShapesVlm> | undefined;
/** One model for every test of this file (loading takes a moment). */
function model(): Promise<ShapesVlm> {
  shared ??= createShapesVlm({ backend: "wasm" });
  return shared;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shapes_vlm_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function accuracyByGroup(results: { group: string; ok: boolean }[]): Record<string, number> {
  const groups: Record<string, [number, number]> = {};
  for (const { group, ok } of results) {
    const [hit, all] = groups[group] ?? [0, 0];
    groups[group] = [hit + (ok ? 1 : 0), all + 1];
  }
  return Object.fromEntries(Object.entries(groups).map(([g, [hit, all]]) => [g, hit / all]));
}

Deno.test("the bundled Shapes benchmarks exist and parse", async () => {
  const rows = await readTsv(SHAPES_MCQ_TSV);
  assert.equal(rows.length, 300);
  const indices = new Set(rows.map((r) => r.index));
  for (const row of rows) {
    assert.match(row.answer, /^[ABCD]$/, `row ${row.index}`);
    assert.ok(row[row.answer] !== "", `row ${row.index} answer points at an empty option`);
    assert.ok(["colour", "shape", "count", "position"].includes(row.category));
    if (row.image.length <= 64) {
      assert.ok(indices.has(row.image), `row ${row.index} refers to ${row.image}`);
    }
  }
  assert.ok(rows.some((r) => r.image.length <= 64), "some rows reuse another row's image");
  assert.ok(rows.some((r) => r.hint !== ""), "some rows have a hint");

  const videoRows = await readTsv(SHAPES_VIDEO_TSV);
  assert.ok(videoRows.length >= 100);
  for (const row of videoRows) {
    assert.equal(candidates(row.candidates).length, 4, `row ${row.index}`);
    assert.match(row.answer, /^[ABCD]$/);
    assert.ok((await Deno.stat(`${SHAPES_VIDEO_DIR}/${row.video}.mp4`)).isFile);
  }
});

Deno.test("ShapesVLM answers at least 80% of Shapes_MCQ (chance is 25%)", async () => {
  const vlm = await model();
  const rows = await readTsv(SHAPES_MCQ_TSV);
  await withTempDir(async (dir) => {
    const images = await writeRowImages(rows, dir);
    const results = [];
    for (const row of rows) {
      const answer = await vlm.generate(mcqMessage(row, images.get(row.index)!), {
        dataset: "Shapes_MCQ",
        index: row.index,
      });
      results.push({ group: row.category, ok: answer === row.answer });
    }
    const overall = results.filter((r) => r.ok).length / results.length;
    console.log(`Shapes_MCQ accuracy ${overall.toFixed(4)}`, accuracyByGroup(results));
    assert.ok(overall >= 0.8, `accuracy ${overall}`);
  });
});

Deno.test("ShapesVLM answers at least 70% of Shapes_Video from 8 sampled frames", async () => {
  const vlm = await model();
  const rows = await readTsv(SHAPES_VIDEO_TSV);
  await withTempDir(async (dir) => {
    const frames = new Map<string, string[]>();
    for (const video of new Set(rows.map((r) => r.video))) {
      frames.set(
        video,
        await sampleFrames(`${SHAPES_VIDEO_DIR}/${video}.mp4`, 8, `${dir}/${video}`),
      );
    }
    const results = [];
    for (const row of rows) {
      const answer = await vlm.generate(videoMessage(row, frames.get(row.video)!), {
        dataset: "Shapes_Video",
        index: row.index,
      });
      results.push({ group: row.task_type, ok: answer === row.answer });
    }
    const overall = results.filter((r) => r.ok).length / results.length;
    console.log(`Shapes_Video accuracy ${overall.toFixed(4)}`, accuracyByGroup(results));
    assert.ok(overall >= 0.7, `accuracy ${overall}`);

    // Pack mode: every question of a clip in one prompt, answered as JSON keyed by index.
    const clip = rows.filter((r) => r.video === rows[0].video);
    const questions = Object.fromEntries(
      clip.map((r) => [r.index, `${r.question}\n${candidates(r.candidates).join("\n")}`]),
    );
    const pack: Message = [
      ...frames.get(rows[0].video)!.map((value) => ({ type: "image" as const, value })),
      { type: "text", value: `Questions: \n${JSON.stringify(questions)}\nAnswers: \n` },
    ];
    const packed = JSON.parse(
      await vlm.generate(pack, { dataset: "Shapes_Video", index: rows[0].video }),
    );
    for (const r of clip) {
      const single = await vlm.generate(videoMessage(r, frames.get(r.video)!), {
        dataset: "Shapes_Video",
        index: r.index,
      });
      assert.equal(packed[r.index], single, `question ${r.index}`);
    }
  });
});

/** Rows checked one by one: the first two count and the first two position questions. */
const KNOWN_ROWS = ["0", "2", "8", "9"];

Deno.test("ShapesVLM answers known Shapes_MCQ rows", async () => {
  const vlm = await model();
  const all = await readTsv(SHAPES_MCQ_TSV);
  const rows = all.filter((r) => KNOWN_ROWS.includes(r.index));
  assert.deepEqual(rows.map((r) => r.category), ["count", "count", "position", "position"]);
  await withTempDir(async (dir) => {
    const images = await writeRowImages(all, dir);
    for (const row of rows) {
      const answer = await vlm.generate(mcqMessage(row, images.get(row.index)!), {
        dataset: "Shapes_MCQ",
        index: row.index,
      });
      assert.equal(answer, row.answer, `row ${row.index}: ${row.question}`);
    }
  });
});

Deno.test("ShapesVLM keeps no tensors between calls", async () => {
  const vlm = await model();
  const tf = await import("@tensorflow/tfjs");
  const rows = (await readTsv(SHAPES_MCQ_TSV)).slice(0, 6);
  await withTempDir(async (dir) => {
    const images = await writeRowImages(rows, dir);
    const messages = rows.map((row) => mcqMessage(row, images.get(row.index)!));
    await vlm.generate(messages[0], { dataset: "Shapes_MCQ", index: "0" });
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      for (const message of messages) {
        await vlm.generate(message, { dataset: "Shapes_MCQ", index: "0" });
      }
    }
    assert.equal(tf.memory().numTensors, before);
  });
});

Deno.test("ShapesVLM fails with a clear error on a corrupt image or a prompt without options", async () => {
  const vlm = await model();
  await withTempDir(async (dir) => {
    const path = `${dir}/broken.png`;
    await Deno.writeFile(
      path,
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
    );
    const text = "Question: What colour is the circle?\nOptions:\nA. red\nB. blue\n";
    await assert.rejects(
      vlm.generate([{ type: "image", value: path }, { type: "text", value: text }], {
        dataset: "x",
        index: "1",
      }),
      /Cannot decode image ".*broken\.png" as PNG/,
    );
    await assert.rejects(
      vlm.generate([{ type: "image", value: path }, { type: "text", value: "Describe it." }], {
        dataset: "x",
        index: "1",
      }),
      /no option lines/,
    );
  });
});

Deno.test("ShapesVLM gives the same answers on the cpu backend as on wasm", async () => {
  const rows = (await readTsv(SHAPES_MCQ_TSV)).slice(0, 12);
  await withTempDir(async (dir) => {
    const images = await writeRowImages(rows, dir);
    const answerAll = async (vlm: ShapesVlm) => {
      const answers = [];
      for (const row of rows) {
        answers.push(
          await vlm.generate(mcqMessage(row, images.get(row.index)!), {
            dataset: "Shapes_MCQ",
            index: row.index,
          }),
        );
      }
      return answers;
    };
    const wasm = await answerAll(await model());
    const cpuModel = await createShapesVlm({ backend: "cpu" });
    try {
      assert.equal(cpuModel.backendInfo.tfBackend, "cpu");
      assert.deepEqual(await answerAll(cpuModel), wasm);
    } finally {
      cpuModel.dispose?.();
    }
  });
});
