import assert from "node:assert/strict";
import { EXIT_CODES, exitCodeOf } from "@vlmeval/schema";
import {
  ConfigEntryError,
  servedModelFromConfigEntry,
  servedModelOptions,
} from "./config_entry.ts";
import { settingsRecord } from "./generation_settings.ts";

/** The key at fault of what `fn` throws, checked to be a ConfigEntryError (exit 2). */
function keyAtFault(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigEntryError, String(err));
    assert.equal(exitCodeOf(err), EXIT_CODES.usage);
    return err.key;
  }
  assert.fail("no error");
}

Deno.test("servedModelFromConfigEntry() reads a GPT4V entry of VLMEvalKit's run.py help, with OpenAIWrapper's defaults", () => {
  assert.deepEqual(
    servedModelFromConfigEntry("GPT4o_20240806_T00_HIGH", {
      class: "GPT4V",
      model: "gpt-4o-2024-08-06",
      temperature: 0,
      img_detail: "high",
    }, {}),
    {
      name: "GPT4o_20240806_T00_HIGH",
      className: "GPT4V",
      model: "gpt-4o-2024-08-06",
      baseUrl: "https://api.openai.com/v1",
      apiKeyEnv: "OPENAI_API_KEY",
      retry: 5,
      waitS: 1,
      timeoutS: 300,
      verbose: false,
      settings: { maxTokens: 2048, temperature: 0, imageDetail: "high" },
      notes: [],
    },
  );
  // gpt.py's own defaults: model, detail low.
  const bare = servedModelFromConfigEntry("G", { class: "OpenAIWrapper" }, {});
  assert.equal(bare.model, "gpt-3.5-turbo-0613");
  assert.equal(bare.settings.imageDetail, "low");
});

Deno.test("servedModelFromConfigEntry() maps every OpenAIWrapper key; unknown keys are request fields", () => {
  const entry = servedModelFromConfigEntry("Served", {
    class: "OpenAIWrapper",
    model: "served-vlm",
    api_base: "http://127.0.0.1:8000/v1/chat/completions",
    retry: 3,
    wait: 2,
    timeout: 30,
    verbose: true,
    system_prompt: "Answer briefly.",
    temperature: 0.2,
    max_tokens: 64,
    top_p: 0.9,
    seed: 7,
    img_size: 512,
    img_detail: "high",
    total_img_size: 1024,
    max_file_size: 1e6,
    stream: true,
    use_azure: false,
    fail_msg: "Failed.",
    repetition_penalty: 1.05,
    max_new_tokens: 9,
  }, {});
  assert.equal(entry.baseUrl, "http://127.0.0.1:8000/v1");
  assert.deepEqual([entry.retry, entry.waitS, entry.timeoutS, entry.verbose], [3, 2, 30, true]);
  assert.deepEqual(entry.settings, {
    maxTokens: 64,
    temperature: 0.2,
    topP: 0.9,
    seed: 7,
    systemPrompt: "Answer briefly.",
    imageDetail: "high",
    imageMaxSide: 512,
    // As VLMEvalKit's BaseAPI sends its unknown keyword arguments (OpenAIWrapper has no
    // max_new_tokens).
    extraBody: { repetition_penalty: 1.05, max_new_tokens: 9 },
  });
  assert.deepEqual(entry.notes.map((n) => n.match(/^key "(\w+)"/)![1]), [
    "stream",
    "total_img_size",
    "max_file_size",
    "fail_msg",
  ]);
  assert.deepEqual(settingsRecord(entry.model, entry.settings), {
    model: "served-vlm",
    max_tokens: 64,
    temperature: 0.2,
    top_p: 0.9,
    seed: 7,
    system_prompt: "Answer briefly.",
    img_detail: "high",
    img_size: 512,
    extra_body: { repetition_penalty: 1.05, max_new_tokens: 9 },
  });
  const options = servedModelOptions(entry, { nproc: 4 });
  assert.deepEqual(
    [options.retries, options.timeoutMs, options.backoff, options.nproc, options.name],
    [2, 30_000, { baseMs: 2000 }, 4, "Served"],
  );
});

