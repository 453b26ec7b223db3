import assert from "node:assert/strict";
import { DEFAULTS, EVAL_HELP, parseEvalArgs, UsageError } from "./args.ts";

Deno.test("parseEvalArgs() with no arguments runs the embedded default", () => {
  const args = parseEvalArgs([], {});
  assert.equal(args.isDefault, true);
  assert.deepEqual(args.models, ["ShapesVLM"]);
  assert.equal(args.judge, "exact_matching");
  assert.equal(args.splitThink, false);
});

Deno.test("parseEvalArgs() reads SKIP_ERR only as 1 and SPLIT_THINK as any non-empty value", () => {
  assert.equal(parseEvalArgs([], { SKIP_ERR: "1" }).skipErr, true);
  assert.equal(parseEvalArgs([], { SKIP_ERR: "true" }).skipErr, false);
  assert.equal(parseEvalArgs([], { SPLIT_THINK: "0" }).splitThink, true);
  assert.equal(parseEvalArgs([], { SPLIT_THINK: "" }).splitThink, false);
});

Deno.test("parseEvalArgs() gives the judge the model's key when it shares the model's endpoint", () => {
  const served = ["--model", "m", "--base-url", "http://127.0.0.1:1/v1", "--judge", "j"];
  assert.equal(parseEvalArgs([...served, "--api-key-env", "MY_KEY"], {}).judgeKeyEnv, "MY_KEY");
  assert.equal(parseEvalArgs(served, {}).judgeKeyEnv, "OPENAI_API_KEY");
  const own = [...served, "--api-key-env", "MY_KEY", "--judge-base-url", "http://127.0.0.1:2/v1"];
  assert.equal(parseEvalArgs(own, {}).judgeKeyEnv, "OPENAI_API_KEY");
  assert.equal(parseEvalArgs([...own, "--judge-key-env", "J_KEY"], {}).judgeKeyEnv, "J_KEY");
});

Deno.test("parseEvalArgs() refuses a judge without an endpoint, naming the flags", () => {
  assert.throws(
    () => parseEvalArgs(["--model", "ConstantAnswer", "--judge", "gpt-4o-mini"], {}),
    (err: Error) => err instanceof UsageError && /--judge-base-url/.test(err.message),
  );
  const inferOnly = ["--model", "ConstantAnswer", "--judge", "gpt-4o-mini", "--mode", "infer"];
  assert.equal(parseEvalArgs(inferOnly, {}).judge, "gpt-4o-mini");
});

Deno.test("parseEvalArgs() uses the defaults --help names, from one table", () => {
  const args = parseEvalArgs(["--model", "M", "--data", "D"], {});
  assert.deepEqual(
    {
      workDir: args.workDir,
      mode: args.mode,
      format: args.format,
      evalFormat: args.evalFormat,
      rankTimeoutS: args.rankTimeoutS,
      maxRestarts: args.maxRestarts,
      backend: args.backend,
      apiKeyEnv: args.apiKeyEnv,
      apiNproc: args.apiNproc,
      retry: args.retry,
      timeoutS: args.timeoutS,
      judge: args.judge,
      judgeNproc: args.judgeNproc,
      emptyCache: args.emptyCache,
      failOnError: "0.1",
      maxTokens: args.generation.maxTokens,
      temperature: args.generation.temperature,
    },
    DEFAULTS,
  );
  assert.deepEqual(args.failurePolicy, { limit: { fraction: 0.1 }, identicalInARow: 5 });
  assert.match(EVAL_HELP, /--retry N +API retries \(default 6\)/);
  assert.match(EVAL_HELP, /--rank-timeout S .*\(default \$DIST_TIMEOUT or 3600\)/);
});

Deno.test("parseEvalArgs() reads cells as pandas does unless --literal-cells is given", () => {
  assert.equal(parseEvalArgs([], {}).literalCells, false);
  assert.equal(parseEvalArgs(["--literal-cells"], {}).literalCells, true);
  assert.throws(() => parseEvalArgs(["--literal-cells=yes"], {}), UsageError);
});

Deno.test("parseEvalArgs() reads --fail-on-error as a fraction, a count or never, and it implies --skip-err", () => {
  const base = ["--model", "M", "--data", "D"];
  assert.equal(parseEvalArgs(base, {}).skipErr, false);
  const fraction = parseEvalArgs([...base, "--fail-on-error", "0.25"], {});
  assert.deepEqual(fraction.failurePolicy, { limit: { fraction: 0.25 }, identicalInARow: 5 });
  assert.equal(fraction.skipErr, true, "a tolerance given on the command line records failures");
  assert.deepEqual(parseEvalArgs([...base, "--fail-on-error", "3"], {}).failurePolicy, {
    limit: { count: 3 },
    identicalInARow: 5,
  });
  assert.deepEqual(parseEvalArgs([...base, "--fail-on-error", "never"], {}).failurePolicy, {});
  for (const bad of ["0", "1.5", "-1", "ten", "10%"]) {
    assert.throws(
      () => parseEvalArgs([...base, "--fail-on-error", bad], {}),
      (err: Error) => err instanceof UsageError && err.message.includes("--fail-on-error"),
      bad,
    );
  }
});

