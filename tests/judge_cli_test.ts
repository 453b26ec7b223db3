/**
 * End-to-end: `--judge` through the real CLI. The model under test is a served model (loopback,
 * vLLM-shaped replies) whose answers are often free text no heuristic can place; the judge is a
 * second loopback server that reads VLMEvalKit's judge prompt and answers a letter. Checked:
 * the accuracy, the per-row methods and logs in `<stem>_<judge>_result.xlsx`, the judge cache
 * (a rerun with `--mode eval` asks nothing), and the loud failure of a judge that does not work.
 */
import assert from "node:assert/strict";
import { readPredictions } from "@vlmeval/report";
import { predictionPath, runProcess, writeMcqTsv } from "./helpers/distributed_cli.ts";
import {
  isCheckRequest,
  type ReceivedRequest,
  startLoopbackVllmServer,
  vllmChatCompletion,
} from "@vlmeval/models/testing";
import { tempDirRunner } from "./helpers/temp_dir.ts";

/** What the model under test says to row i of `writeMcqTsv` (right: circle, square, triangle, star in turn). */
const MODEL_ANSWERS = [
  "A", // option
  "It has four equal sides", // judge: square = B, right
  "Three corners, I believe", // judge: triangle = C, right
  "It is round", // judge: circle = A, wrong (answer D)
  "no clue whatsoever", // the judge cannot place it: judge-failed
  "square", // text
  "C", // option
  "five points", // judge: star = D, right (its first judge request fails with HTTP 500)
];

function promptText(req: ReceivedRequest): { model: string; text: string } {
  const body = JSON.parse(req.body);
  const parts: { type: string; text?: string }[] = body.messages[0].content;
  return {
    model: body.model,
    text: parts.filter((p) => p.type === "text").map((p) => p.text).join(""),
  };
}

function startModel() {
  return startLoopbackVllmServer((req) => {
    if (isCheckRequest(req)) return { body: vllmChatCompletion("Hi") };
    const i = Number(promptText(req).text.match(/Question (\d+):/)![1]);
    return { body: vllmChatCompletion(MODEL_ANSWERS[i]) };
  });
}

/** A judge that matches descriptions to the option texts listed in the prompt. */
function startJudge(opts: { failFirstOn?: string } = {}) {
  const described: Record<string, string> = {
    "It has four equal sides": "square",
    "Three corners, I believe": "triangle",
    "It is round": "circle",
    "five points": "star",
  };
  let failed = false;
  return startLoopbackVllmServer((req) => {
    const { text } = promptText(req);
    if (text === "hello") return { body: vllmChatCompletion("Hello! How can I help?") };
    const answer = text.match(/\nAnswer: (.*)\nYour output: $/)![1];
    if (answer === opts.failFirstOn && !failed) {
      failed = true;
      return { status: 500, body: { error: "overloaded" } };
    }
    const shape = described[answer];
    if (!shape) return { body: vllmChatCompletion("I cannot tell") };
    const letter = text.match(new RegExp(`\\n([A-D])\\. ${shape}\\n`))![1];
    return { body: vllmChatCompletion(letter) };
  });
}

const withTemp = tempDirRunner("vlmeval-judge-");