Deno.test("servedModelFromConfigEntry() resolves api_base and the key variable as OpenAIWrapper does", () => {
  const read = (entry: Record<string, unknown>, env: Record<string, string> = {}) =>
    servedModelFromConfigEntry("M", { class: "OpenAIWrapper", ...entry }, env);
  assert.equal(
    read({}, { OPENAI_API_BASE: "http://h:1/v1/chat/completions" }).baseUrl,
    "http://h:1/v1",
  );
  assert.equal(read({}, { OPENAI_API_BASE: "" }).baseUrl, "https://api.openai.com/v1");
  assert.equal(read({ api_base: "OFFICIAL" }).baseUrl, "https://api.openai.com/v1");
  assert.equal(
    read({ api_base: "https://h/openai/deployments/d/chat/completions?api-version=1" }).baseUrl,
    "https://h/openai/deployments/d?api-version=1",
  );
  assert.equal(
    read({ model: "ernie-4.5-vl", api_base: "http://ignored/v1" }).baseUrl,
    "https://qianfan.baidubce.com/v2",
  );
  const keyEnvs: [string, string][] = [
    ["step-1v-8k", "STEPAI_API_KEY"],
    ["yi-vision", "YI_API_KEY"],
    ["internvl2-pro", "InternVL2_PRO_KEY"],
    ["abab6.5s-chat", "MiniMax_API_KEY"],
    ["moonshot-v1-8k-vision", "MOONSHOT_API_KEY"],
    ["grok-2-vision", "XAI_API_KEY"],
    ["gemini-2.5-pro-preview", "GOOGLE_API_KEY"],
    ["gemini-2.5-pro", "OPENAI_API_KEY"],
    ["ernie-4.5-vl", "BAIDU_API_KEY"],
    ["gpt-4o", "OPENAI_API_KEY"],
  ];
  for (const [model, env] of keyEnvs) assert.equal(read({ model }).apiKeyEnv, env, model);
  // generate_inner: gemini is asked without max_tokens, with reasoning_effort high.
  assert.deepEqual(read({ model: "gemini-2.5-pro", max_tokens: 99 }).settings.extraBody, {
    max_tokens: null,
    reasoning_effort: "high",
  });
  assert.deepEqual(
    read({ model: "gemini-2.5-flash", reasoning_effort: "low" }).settings.extraBody,
    { max_tokens: null, reasoning_effort: "low" },
  );
  assert.equal(keyAtFault(() => read({ api_base: "ftp://x" })), "api_base");
  assert.equal(keyAtFault(() => read({ api_base: "LOCAL" })), "api_base");
  assert.throws(
    () => read({}, { OPENAI_API_BASE: "localhost:8000" }),
    /key "api_base" .* its value from \$OPENAI_API_BASE must be an http\(s\) URL or OFFICIAL/,
  );
});

Deno.test("a key written in the entry is held apart and reaches the model through a private variable", () => {
  const secret = "sk-written-in-the-file-0123";
  const entry = servedModelFromConfigEntry("K", { class: "GPT4V", key: secret }, {});
  assert.equal(entry.apiKeyEnv, undefined);
  assert.ok(!JSON.stringify(entry).includes(secret), "the key is not in the entry");
  assert.ok(!Deno.inspect(entry, { depth: 10 }).includes(secret));
  const options = servedModelOptions(entry);
  assert.match(options.apiKeyEnv!, /^VLMEVAL_CONFIG_KEY_\d+$/);
  try {
    assert.equal(Deno.env.get(options.apiKeyEnv!), secret);
    assert.ok(!JSON.stringify(options).includes(secret));
  } finally {
    Deno.env.delete(options.apiKeyEnv!);
  }
  assert.throws(
    () => servedModelOptions({ ...entry }),
    /was not read by servedModelFromConfigEntry/,
  );
  // A key of the wrong type is refused without being shown.
  assert.throws(
    () => servedModelFromConfigEntry("K", { class: "GPT4V", key: 12345 }, {}),
    /key "key" .* must be a string .*: current value is \(hidden\)/,
  );
});

