import assert from "node:assert/strict";
import { ConfigFileError, readCatalogFile, readEvalConfig } from "./config_file.ts";

const MD5 = "0123456789abcdef0123456789abcdef";

async function withFile(content: unknown, fn: (path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_config_" });
  try {
    const path = `${dir}/run.json`;
    await Deno.writeTextFile(
      path,
      typeof content === "string" ? content : JSON.stringify(content),
    );
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Reading `config` fails with a ConfigFileError (exit 2) whose message matches `message`. */
async function refused(config: unknown, message: RegExp) {
  await withFile(config, async (path) => {
    await assert.rejects(readEvalConfig(path), (err: unknown) => {
      assert.ok(err instanceof ConfigFileError, String(err));
      assert.equal(err.exitCode, 2);
      assert.ok(err.message.includes(path), `names the file: ${err.message}`);
      assert.match(err.message, message);
      return true;
    });
  });
}

const GPT = { class: "GPT4V", model: "gpt-4o-2024-08-06", temperature: 0 };

Deno.test("readEvalConfig() reads VLMEvalKit's model and data sections, keys in file order", async () => {
  const config = {
    model: { GPT4o: GPT, ShapesVLM: {} },
    data: {
      MyMMB: { class: "ImageMCQDataset", dataset: "MMBench_DEV_EN" },
      Lab: { class: "ImageVQADataset", url: "https://lab.example/Lab.tsv", md5: MD5 },
      "Video-MME_16frame_custom": { class: "VideoMME", dataset: "Video-MME", nframe: 16 },
      MMBench_Video_8frame_nopack: {},
    },
  };
  await withFile(config, async (path) => {
    const read = await readEvalConfig(path);
    assert.deepEqual(read.models, ["GPT4o", "ShapesVLM"]);
    assert.deepEqual(read.data, Object.keys(config.data));
    assert.equal(read.isApiModel("GPT4o"), true);
    assert.equal(read.isApiModel("ShapesVLM"), false);
    const mmb = read.benchmarks.get("MyMMB")!;
    assert.deepEqual([mmb.entry.name, mmb.entry.scorer, mmb.name], [
      "MMBench_DEV_EN",
      "mcq_circular",
      "MyMMB",
    ]);
    const lab = read.benchmarks.get("Lab")!;
    assert.deepEqual([lab.entry.url, lab.entry.md5, lab.entry.scorer], [
      "https://lab.example/Lab.tsv",
      MD5,
      "vqa_acc",
    ]);
    const video = read.benchmarks.get("Video-MME_16frame_custom")!;
    assert.deepEqual([video.entry.name, video.data, video.name], [
      "Video-MME",
      "Video-MME_16frame",
      "Video-MME_16frame_custom",
    ]);
    assert.equal(read.benchmarks.has("MMBench_Video_8frame_nopack"), false, "{}: --data as is");
  });
});

Deno.test("readEvalConfig() names the file and key of what it cannot use", async () => {
  const data = { MMStar: { class: "ImageMCQDataset", dataset: "MMStar" } };
  await refused("{not json", /is not JSON/);
  await refused(
    { model: { m: {} }, data, judge: {} },
    /key "judge" .* holds only "model" and "data"/,
  );
  await refused({ model: {}, data }, /"model" must be an object with at least one entry/);
  await refused(
    { model: { Q: { class: "Qwen2VLChat", model_path: "Qwen/Qwen2-VL-2B-Instruct" } }, data },
    /key "class" of model "Q" .* not a class vlmeval builds: OpenAIWrapper, GPT4V, .*SmolVLM, SmolVLM2, PaliGemma \(in-process\).*: current value is "Qwen2VLChat"/,
  );
  await refused(
    { model: { G: { ...GPT, img_detail: "medium" } }, data },
    /key "img_detail" of model "G" of .* must be one of low, high, auto: current value is "medium"/,
  );
  await refused(
    { model: { G: { ...GPT, top_p: 3 } }, data },
    /key "top_p" of model "G" of .* in \(0, 1\]: current value is 3/,
  );
  await refused({ model: { G: { ...GPT, max_tokens: 0 } }, data }, /"max_tokens" .* >= 1/);
  await refused(
    { model: { S: { class: "SmolVLM", max_new_tokens: 8 } }, data },
    /key "model_path" of model "S" of .* repository id or a model folder: current value is null/,
  );
  await refused(
    { model: { GPT4o_20241120: {} }, data },
    /without "class" names a built-in model or a VLMEvalKit model name run in-process \(ShapesVLM, .*SmolVLM-256M.*supported_VLM names/,
  );
  await refused({ model: { G: { ...GPT, use_azure: true } }, data }, /Azure/);
  await refused(
    { model: { G: { ...GPT, api_base: "ftp://x" } }, data },
    /key "api_base" of model "G" of .* must be an http\(s\) URL or OFFICIAL: current value is "ftp:\/\/x"/,
  );
  await refused({ model: { "../G": GPT }, data }, /model entry "..\/G" .* plain file name/);
  const model = { G: GPT };
  await refused(
    { model, data: { X: { class: "MMERealWorld", dataset: "MME-RealWorld-Lite" } } },
    /key "class" of data "X" .* is not one vlmeval scores/,
  );
  await refused(
    { model, data: { MMStar: { class: "ImageMCQDataset", nframe: 8 } } },
    /key "nframe" of data "MMStar" .* not a setting of ImageMCQDataset/,
  );
  await refused(
    { model, data: { MMStar: { class: "ImageVQADataset" } } },
    /key "class" of data "MMStar" .* the catalog's MMStar is a ImageMCQDataset/,
  );
  await refused(
    { model, data: { Lab: { class: "ImageVQADataset" } } },
    /config data entry "Lab" as its url is needed/,
  );
  await refused(
    { model, data: { V: { class: "VideoMME", nframe: 8, fps: 1 } } },
    /key "fps" of data "V" .* cannot be set together/,
  );
  await refused(
    { model, data: { V: { class: "VideoMME", nframe: 8, use_subtitle: true } } },
    /key "use_subtitle" .* subtitles are not supported/,
  );
});

Deno.test("readEvalConfig() maps served entries through servedModelFromConfigEntry and keeps in-process ones", async () => {
  const config = {
    model: {
      Served: {
        class: "OpenAIWrapper",
        model: "served-vlm",
        api_base: "http://127.0.0.1:9/v1/chat/completions",
        system_prompt: "Be brief.",
        img_detail: "high",
        img_size: 256,
        top_p: 0.5,
        stream: true,
        top_k: 20,
      },
      MySmol: { class: "SmolVLM", model_path: "HuggingFaceTB/SmolVLM-256M-Instruct" },
      "SmolVLM-256M": {},
    },
    data: { MMStar: {} },
  };
  await withFile(config, async (path) => {
    const read = await readEvalConfig(path, {});
    assert.deepEqual(read.models, ["Served", "MySmol", "SmolVLM-256M"]);
    assert.deepEqual(read.models.map((m) => read.isApiModel(m)), [true, false, false]);
    // The entry's own settings are recorded for resume, VLMEvalKit's defaults filled in.
    assert.deepEqual(read.settingsFor("Served"), {
      model: "served-vlm",
      max_tokens: 2048,
      temperature: 0,
      top_p: 0.5,
      system_prompt: "Be brief.",
      img_detail: "high",
      img_size: 256,
      extra_body: { top_k: 20 },
    });
    assert.equal(read.settingsFor("MySmol"), undefined);
    assert.deepEqual(read.notes, [
      `model "Served" of ${path}: key "stream" has no effect: answers are read whole`,
    ]);
  });
});

Deno.test("readCatalogFile() reads benchmarks by name, another copy of a catalog one included", async () => {
  const file = {
    MMBench_DEV_EN: { md5: MD5 },
    LabOCR: { class: "OCRBench", url: "https://lab.example/ocr.tsv", md5: MD5 },
  };
  await withFile(file, async (path) => {
    const read = await readCatalogFile(path);
    const mmb = read.get("MMBench_DEV_EN")!.entry;
    assert.equal(mmb.md5, MD5);
    assert.match(mmb.url, /\/utils\/benchmarks\/MMBench\/MMBench_DEV_EN\.tsv$/);
    assert.equal(read.get("LabOCR")!.entry.scorer, "ocrbench");
  });
  await withFile({ X: { class: "OCRBench", url: "https://x/y.tsv", nframe: 1 } }, async (path) => {
    await assert.rejects(
      readCatalogFile(path),
      /key "nframe" of catalog entry "X" of .* takes class, url and md5/,
    );
  });
});