Deno.test("--judge asks the judge about unplaced answers, caches them, reruns ask nothing", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 8);
    const model = startModel();
    const judge = startJudge({ failFirstOn: "five points" });
    const env = { LOCAL_LLM: "served-judge" };
    const args = (mode: string) => [
      "--model",
      "m",
      "--base-url",
      model.baseUrl,
      "--data",
      `${dir}/Bench.tsv`,
      "--work-dir",
      dir,
      "--mode",
      mode,
      "--retry",
      "1",
      "--judge",
      "judge-llm",
      "--judge-base-url",
      judge.baseUrl,
      "--judge-nproc",
      "2",
    ];
    try {
      const first = await runProcess(args("all"), { env });
      assert.equal(first.code, 0, first.stderr);
      // The check request, then 5 rows: 1 + 1 + 1 + 3 (judge-failed) + 2 (HTTP 500, then D).
      const bodies = judge.requests.map(promptText);
      assert.equal(bodies[0].text, "hello");
      assert.equal(bodies.length, 1 + 8);
      assert.ok(bodies.every((b) => b.model === "served-judge"), "LOCAL_LLM names the model");
      assert.ok(judge.maxInFlight <= 2);
      assert.match(first.stderr, /1 judge requests to judge-llm failed after their retries/);
      assert.match(first.stdout, /judge judge-llm \(model served-judge\) for the 5 rows it left/);
      assert.match(first.stdout, /rows by method: option 2, text 1, judge 4, judge-failed 1/);
      assert.match(first.stdout, /5 sent to judge judge-llm \(1 judge-failed: no usable answer/);
      assert.match(
        first.stdout,
        /^Bench\s+0\.750\s+accuracy\s+8\s+0\s+judge-llm: 5 judged, 1 judge-failed\s+ok$/m,
      );

      const stem = `${dir}/m/m_Bench`;
      const acc = await Deno.readTextFile(`${stem}_acc.csv`);
      assert.match(acc.split("\n")[1], /^"none","0\.75"/);
      const result = await readPredictions(`${stem}_judge-llm_result.xlsx`);
      assert.deepEqual(result.columns.slice(-4), ["extracted", "method", "hit", "log"]);
      assert.deepEqual(result.rows.map((r) => `${r.index}:${r.extracted}:${r.method}:${r.hit}`), [
        "0:A:option:1",
        "1:B:judge:1",
        "2:C:judge:1",
        "3:A:judge:0",
        "4:Z:judge-failed:0",
        "5:B:text:1",
        "6:C:option:1",
        "7:D:judge:1",
      ]);
      assert.equal(result.rows[1].log, "B");
      assert.equal(result.rows[0].log, "");
      assert.match(result.rows[4].log, /^The judge placed no option in 3 tries \(scored Z\): /);
      assert.match(result.rows[7].log, /^D$/);
      assert.equal(
        await Deno.stat(`${stem}_exact_matching_result.xlsx`).then(() => true, () => false),
        false,
      );

      // The failed request was not cached: the rerun asks it again (after the check), and
      // nothing else.
      const second = await runProcess(args("eval"), { env });
      assert.equal(second.code, 0, second.stderr);
      const asked = judge.requests.slice(9).map(promptText).map((b) => b.text);
      assert.equal(asked.length, 2);
      assert.equal(asked[0], "hello");
      assert.match(asked[1], /\nAnswer: five points\n/);
      assert.match(
        second.stdout,
        /judge judge-llm \(model served-judge\): 1 asked, 6 answered from /,
      );

      // Everything is cached now: no request at all, not even the check, and the same scores.
      const third = await runProcess(args("eval"), { env });
      assert.equal(third.code, 0, third.stderr);
      assert.equal(judge.requests.length, 11);
      assert.match(third.stdout, /: 0 asked, 7 answered from .*m_Bench_judge-llm_judge\.jsonl$/m);
      assert.match(await Deno.readTextFile(`${stem}_acc.csv`), /^"none","0\.75"/m);
      const cacheLines = (await Deno.readTextFile(`${stem}_judge-llm_judge.jsonl`)).trim()
        .split("\n");
      // 3 rows of one answer, 3 answers of the judge-failed row, row 7's answers to tries 2 and 1.
      assert.equal(cacheLines.length, 8);
      assert.equal(cacheLines.some((line) => line.includes("Failed to obtain answer")), false);
    } finally {
      await model.close();
      await judge.close();
    }
  });
});

