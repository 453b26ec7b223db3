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
    },
    DEFAULTS,
  );
  assert.match(EVAL_HELP, /--retry N +API retries \(default 6\)/);
  assert.match(EVAL_HELP, /--rank-timeout S .*\(default \$DIST_TIMEOUT or 3600\)/);
});

Deno.test("parseEvalArgs() reads cells as pandas does unless --literal-cells is given", () => {
  assert.equal(parseEvalArgs([], {}).literalCells, false);
  assert.equal(parseEvalArgs(["--literal-cells"], {}).literalCells, true);
  assert.throws(() => parseEvalArgs(["--literal-cells=yes"], {}), UsageError);
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
