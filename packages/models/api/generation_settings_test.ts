import assert from "node:assert/strict";
import {
  checkGenerationSettings,
  requestFields,
  settingsRecord,
  takesMaxCompletionTokens,
} from "./generation_settings.ts";

Deno.test("requestFields() sends the settings, then extra fields that win or remove", () => {
  const settings = checkGenerationSettings({
    maxTokens: 64,
    temperature: 0.2,
    topP: 0.9,
    seed: 7,
    extraBody: { chat_template_kwargs: { enable_thinking: false }, top_p: 0.5, seed: null },
  });
  assert.deepEqual(requestFields("Qwen/Qwen2.5-VL-7B-Instruct", settings), {
    max_tokens: 64,
    temperature: 0.2,
    top_p: 0.5,
    chat_template_kwargs: { enable_thinking: false },
  });
  assert.equal(requestFields("m", settings, 1.5).temperature, 1.5, "a call's own temperature");
  assert.deepEqual(requestFields("m", checkGenerationSettings({})), {
    max_tokens: 2048,
    temperature: 0,
  });
});

Deno.test("requestFields() asks OpenAI reasoning models as VLMEvalKit does", () => {
  assert.ok(takesMaxCompletionTokens("o3-2025-04-16"));
  assert.ok(takesMaxCompletionTokens("gpt-5-mini"));
  assert.ok(!takesMaxCompletionTokens("gpt-4o-2024-08-06"));
  assert.ok(!takesMaxCompletionTokens("Qwen/Qwen2-VL-7B-Instruct"));
  assert.deepEqual(requestFields("o4-mini", checkGenerationSettings({ maxTokens: 100 })), {
    max_completion_tokens: 100,
  });
});

Deno.test("checkGenerationSettings() refuses values out of range and vlmeval's own fields", () => {
  assert.throws(() => checkGenerationSettings({ maxTokens: 1.5 }), RangeError);
  assert.throws(() => checkGenerationSettings({ temperature: -0.1 }), RangeError);
  assert.throws(() => checkGenerationSettings({ topP: 1.2 }), RangeError);
  assert.throws(() => checkGenerationSettings({ seed: 0.5 }), RangeError);
  assert.throws(() => checkGenerationSettings({ imageMaxSide: 0 }), RangeError);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => checkGenerationSettings({ imageDetail: "medium" as any }),
    /Cannot use image detail "medium" as it is not one of low, high, auto/,
  );
  for (const key of ["model", "messages", "stream", "n"]) {
    assert.throws(() => checkGenerationSettings({ extraBody: { [key]: 1 } }), TypeError, key);
  }
});

Deno.test("settingsRecord() keeps what shapes answers, under VLMEvalKit's names", () => {
  assert.deepEqual(settingsRecord("m", {}), { model: "m", max_tokens: 2048, temperature: 0 });
  assert.deepEqual(
    settingsRecord("m", {
      maxTokens: 16,
      temperature: 1,
      topP: 0.5,
      seed: 3,
      systemPrompt: "Be brief.",
      imageDetail: "low",
      imageMaxSide: 512,
      extraBody: { top_k: 20 },
    }),
    {
      model: "m",
      max_tokens: 16,
      temperature: 1,
      top_p: 0.5,
      seed: 3,
      system_prompt: "Be brief.",
      img_detail: "low",
      img_size: 512,
      extra_body: { top_k: 20 },
    },
  );
});
