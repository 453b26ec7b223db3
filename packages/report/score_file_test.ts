import assert from "node:assert/strict";
import { writeCsv, writeScoreFile } from "./score_file.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_report_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ACC = {
  columns: ["split", "Overall", "AR", "CP"],
  rows: [["dev", 0.7328571428571429, 0.65, 1], ["test", NaN, Infinity, null]],
};

Deno.test("writeCsv() writes every field quoted, like VLMEvalKit's _acc.csv", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D_acc.csv`;
    await writeCsv(path, ACC);
    assert.equal(
      await Deno.readTextFile(path),
      '"split","Overall","AR","CP"\n' +
        '"dev","0.7328571428571429","0.65","1"\n' +
        '"test","","inf",""\n',
    );
  });
});

Deno.test("writeCsv() neutralises formula-like text but not numbers", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/s.csv`;
    await writeCsv(path, {
      columns: ["category", "acc"],
      rows: [['=cmd|"x"', -0.5], ["-", "-0.25"]],
    });
    assert.equal(
      await Deno.readTextFile(path),
      '"category","acc"\n"\'=cmd|""x""","-0.5"\n"\'-","-0.25"\n',
    );
  });
});

Deno.test("writeScoreFile() writes json records when EVAL_FORMAT is json", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/M_D_acc.json`;
    await writeScoreFile(path, ACC);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), [
      { split: "dev", Overall: 0.7328571428571429, AR: 0.65, CP: 1 },
      { split: "test", Overall: null, AR: null, CP: null },
    ]);
    await writeScoreFile(`${dir}/named.csv`, ACC, "json");
    assert.equal((await Deno.readTextFile(`${dir}/named.csv`)).slice(0, 1), "[");
    await writeScoreFile(`${dir}/M_D_acc.csv`, ACC);
    assert.match(await Deno.readTextFile(`${dir}/M_D_acc.csv`), /^"split"/);
  });
});

Deno.test("writeCsv() rejects ragged rows before touching the disk", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/bad.csv`;
    await assert.rejects(() => writeCsv(path, { columns: ["a", "b"], rows: [["x", 1], ["y"]] }), {
      name: "RangeError",
      message: `Cannot write scores to ${path} as row 2 has 1 cells: expected 2 (a, b)`,
    });
    await assert.rejects(() => writeCsv(path, { columns: [], rows: [] }), /column list is empty/);
    await assert.rejects(() => writeScoreFile(`${dir}/bad.xlsx`, ACC), /must be \.csv or \.json/);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});