Deno.test("parseEvalArgs() reads the generation flags and refuses bad values, naming the flag", () => {
  const args = parseEvalArgs([
    "--model",
    "Qwen/Qwen2-VL-7B-Instruct",
    "--max-tokens",
    "512",
    "--temperature",
    "0.7",
    "--top-p",
    "0.8",
    "--seed",
    "42",
    "--system-prompt",
    "Answer briefly.",
    "--img-detail",
    "high",
    "--img-size",
    "768",
    "--extra-body",
    '{"chat_template_kwargs": {"enable_thinking": false}}',
  ], {});
  assert.deepEqual(args.generation, {
    maxTokens: 512,
    temperature: 0.7,
    topP: 0.8,
    seed: 42,
    systemPrompt: "Answer briefly.",
    imageDetail: "high",
    imageMaxSide: 768,
    extraBody: { chat_template_kwargs: { enable_thinking: false } },
  });
  const bad: [string, string, RegExp][] = [
    ["--max-tokens", "0", /--max-tokens as it must be an integer >= 1/],
    ["--temperature=-1", "", /--temperature as it must be a number >= 0/],
    ["--top-p", "1.5", /--top-p as it must be a number in \(0, 1\]/],
    ["--seed", "1.5", /--seed as it must be an integer/],
    ["--img-detail", "medium", /--img-detail "medium" as it is not one of low, high, auto/],
    ["--img-size", "0", /--img-size as it must be an integer >= 1/],
    ["--extra-body", "{oops", /--extra-body as it is not JSON/],
    ["--extra-body", "[1]", /--extra-body as it must be a JSON object/],
    ["--extra-body", '{"model": "x"}', /extra request field 'model' as vlmeval sets it itself/],
  ];
  for (const [flag, value, message] of bad) {
    assert.throws(
      () => parseEvalArgs(["--model", "M", flag, ...(value ? [value] : [])], {}),
      (err: Error) => err instanceof UsageError && message.test(err.message),
      `${flag} ${value}`,
    );
  }
  assert.equal(parseEvalArgs(["--img-size=-1"], {}).generation.imageMaxSide, undefined);
});

Deno.test("parseEvalArgs() takes --model-name for one model only, as a safe folder name", () => {
  const one = parseEvalArgs(
    ["--model", "Qwen/Qwen2-VL-7B-Instruct", "--model-name", "qwen2vl"],
    {},
  );
  assert.equal(one.modelName, "qwen2vl");
  for (const bad of ["a/b", "..", ".", "x y", ""]) {
    assert.throws(() => parseEvalArgs(["--model", "M", "--model-name", bad], {}), UsageError, bad);
  }
  assert.throws(
    () => parseEvalArgs(["--model", "A", "B", "--model-name", "x"], {}),
    /Cannot use --model-name with 2 models/,
  );
  assert.equal(parseEvalArgs(["--limit", "5"], {}).limit, 5);
  assert.throws(() => parseEvalArgs(["--limit", "0"], {}), UsageError);
});
Deno.test("parseEvalArgs() takes --config alone: the file names the models and benchmarks", () => {
  const args = parseEvalArgs(["--config", "run.json"], {});
  assert.equal(args.config, "run.json");
  assert.deepEqual([args.models, args.data, args.isDefault], [[], [], false]);
  for (const extra of [["--model", "m"], ["--data", "MMStar"]]) {
    assert.throws(
      () => parseEvalArgs(["--config", "run.json", ...extra], {}),
      (err: unknown) =>
        err instanceof UsageError &&
        /Cannot combine --config with --model or --data/.test(err.message),
    );
  }
  assert.throws(
    () => parseEvalArgs(["--config", "run.json", "--model-name", "x"], {}),
    /Cannot combine --config with --model-name/,
  );
});

Deno.test("parseEvalArgs() gives MathVista and MMVet a default judge only at a judge endpoint", () => {
  const model = ["--model", "m", "--base-url", "http://127.0.0.1:1/v1"];
  assert.equal(parseEvalArgs(model, {}).familyJudgeBaseUrl, undefined, "never the model's own");
  assert.equal(
    parseEvalArgs(model, { OPENAI_API_BASE: "http://127.0.0.1:2/v1" }).familyJudgeBaseUrl,
    "http://127.0.0.1:2/v1",
  );
  const judged = [...model, "--judge-base-url", "http://127.0.0.1:3/v1"];
  assert.equal(parseEvalArgs(judged, {}).familyJudgeBaseUrl, "http://127.0.0.1:3/v1");
  assert.equal(
    parseEvalArgs([...judged, "--judge", "exact_matching"], {}).familyJudgeBaseUrl,
    undefined,
    "--judge names every family's judge, exact_matching none",
  );
});