Deno.test("--judge on a circular benchmark: the first wrongly judged rotation fails its group", async () => {
  await withTemp(async (dir) => {
    // MMBench-style: questions 1 and 2 in 4 rotations; the right option is always "circle",
    // which rotation k puts at letter k.
    const options = ["circle", "square", "triangle", "star"];
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==";
    const lines = ["index\timage\tquestion\tA\tB\tC\tD\tanswer"];
    for (const q of [1, 2]) {
      for (let k = 0; k < 4; k++) {
        const shifted = options.map((_, i) => options[(i - k + 4) % 4]);
        lines.push(
          [q + k * 1_000_000, png, `Question ${q}: which shape?`, ...shifted, "ABCD"[k]].join("\t"),
        );
      }
    }
    await Deno.writeTextFile(`${dir}/MMBench_Tiny.tsv`, lines.join("\n") + "\n");
    // Free text only; question 2's rotation 2 (circle at C) is answered with the star.
    const model = startLoopbackVllmServer((req) => {
      if (isCheckRequest(req)) return { body: vllmChatCompletion("Hi") };
      const { text } = promptText(req);
      const starred = text.includes("Question 2:") && text.includes("C. circle");
      return { body: vllmChatCompletion(starred ? "five points" : "It is round") };
    });
    const judge = startJudge();
    try {
      const run = await runProcess([
        "--model",
        "m",
        "--base-url",
        model.baseUrl,
        "--data",
        `${dir}/MMBench_Tiny.tsv`,
        "--work-dir",
        dir,
        "--judge",
        "judge-llm",
        "--judge-base-url",
        judge.baseUrl,
        "--judge-nproc",
        "1",
      ], { env: {} });
      assert.equal(run.code, 0, run.stderr);
      // The check, 4 rotations of question 1, rotations 0-2 of question 2 (3 is never asked).
      assert.equal(judge.requests.length, 1 + 4 + 3);
      assert.match(run.stdout, /circular accuracy over 2 questions \(8 rows\), exact matching/);
      assert.match(
        run.stdout,
        /judge judge-llm \(model judge-llm\) for the 2 question groups it left/,
      );
      assert.match(run.stdout, /rows by method: unresolved 1, judge 7/);
      const acc = await Deno.readTextFile(`${dir}/m/m_MMBench_Tiny_acc.csv`);
      assert.match(acc.split("\n")[1], /^"none","0\.5"/);
      const result = await readPredictions(`${dir}/m/m_MMBench_Tiny_judge-llm_result.xlsx`);
      assert.deepEqual(result.rows.map((r) => `${r.index}:${r.hit}`), ["1:1", "2:0"]);
      assert.match(result.rows[0].log, /^Succeed with the judge: all 4 rotations answered right; /);
      assert.equal(
        result.rows[1].log,
        'Failed in Rolling 2: Answer is C, the judge chose B (judge answer: "B")',
      );
    } finally {
      await model.close();
      await judge.close();
    }
  });
});

/**
 * An MME-style yes/no benchmark: two questions per image (`image_path`), a perception and a
 * reasoning category; what the model says to each question, and what the judge makes of it.
 */
const MME_ROWS = [
  // [category, image_path, answer, the model's answer]
  ["color", "color/a.jpg", "Yes", "Yes"], // exact
  ["color", "color/a.jpg", "No", "It is not red at all"], // judge: No at temperature 0
  ["color", "color/b.jpg", "Yes", "Definitely."], // judge: Unknown, HTTP 500, then Yes at 1.0
  ["color", "color/b.jpg", "No", "No"], // exact
  ["code_reasoning", "code/c.jpg", "Yes", "hard to tell"], // judge: Unknown 5 times
  ["code_reasoning", "code/c.jpg", "No", "No."], // exact
];

