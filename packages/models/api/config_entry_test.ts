import assert from "node:assert/strict";
import { servedModelFromConfigEntry } from "./config_entry.ts";

Deno.test("servedModelFromConfigEntry() reads a GPT4V entry of VLMEvalKit's run.py help", () => {
  assert.deepEqual(
    servedModelFromConfigEntry("GPT4o_20240806_T00_HIGH", {
      class: "GPT4V",
      model: "gpt-4o-2024-08-06",
      temperature: 0,
      img_detail: "high",
    }),
    {
      name: "GPT4o_20240806_T00_HIGH",
      model: "gpt-4o-2024-08-06",
      baseUrl: undefined,
      retry: undefined,
      timeoutS: undefined,
      settings: { temperature: 0, imageDetail: "high" },
      notes: [],
    },
  );
});

Deno.test("servedModelFromConfigEntry() reads an LMDeployAPI entry of config.py", () => {
  const entry = servedModelFromConfigEntry("Ministral-3-14B-Instruct-2512_api", {
    class: "LMDeployAPI",
    api_base: "http://0.0.0.0:8000/v1/chat/completions",
    model: "Ministral-3-14B-Instruct-2512",
    temperature: 0.15,
    max_new_tokens: 32768,
    retry: 6,
    timeout: 1800,
    img_size: -1,
    chat_template_kwargs: { enable_thinking: false },
    key: "sk-123456",
    verbose: true,
  });
  assert.equal(entry.model, "Ministral-3-14B-Instruct-2512");
  assert.equal(entry.baseUrl, "http://0.0.0.0:8000/v1/chat/completions");
  assert.equal(entry.retry, 6);
  assert.equal(entry.timeoutS, 1800);
  assert.deepEqual(entry.settings, {
    maxTokens: 32768,
    temperature: 0.15,
    extraBody: { chat_template_kwargs: { enable_thinking: false } },
  });
  assert.deepEqual(entry.notes.map((n) => n.match(/'(\w+)'/)![1]), ["verbose", "key"]);
  assert.ok(!JSON.stringify(entry).includes("sk-123456"), "the key is never kept");
});

Deno.test("servedModelFromConfigEntry() refuses other classes and wrong types", () => {
  assert.throws(
    () => servedModelFromConfigEntry("x", { class: "Qwen2VLChat", model_path: "p" }),
    /class Qwen2VLChat is not one of the OpenAI-compatible classes/,
  );
  assert.throws(
    () => servedModelFromConfigEntry("x", { temperature: "0" }),
    /'temperature' must be a number: current value is "0"/,
  );
  assert.throws(() => servedModelFromConfigEntry("x", [1]), TypeError);
  assert.throws(() => servedModelFromConfigEntry("x", { top_p: 3 }), RangeError);
  assert.equal(servedModelFromConfigEntry("GPT4o_20241120", {}).model, "GPT4o_20241120");
});
