import assert from "node:assert/strict";
import { catalogSource, findBenchmark, getBenchmark, listBenchmarks } from "./catalog.ts";
import { scorerFor } from "./config_entry.ts";
import { UnknownBenchmarkError } from "./errors.ts";

const REQUIRED = [
  "MMBench_DEV_EN",
  "MMBench_TEST_EN",
  "MMBench_DEV_CN",
  "MMBench_TEST_CN",
  "MMBench_DEV_EN_V11",
  "MMBench_TEST_EN_V11",
  "MMBench_DEV_CN_V11",
  "MMBench_TEST_CN_V11",
  "CCBench",
  "MMStar",
  "AI2D_TEST",
  "SEEDBench_IMG",
  "SEEDBench2_Plus",
  "ScienceQA_VAL",
  "ScienceQA_TEST",
  "RealWorldQA",
  "BLINK",
  "MMMU_DEV_VAL",
  "MME",
  "HallusionBench",
  "POPE",
  "AMBER",
  "TextVQA_VAL",
  "ChartQA_TEST",
  "DocVQA_VAL",
  "InfoVQA_VAL",
  "OCRBench",
  "MathVista_MINI",
  "MMVet",
  "Video-MME",
  "MVBench",
  "MMBench-Video",
];

Deno.test("listBenchmarks() holds at least 40 benchmarks with a URL and an MD5 each", () => {
  const all = listBenchmarks();
  assert.ok(all.length >= 40, `${all.length} benchmarks`);
  for (const e of all) {
    assert.match(e.url, /^https:\/\//, e.name);
    assert.match(e.md5 ?? "", /^[0-9a-f]{32}$/, e.name);
    assert.ok(["mcq", "yes_or_no", "vqa", "video"].includes(e.kind), e.name);
    if (e.kind !== "video") assert.equal(e.url.split("/").at(-1)!.endsWith(".tsv"), true, e.url);
  }
  assert.equal(new Set(all.map((e) => e.name)).size, all.length, "names are unique");
});

Deno.test("the catalog names VLMEvalKit's commit and has every benchmark the issue lists", () => {
  assert.equal(catalogSource().commit, "e8e78f05f3080fe28154f2130321f17951c3be94");
  for (const name of REQUIRED) assert.ok(findBenchmark(name), name);
  assert.equal(findBenchmark("MMBench_DEV_EN")?.md5, "b6caf1133a01c6bb705cf753bb527ed8");
  assert.equal(
    findBenchmark("MMBench_DEV_EN")?.url,
    "https://opencompass.openxlab.space/utils/benchmarks/MMBench/MMBench_DEV_EN.tsv",
  );
});

Deno.test("the catalog's scorers are VLMEvalKit's evaluate dispatch", () => {
  const scorer = (name: string) => getBenchmark(name).scorer;
  assert.equal(scorer("MMBench_DEV_EN"), "mcq_circular");
  assert.equal(scorer("MMBench_TEST_CN_V11"), "mcq_circular");
  assert.equal(scorer("CCBench"), "mcq_circular");
  assert.equal(scorer("MMStar"), "mcq");
  assert.equal(scorer("BLINK_circular"), "mcq_circular");
  assert.equal(scorer("MMMU_DEV_VAL"), "mmmu");
  assert.equal(scorer("MME"), "yes_no:mme");
  assert.equal(scorer("HallusionBench"), "yes_no:hallusion");
  assert.equal(scorer("POPE"), "yes_no:pope");
  assert.equal(scorer("AMBER"), "yes_no:amber");
  assert.equal(scorer("TextVQA_VAL"), "vqa_acc");
  assert.equal(scorer("ChartQA_TEST"), "relaxed_accuracy");
  assert.equal(scorer("DocVQA_VAL"), "anls");
  assert.equal(scorer("InfoVQA_VAL"), "anls");
  assert.equal(scorer("OCRBench"), "ocrbench");
  assert.equal(scorer("MathVista_MINI"), "mathvista");
  assert.equal(scorer("MMVet"), "mmvet");
  assert.equal(scorer("Video-MME"), "video_mcq");
  assert.equal(scorer("MVBench"), "mvbench");
  assert.equal(scorer("MMBench-Video"), "mmbench_video");
  // The TypeScript rule (used for config entries) agrees with the extractor's on every entry.
  for (const e of listBenchmarks()) assert.equal(scorerFor(e.class, e.name), e.scorer, e.name);
});

Deno.test("findBenchmark() takes VLMEvalKit's video preset spelling as an alias", () => {
  assert.equal(findBenchmark("MMBench_Video")?.name, "MMBench-Video");
  assert.equal(findBenchmark("mmstar"), undefined, "names are case-sensitive, as in VLMEvalKit");
});

Deno.test("getBenchmark() names close catalog names for an unknown one", () => {
  assert.throws(() => getBenchmark("MMStar_DEV"), (e: unknown) => {
    assert.ok(e instanceof UnknownBenchmarkError);
    assert.match(
      e.message,
      /Cannot find benchmark "MMStar_DEV" in the catalog: did you mean MMStar/,
    );
    return true;
  });
});

const VLMEVALKIT = Deno.env.get("VLMEVALKIT_SRC") ?? "/work/vlmevalkit";
const haveSource = await Deno.stat(`${VLMEVALKIT}/vlmeval/dataset/image_mcq.py`).then(
  () => true,
  () => false,
);

Deno.test({
  name: "scripts/extract_catalog.py --check: catalog.json is what VLMEvalKit's source gives",
  ignore: !haveSource,
  fn: async () => {
    const script = new URL("../../scripts/extract_catalog.py", import.meta.url).pathname;
    const out = await new Deno.Command("python3", {
      args: [script, "--vlmevalkit", VLMEVALKIT, "--check"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    assert.equal(out.code, 0, text.decode(out.stderr));
    assert.match(text.decode(out.stdout), /is up to date \(\d+ benchmarks\)/);
  },
});
