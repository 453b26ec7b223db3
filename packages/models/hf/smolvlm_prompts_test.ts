import assert from "node:assert/strict";
import { join } from "node:path";
import type { Message } from "@vlmeval/schema";
import { pyStrip, PythonValueError } from "./_python_text.ts";
import {
  buildSmolVlmPrompt,
  smolVlm2Resolution,
  type SmolVlmWrapper,
  wrapperDatasetName,
} from "./smolvlm_prompts.ts";
import { HF_TESTDATA } from "./_testdata.ts";
import { buildPaliGemmaPrompt } from "./paligemma.ts";

interface PromptCase {
  family: "smolvlm" | "smolvlm2" | "paligemma";
  dataset: string;
  message_name: string;
  message: Message;
  expected: {
    prompt?: string;
    images?: number;
    image?: string;
    error?: string;
    video?: { size: { longest_edge: number }; do_image_splitting: boolean };
  };
}

const CASES: PromptCase[] = JSON.parse(
  Deno.readTextFileSync(join(HF_TESTDATA, "prompts.json")),
);

Deno.test("prompts equal VLMEvalKit's SmolVLM and SmolVLM2 wrappers byte for byte, every branch", () => {
  assert.ok(CASES.length > 200, "prompts.json holds the wrapper's prompts");
  const branches = new Set<string>();
  for (const c of CASES) {
    if (c.family === "paligemma") continue;
    const wrapper: SmolVlmWrapper = c.family === "smolvlm" ? "SmolVLM" : "SmolVLM2";
    const message = c.message.map((m) =>
      m.type === "image" ? { ...m, value: join(HF_TESTDATA, m.value) } : m
    );
    const what = `${wrapper} ${c.dataset} ${c.message_name}`;
    if (c.expected.error) {
      assert.throws(() => buildSmolVlmPrompt(wrapper, message, c.dataset), PythonValueError, what);
      continue;
    }
    const got = buildSmolVlmPrompt(wrapper, message, c.dataset, {
      resolution: smolVlm2Resolution("HuggingFaceTB/SmolVLM2-256M-Video-Instruct"),
    });
    branches.add(got.branch);
    assert.equal(got.prompt, c.expected.prompt, what);
    assert.equal(got.images.length, c.expected.images, what);
    // The images go to the processor in message order.
    assert.deepEqual(
      got.images,
      message.filter((m) => m.type === "image").map((m) => m.value).slice(0, got.images.length),
      what,
    );
    if (c.expected.video) {
      assert.equal(got.video?.longestEdge, c.expected.video.size.longest_edge, what);
      assert.equal(c.expected.video.do_image_splitting, false);
    } else {
      assert.equal(got.video, undefined, what);
    }
  }
  for (
    const b of [
      "default",
      "default+brief",
      "default+yesno",
      "puremcq",
      "mmbench",
      "mmmu",
      "mathvista",
      "chartqa",
      "docvqa",
      "textvqa",
      "video",
    ]
  ) {
    assert.ok(branches.has(b), `no case reached the ${b} branch`);
  }
});

Deno.test("PaliGemma's prompt equals VLMEvalKit's message_to_promptimg: texts joined, first image", () => {
  const cases = CASES.filter((c) => c.family === "paligemma");
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    const message = c.message.map((m) =>
      m.type === "image" ? { ...m, value: join(HF_TESTDATA, m.value) } : m
    );
    const what = `PaliGemma ${c.dataset} ${c.message_name}`;
    if (c.expected.error) {
      assert.throws(() => buildPaliGemmaPrompt(message, c.dataset), /BLINK/, what);
      continue;
    }
    const got = buildPaliGemmaPrompt(message, c.dataset);
    assert.equal(got.prompt, c.expected.prompt, what);
    assert.deepEqual(got.images, [join(HF_TESTDATA, c.expected.image!)], what);
  }
  assert.throws(
    () => buildPaliGemmaPrompt([{ type: "text", value: "Q" }], "MME"),
    /without an image/,
  );
});

Deno.test("video dataset names lose our frame-setting suffix, as VLMEvalKit passes dataset_name", () => {
  assert.equal(wrapperDatasetName("Video-MME_8frame_nopack"), "Video-MME");
  assert.equal(wrapperDatasetName("MVBench_1fps_pack"), "MVBench");
  assert.equal(wrapperDatasetName("MLVU_0.5fps_max64_nopack"), "MLVU");
  assert.equal(wrapperDatasetName("Video-MME_16frame"), "Video-MME");
  assert.equal(wrapperDatasetName("MMBench_DEV_EN"), "MMBench_DEV_EN");
  assert.equal(smolVlm2Resolution("HuggingFaceTB/SmolVLM2-2.2B-Instruct"), 384);
  assert.equal(smolVlm2Resolution("/models/mine"), 512);
});

Deno.test("long frame runs are thinned to 64 with numpy's linspace timestamps", () => {
  const frames: Message = Array.from({ length: 130 }, (_, i) => ({
    type: "image" as const,
    value: `/f/${i}.png`,
  }));
  const got = buildSmolVlmPrompt("SmolVLM2", [...frames, { type: "text", value: "Q" }], "MLVU");
  assert.equal(got.images.length, 64);
  assert.equal(got.images[0], "/f/0.png");
  assert.equal(got.images[1], "/f/2.png"); // int(1 * 129 / 63) = 2
  assert.equal(got.images[63], "/f/129.png");
  assert.ok(got.prompt.includes("Frame from 02:09: <image>"));
});

Deno.test("pyStrip strips what Python's str.strip() strips, and not the BOM", () => {
  assert.equal(pyStrip("\x1c\x85 a b\u3000\n"), "a b");
  assert.equal(pyStrip("\ufeffa\ufeff"), "\ufeffa\ufeff");
  assert.equal(pyStrip(" \t "), "");
});