Deno.test("--judge on a yes/no benchmark: Unknowns judged at rising temperatures, MME_rating", async () => {
  await withTemp(async (dir) => {
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==";
    const lines = ["index\timage\tquestion\tanswer\tcategory\timage_path"];
    MME_ROWS.forEach(([category, imagePath, answer], i) => {
      // The second question of an image refers to the first one's image, as MME's TSV does.
      const image = i % 2 ? String(i - 1) : png;
      lines.push([i, image, `Question ${i}: is it red?`, answer, category, imagePath].join("\t"));
    });
    await Deno.writeTextFile(`${dir}/MME_Tiny.tsv`, lines.join("\n") + "\n");
    const model = startLoopbackVllmServer((req) => {
      if (isCheckRequest(req)) return { body: vllmChatCompletion("Hi") };
      const i = Number(promptText(req).text.match(/^Question (\d+):/)![1]);
      return { body: vllmChatCompletion(MME_ROWS[i][3]) };
    });
    let failed500 = false;
    const judge = startLoopbackVllmServer((req) => {
      const { text } = promptText(req);
      if (text === "hello") return { body: vllmChatCompletion("Hello!") };
      const temperature = JSON.parse(req.body).temperature;
      const answer = text.match(/\nAnswer: (.*)\nYour output: $/)![1];
      if (answer === "It is not red at all") return { body: vllmChatCompletion("No") };
      if (answer === "Definitely.") {
        if (temperature === 0.5 && !failed500) {
          failed500 = true;
          return { status: 500, body: { error: "overloaded" } };
        }
        return { body: vllmChatCompletion(temperature >= 0.5 ? "Yes" : "Unknown") };
      }
      return { body: vllmChatCompletion("Unknown") };
    });
    const args = (mode: string) => [
      "--model",
      "m",
      "--base-url",
      model.baseUrl,
      "--data",
      `${dir}/MME_Tiny.tsv`,
      "--work-dir",
      dir,
      "--mode",
      mode,
      "--retry",
      "1",
      "--judge",
      "judge-llm",
      "--judge-base-url",
      judge.baseUrl,
      "--judge-nproc",
      "1",
    ];
    try {
      const first = await runProcess(args("all"), { env: {} });
      assert.equal(first.code, 0, first.stderr);
      const asked = judge.requests.map((req) => ({
        ...promptText(req),
        temperature: JSON.parse(req.body).temperature,
      }));
      assert.equal(asked[0].text, "hello");
      const perRow = (needle: string) =>
        asked.filter((a) => a.text.includes(`\nAnswer: ${needle}\n`)).map((a) => a.temperature);
      assert.deepEqual(perRow("It is not red at all"), [0]);
      assert.deepEqual(perRow("Definitely."), [0, 0.5, 1]);
      assert.deepEqual(perRow("hard to tell"), [0, 0.5, 1, 1.5, 2]);
      assert.equal(asked.length, 1 + 1 + 3 + 5, "rows the heuristics read are never sent");
      assert.ok(
        asked[1].text.startsWith(
          "You are an AI assistant who will help me to match an answer with two options of a question.",
        ),
      );
      assert.match(asked[1].text, /\nQuestion: Question 1: is it red\?\?\nAnswer: /);

      // color: 4 of 4 right, both images -> 100 + 100; code_reasoning: 1 of 2, no image -> 50.
      const stem = `${dir}/m/m_MME_Tiny`;
      assert.equal(
        await Deno.readTextFile(`${stem}_score.csv`),
        '"perception","reasoning","code_reasoning","color"\n"200","50","50","200"\n',
      );
      assert.match(
        first.stdout,
        /yes\/no MME_rating, Overall Score \(perception \+ reasoning\), a sum of percents; /,
      );
      assert.match(
        first.stdout,
        /exact matching \(YOrN_Extraction\), then judge judge-llm \(model judge-llm\) for the 3 rows it left; rows by method: exact 3, judge 2, judge-failed 1/,
      );
      assert.match(
        first.stdout,
        /^MME_Tiny\s+250\.000\s+\S.*?\s+6\s+0\s+judge-llm: 3 judged, 1 judge-failed\s+ok$/m,
      );
      assert.match(first.stderr, /1 judge requests to judge-llm failed after their retries/);

      const result = await readPredictions(`${stem}_judge-llm_result.xlsx`);
      assert.deepEqual(result.columns.slice(-4), ["extracted", "method", "hit", "log"]);
      assert.deepEqual(result.rows.map((r) => `${r.index}:${r.extracted}:${r.method}:${r.hit}`), [
        "0:Yes:exact:1",
        "1:No:judge:1",
        "2:Yes:judge:1",
        "3:No:exact:1",
        "4:Unknown:judge-failed:0",
        "5:No:exact:1",
      ]);
      assert.equal(result.rows[1].log, "No");
      assert.equal(result.rows[2].log, "Yes");
      assert.equal(result.rows[0].log, "");
      assert.match(result.rows[4].log, /^The judge answered neither Yes nor No in 5 tries/);
      assert.equal(
        await Deno.stat(`${stem}_exact_matching_result.xlsx`).then(() => true, () => false),
        false,
      );

      // The rerun asks only the request that failed (attempt 2 of row 2, at 0.5), after the
      // check; the attempts cached at other temperatures answer the rest.
      const second = await runProcess(args("eval"), { env: {} });
      assert.equal(second.code, 0, second.stderr);
      const again = judge.requests.slice(asked.length).map((req) => ({
        ...promptText(req),
        temperature: JSON.parse(req.body).temperature,
      }));
      assert.deepEqual(again.map((a) => a.temperature), [0, 0.5]);
      assert.equal(again[0].text, "hello");
      assert.match(again[1].text, /\nAnswer: Definitely\.\n/);
      assert.match(second.stdout, /judge judge-llm \(model judge-llm\): 1 asked, 7 answered from /);
      const rerun = await readPredictions(`${stem}_judge-llm_result.xlsx`);
      assert.equal(rerun.rows[2].log, "Yes");
      assert.match(await Deno.readTextFile(`${stem}_score.csv`), /\n"200","50","50","200"\n$/);
    } finally {
      await model.close();
      await judge.close();
    }
  });
});