Deno.test("servedModelFromConfigEntry() reads an LMDeployAPI entry of config.py with LMDeploy's rules", () => {
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
    custom_prompt: "qwen3vl",
  }, {});
  assert.equal(entry.model, "Ministral-3-14B-Instruct-2512");
  assert.equal(entry.baseUrl, "http://0.0.0.0:8000/v1");
  assert.deepEqual([entry.retry, entry.waitS, entry.timeoutS], [6, 5, 1800]);
  assert.deepEqual(entry.settings, {
    maxTokens: 32768,
    temperature: 0.15,
    extraBody: { chat_template_kwargs: { enable_thinking: false } },
  });
  assert.deepEqual(entry.notes.map((n) => n.match(/^key "(\w+)"/)![1]), ["custom_prompt"]);
  assert.ok(!JSON.stringify(entry).includes("sk-123456"), "the key is never kept");
  // `os.environ.get('LMDEPLOY_API_KEY', key)`: the variable wins; $LMDEPLOY_API_BASE is the default.
  const fromEnv = servedModelFromConfigEntry("L", { class: "LMDeployAPI", model: "m", key: "k" }, {
    LMDEPLOY_API_KEY: "sk-env",
    LMDEPLOY_API_BASE: "http://lm:23333/v1/chat/completions",
  });
  assert.deepEqual([fromEnv.apiKeyEnv, fromEnv.baseUrl], [
    "LMDEPLOY_API_KEY",
    "http://lm:23333/v1",
  ]);
  assert.equal(fromEnv.settings.maxTokens, 16384);
  assert.equal(
    keyAtFault(() => servedModelFromConfigEntry("L", { class: "LMDeployAPI", model: "m" }, {})),
    "api_base",
  );
  assert.equal(
    keyAtFault(() => servedModelFromConfigEntry("L", { class: "LMDeployAPI" }, {})),
    "model",
  );
});

Deno.test("servedModelFromConfigEntry() names the key of what it cannot use", () => {
  const read = (entry: Record<string, unknown>) => () =>
    servedModelFromConfigEntry("x", { class: "GPT4V", ...entry }, {});
  assert.throws(
    () => servedModelFromConfigEntry("x", { class: "Qwen2VLChat", model_path: "p" }, {}),
    /key "class" of config model entry "x" as it is not one of the OpenAI-compatible classes .*: current value is "Qwen2VLChat"/,
  );
  assert.throws(
    read({ temperature: "0" }),
    /key "temperature" .* must be a number >= 0: current value is "0"/,
  );
  assert.throws(() => servedModelFromConfigEntry("x", [1], {}), /as it must be a JSON object/);
  const cases: [Record<string, unknown>, string][] = [
    [{ top_p: 3 }, "top_p"],
    [{ max_tokens: 0 }, "max_tokens"],
    [{ retry: 0 }, "retry"],
    [{ timeout: 0 }, "timeout"],
    [{ wait: -1 }, "wait"],
    [{ seed: 1.5 }, "seed"],
    [{ img_size: 0 }, "img_size"],
    [{ img_detail: "medium" }, "img_detail"],
    [{ system_prompt: 3 }, "system_prompt"],
    [{ verbose: "yes" }, "verbose"],
    [{ model: "" }, "model"],
    [{ use_azure: true }, "use_azure"],
    [{ n: 2 }, "n"],
  ];
  for (const [entry, key] of cases) {
    assert.equal(keyAtFault(read(entry)), key, JSON.stringify(entry));
  }
  // A null is a key left out (Python's None: the constructor's default).
  assert.equal(
    servedModelFromConfigEntry("x", { class: "GPT4V", max_tokens: null }, {}).settings.maxTokens,
    2048,
  );
});