Deno.test("a judge that fails its check request fails the dataset's scoring loudly", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 8);
    const model = startModel();
    const judge = startLoopbackVllmServer(() => ({
      status: 401,
      body: { error: { message: "Invalid API key" } },
    }));
    try {
      const run = await runProcess([
        "--model",
        "m",
        "--base-url",
        model.baseUrl,
        "--data",
        `${dir}/Bench.tsv`,
        "--work-dir",
        dir,
        "--judge",
        "judge-llm",
        "--judge-base-url",
        judge.baseUrl,
      ], { env: {} });
      assert.equal(run.code, 6, run.stderr);
      assert.match(
        run.stderr,
        /Cannot score Bench with judge judge-llm \(model judge-llm at http:\/\/127\.0\.0\.1:\d+\) as it did not answer a check request: Failed to obtain answer via API\. HTTP 401/,
      );
      assert.equal(judge.requests.length, 1, "only the check request");
      // The message says the predictions are kept and how to score them without inferring again.
      assert.match(
        run.stderr,
        /The predictions are kept in .*m_Bench\.xlsx: once the cause is fixed, score them with --mode eval/,
      );
      // Predictions are kept, but nothing is scored: no silent exact matching.
      await Deno.stat(predictionPath(dir, "m", "Bench"));
      for (const name of ["acc.csv", "exact_matching_result.xlsx", "judge-llm_result.xlsx"]) {
        assert.equal(await Deno.stat(`${dir}/m/m_Bench_${name}`).then(() => 1, () => 0), 0, name);
      }

      const noEndpoint = await runProcess([
        "--model",
        "ConstantAnswer",
        "--data",
        `${dir}/Bench.tsv`,
        "--work-dir",
        dir,
        "--judge",
        "gpt-4o-mini",
      ], { env: {} });
      assert.equal(noEndpoint.code, 2);
      assert.match(noEndpoint.stderr, /Cannot use --judge gpt-4o-mini without an endpoint/);
    } finally {
      await model.close();
      await judge.close();
    }
  });
});
