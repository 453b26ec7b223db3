/**
 * End to end through the CLI, one small synthetic benchmark per metric family, each named by
 * its VLMEvalKit name: `$VLMEVAL_CATALOG` gives the synthetic file's MD5, `VLMEVAL_DATA_MIRROR`
 * sends the catalog's URL to a loopback file server, `--data NAME` fetches it, the served model
 * (loopback) answers, and the family's scorer writes VLMEvalKit's score files, whose names and
 * values are checked against values worked out by hand from VLMEvalKit's rules (commit
 * e8e78f05). MathVista and MMVet are judged by a loopback judge with VLMEvalKit's default judge
 * names and token limits.
 */
import assert from "node:assert/strict";
import { readPredictions } from "@vlmeval/report";
import { type ReceivedRequest, vllmChatCompletion } from "@vlmeval/models/testing";
import { startLoopbackVllmServer } from "@vlmeval/models/testing";
import { runProcess } from "./helpers/distributed_cli.ts";
import {
  csvByRow,
  FAIL,
  md5Hex,
  PNG,
  requestText,
  runEnv,
  startFileServer,
  startServedModel,
  tsv,
  withTemp,
} from "./helpers/benchmark_servers.ts";

const VQA_SUFFIX = "\nAnswer the question using a single word or phrase.";

/** Serves `benchmarks` at their catalog paths and writes a catalog file with their MD5s. */
async function publish(dir: string, benchmarks: Record<string, Uint8Array>) {
  const files: Record<string, Uint8Array> = {};
  const catalog: Record<string, { md5: string }> = {};
  for (const [name, bytes] of Object.entries(benchmarks)) {
    files[`/utils/VLMEval/${name}.tsv`] = bytes;
    catalog[name] = { md5: md5Hex(bytes) };
  }
  await Deno.writeTextFile(`${dir}/catalog.json`, JSON.stringify(catalog));
  const server = startFileServer(files);
  return {
    server,
    env: runEnv(dir, {
      VLMEVAL_DATA_MIRROR: server.origin,
      VLMEVAL_CATALOG: `${dir}/catalog.json`,
    }),
  };
}

function near(actual: number | string | undefined, expected: number, what: string) {
  assert.ok(Math.abs(Number(actual) - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);
}

const FREE_FORM = {
  TextVQA_VAL: tsv(["index", "image", "question", "answer", "category"], [
    ["0", PNG, "Q-tv0 What does the sign say?", "['stop', 'stop', 'stop', 'stop']", "sign"],
    ["1", PNG, "Q-tv1 What colour?", "['red', 'red', 'red', 'blue']", "color"],
    ["2", PNG, "Q-tv2 What colour now?", "['red', 'red', 'red', 'red']", "color"],
  ]),
  ChartQA_TEST: tsv(["index", "image", "question", "answer", "split"], [
    ["0", PNG, "Q-c0 How many?", "25", "human"],
    ["1", PNG, "Q-c1 How many more?", "25", "human"],
    ["2", PNG, "Q-c2 Is it up?", "Yes", "augmented"],
  ]),
  DocVQA_VAL: tsv(
    ["index", "image", "question", "answer"],
    [
      ["0", PNG, "Q-d0 Greeting?", "['hello world']", ""],
      ["1", PNG, "Q-d1 Code?", "['abcdefghij']", ""],
      ["2", PNG, "Q-d2 Word?", "['abcd']", ""],
    ].map((r) => r.slice(0, 4)),
  ),
  OCRVQA_TEST: tsv(["index", "image", "question", "answer"], [
    ["0", PNG, "Q-o0 Title?", "Dune"],
    ["1", PNG, "Q-o1 Title again?", "Dune"],
  ]),
  GQA_TestDev_Balanced: tsv(["index", "image", "question", "answer"], [
    ["0", PNG, "Q-g0 Is it?", "yes"],
    ["1", PNG, "Q-g1 Which side?", "left"],
  ]),
  OCRBench: tsv(["index", "image", "question", "answer", "category"], [
    ["0", PNG, "Q-ob0 What does it say?", "['STOP']", "Regular Text Recognition"],
    ["1", PNG, "Q-ob1 Formula?", "['x^2']", "Handwritten Mathematical Expression Recognition"],
    ["2", PNG, "Q-ob2 Shop?", "['cafe']", "Scene Text-centric VQA"],
    ["3", PNG, "Q-ob3 Total?", "['42']", "Key Information Extraction"],
  ]),
};

const FREE_FORM_ANSWERS = {
  tv0: "Stop",
  tv1: "blue",
  tv2: FAIL,
  c0: "26",
  c1: "27",
  c2: "yes",
  d0: "Hello  World",
  d1: "abcdefghiX",
  d2: "wxyz",
  o0: " dune ",
  o1: "Dune 2",
  g0: "Yes",
  g1: "right",
  ob0: "the sign says stop",
  ob1: "X^2",
  ob2: "Cafe Nero",
  ob3: "43",
};

Deno.test("--data NAME fetches and scores VLMEvalKit's free-form families and OCRBench by their rules", async () => {
  await withTemp(async (dir) => {
    const { server, env } = await publish(dir, FREE_FORM);
    const model = startServedModel(FREE_FORM_ANSWERS);
    try {
      const work = `${dir}/out`;
      const run = await runProcess([
        "--model",
        "served-vlm",
        "--base-url",
        model.baseUrl,
        "--retry",
        "1",
        "--data",
        ...Object.keys(FREE_FORM),
        "--work-dir",
        work,
        "--quiet",
        // Failures here are on purpose: each family scores them as wrong.
        "--fail-on-error",
        "never",
      ], { env });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.deepEqual(
        server.requests.sort(),
        Object.keys(FREE_FORM).map((n) => `/utils/VLMEval/${n}.tsv`).sort(),
        "each benchmark fetched once, through the mirror, at the catalog's path",
      );
      for (const name of Object.keys(FREE_FORM)) {
        assert.deepEqual(
          await Deno.readFile(`${dir}/LMUData/${name}.tsv`),
          FREE_FORM[name as keyof typeof FREE_FORM],
        );
      }
      // ImageVQADataset's prompt ends with its suffix; OCRBench asks the bare question.
      // Every sample's request (the endpoint check's GET /models and "hello" have no Q- id).
      const prompts = new Map(model.requests.flatMap((r) => {
        const { text } = requestText(r);
        const id = text.match(/Q-(\w+)/)?.[1];
        return id === undefined ? [] : [[id, text] as const];
      }));
      assert.equal(prompts.get("tv0"), "Q-tv0 What does the sign say?" + VQA_SUFFIX);
      assert.equal(prompts.get("ob0"), "Q-ob0 What does it say?");

      const stem = (name: string) => `${work}/served-vlm/served-vlm_${name}`;
      // TextVQA: VQA score, min(#other answers matching / 3, 1) averaged; a failure scores 0.
      const textvqa = (await csvByRow(`${stem("TextVQA_VAL")}_acc.csv`)).values().next().value!;
      near(textvqa.Overall, (100 * (1 + 0.25 + 0)) / 3, "TextVQA Overall");
      near(textvqa.color, 12.5, "TextVQA color");
      near(textvqa.sign, 100, "TextVQA sign");
      const results = await readPredictions(`${stem("TextVQA_VAL")}_results.xlsx`);
      assert.deepEqual(results.columns.slice(-4), [
        "eval_gt",
        "eval_pred",
        "eval_match",
        "eval_score",
      ]);
      assert.equal(
        results.rows[1].eval_match,
        "[0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.0]",
      );
      near(results.rows[1].eval_score, 0.25, "TextVQA row 1 eval_score");
      // ChartQA: relaxed accuracy (5%), one column per split (sorted) then Overall.
      const [chartqa] = (await csvByRow(`${stem("ChartQA_TEST")}_acc.csv`)).values();
      assert.deepEqual(Object.keys(chartqa), ["augmented", "human", "Overall"]);
      near(chartqa.augmented, 100, "ChartQA augmented");
      near(chartqa.human, 50, "ChartQA human");
      near(chartqa.Overall, (100 * 2) / 3, "ChartQA Overall");
      // DocVQA: ANLS, a similarity under 0.5 scores 0.
      const [docvqa] = (await csvByRow(`${stem("DocVQA_VAL")}_acc.csv`)).values();
      near(docvqa.Overall, (100 * (1 + 0.9 + 0)) / 3, "DocVQA Overall");
      // OCRVQA and GQA: exact match after stripping, case-insensitive.
      near(
        (await csvByRow(`${stem("OCRVQA_TEST")}_acc.csv`)).values().next().value!.Overall,
        50,
        "OCRVQA",
      );
      near(
        (await csvByRow(`${stem("GQA_TestDev_Balanced")}_acc.csv`)).values().next().value!.Overall,
        50,
        "GQA",
      );
      for (const name of ["ChartQA_TEST", "DocVQA_VAL", "OCRVQA_TEST", "GQA_TestDev_Balanced"]) {
        assert.ok((await Deno.stat(`${stem(name)}_results.xlsx`)).isFile, name);
      }
      // OCRBench: per-category substring rules, case kept for handwritten formulas.
      assert.deepEqual(JSON.parse(await Deno.readTextFile(`${stem("OCRBench")}_score.json`)), {
        "Text Recognition": 1,
        "Scene Text-centric VQA": 1,
        "Doc-oriented VQA": 0,
        "Key Information Extraction": 0,
        "Handwritten Mathematical Expression Recognition": 0,
        "Final Score": 2,
        "Final Score Norm": 0.2,
      });
      assert.match(run.stdout, /^TextVQA_VAL\s+41\.667\s+VQA score %\s+3\s+1\s/m);
      assert.match(run.stdout, /^ChartQA_TEST\s+66\.667\s+relaxed accuracy %\s+3\s+0\s/m);
      assert.match(run.stdout, /^DocVQA_VAL\s+63\.333\s+ANLS %\s+3\s+0\s/m);
      assert.match(run.stdout, /^OCRBench\s+2\.000\s+Final Score\s+4\s+0\s/m);
      const status = JSON.parse(await Deno.readTextFile(`${work}/served-vlm/status.json`));
      assert.equal(status.datasets.OCRBench.primary_metric_name, "Final Score");
      assert.equal(status.datasets.OCRBench.primary_metric_value, 2);
      assert.equal(status.datasets.DocVQA_VAL.primary_metric_name, "ANLS %");
    } finally {
      await model.close();
      await server.close();
    }
  });
});

const JUDGED = {
  MathVista_MINI: tsv(
    [
      "index",
      "image",
      "question",
      "answer",
      "question_type",
      "answer_type",
      "choices",
      "answer_option",
      "task",
      "skills",
    ],
    [
      [
        "0",
        PNG,
        "Q-mv0 Which number is missing?",
        "14",
        "free_form",
        "integer",
        "",
        "",
        "FQA",
        "['arithmetic reasoning']",
      ],
      [
        "1",
        PNG,
        "Q-mv1 How many?",
        "3",
        "free_form",
        "integer",
        "",
        "",
        "FQA",
        "['arithmetic reasoning']",
      ],
      [
        "2",
        PNG,
        "Q-mv2 Which fraction is blue?",
        "8/11",
        "multi_choice",
        "text",
        "['3/11', '8/11']",
        "B",
        "GPS",
        "['geometry reasoning']",
      ],
      [
        "3",
        PNG,
        "Q-mv3 How long?",
        "1.5",
        "free_form",
        "float",
        "",
        "",
        "FQA",
        "['arithmetic reasoning']",
      ],
      [
        "4",
        PNG,
        "Q-mv4 Which one?",
        "7",
        "free_form",
        "integer",
        "",
        "",
        "FQA",
        "['arithmetic reasoning']",
      ],
    ],
  ),
  MMVet: tsv(["index", "image", "question", "answer", "category"], [
    ["0", PNG, "Q-mm0 What is shown?", "stop", "rec,ocr"],
    ["1", PNG, "Q-mm1 What is x?", "-1<AND>-5", "ocr,math"],
    ["2", PNG, "Q-mm2 Where?", "left", "rec,know"],
  ]),
};

const JUDGED_ANSWERS = {
  mv0: "14",
  mv1: "The answer is three",
  mv2: "B",
  mv3: "about one and a half",
  mv4: FAIL,
  mm0: "a stop sign",
  mm1: "x = -1",
  mm2: FAIL,
};

/** The judge: MathVista extractions by the model's response; MMVet grades (`nan` first for mm1). */
function startJudge() {
  return startLoopbackVllmServer((req: ReceivedRequest) => {
    const { text, body } = requestText(req);
    if (text === "hello") return { body: vllmChatCompletion("Hello!") };
    const response = text.match(/Model respone: (.*)Extracted answer:$/s)?.[1];
    if (response !== undefined) {
      return { body: vllmChatCompletion({ "The answer is three": "3" }[response] ?? "2.5") };
    }
    const prediction = text.match(/ \| ([^|]*) \| $/)![1];
    if (prediction === "a stop sign") return { body: vllmChatCompletion("0.9") };
    return { body: vllmChatCompletion(body.temperature === 0 ? "nan" : "0.5") };
  });
}

Deno.test("MathVista and MMVet are judged with VLMEvalKit's default judges, token limits and cache", async () => {
  await withTemp(async (dir) => {
    const { server, env } = await publish(dir, JUDGED);
    const model = startServedModel(JUDGED_ANSWERS);
    const judge = startJudge();
    const work = `${dir}/out`;
    const args = (...extra: string[]) => [
      "--model",
      "served-vlm",
      "--base-url",
      model.baseUrl,
      "--retry",
      "1",
      "--data",
      "MathVista_MINI",
      "MMVet",
      "--work-dir",
      work,
      "--quiet",
      // Failures here are on purpose: each family scores them as wrong.
      "--fail-on-error",
      "never",
      ...extra,
    ];
    try {
      const run = await runProcess(args("--judge-base-url", judge.baseUrl), { env });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const asked = judge.requests.map(requestText).filter((r) => r.text !== "hello");
      const mathvista = asked.filter((r) => r.text.endsWith("Extracted answer:"));
      const mmvet = asked.filter((r) => !r.text.endsWith("Extracted answer:"));
      assert.equal(mathvista.length, 2, "only the rows post_check cannot read");
      assert.ok(mathvista.every((r) => r.body.max_tokens === 128), "MathVista's max_tokens");
      assert.ok(mathvista.every((r) => r.body.model === "gpt-4o-mini-2024-07-18"));
      assert.deepEqual(mmvet.map((r) => r.body.temperature), [0, 0, 0.5], "nan is asked again");
      assert.ok(mmvet.every((r) => r.body.max_tokens === 2048), "MMVet's max_tokens");
      assert.ok(mmvet.every((r) => r.body.model === "gpt-4-1106-preview"));

      const mv = `${work}/served-vlm/served-vlm_MathVista_MINI_gpt-4o-mini`;
      const table = await csvByRow(`${mv}_score.csv`);
      assert.deepEqual([...table.keys()], [
        "Overall",
        "arithmetic reasoning",
        "FQA",
        "geometry reasoning",
        "GPS",
      ]);
      assert.deepEqual(
        ["tot", "prefetch", "hit"].map((c) => table.get("Overall")![c]),
        ["5", "2", "3"],
      );
      near(table.get("Overall")!.acc, 60, "MathVista Overall acc");
      near(table.get("FQA")!.acc, 50, "MathVista FQA acc");
      const extracted = await readPredictions(`${mv}.xlsx`);
      assert.deepEqual(extracted.rows.map((r) => r.res), ["14", "3", "B", "2.5", ""]);
      assert.equal(extracted.rows[0].log, "Prefetch succeed");
      const cache = (await Deno.readTextFile(`${mv}_judge.jsonl`)).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
      assert.deepEqual(cache.map((r) => r.max_tokens), [128, 128]);

      const mm = `${work}/served-vlm/served-vlm_MMVet_gpt-4-turbo`;
      const score = await csvByRow(`${mm}_score.csv`);
      assert.deepEqual([...score.keys()], ["rec", "ocr", "know", "gen", "spat", "math", "Overall"]);
      near(score.get("rec")!.acc, 45, "MMVet rec");
      near(score.get("ocr")!.acc, 70, "MMVet ocr");
      near(score.get("math")!.acc, 50, "MMVet math");
      assert.equal(score.get("gen")!.acc, "", "a capability with no rows is an empty cell");
      near(score.get("Overall")!.acc, (100 * 1.4) / 3, "MMVet Overall");
      const fine = await csvByRow(`${mm}_score_fine.csv`);
      assert.deepEqual([...fine.keys()], ["rec_ocr", "ocr_math", "rec_know", "Overall"]);
      const graded = await readPredictions(`${mm}.xlsx`);
      assert.deepEqual(graded.rows.map((r) => Number(r.score)), [0.9, 0.5, 0]);
      assert.match(graded.rows[1].log, /^Try 0: output is nan, invalid score: nan\.\nSucceed$/);
      assert.match(
        run.stdout,
        /^MathVista_MINI\s+60\.000\s+accuracy %\s+5\s+1\s+gpt-4o-mini: 2 judged/m,
      );
      assert.match(run.stdout, /^MMVet\s+46\.667\s+judge score %\s+3\s+1\s+gpt-4-turbo: 2 judged/m);

      // Scoring again asks nothing: every answer is in the judges' caches.
      const before = judge.requests.length;
      const again = await runProcess(args("--judge-base-url", judge.baseUrl, "--mode", "eval"), {
        env,
      });
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.equal(judge.requests.length, before);

      // Without a judge: MathVista scores what post_check reads and says so; MMVet is not scored.
      const none = await runProcess(args("--judge", "exact_matching", "--mode", "eval"), { env });
      assert.equal(none.code, 6, none.stdout + none.stderr);
      assert.match(
        none.stderr,
        /MathVista_MINI: 2 of 5 answers need a judge to extract them and score as wrong: VLMEvalKit asks gpt-4o-mini/,
      );
      assert.match(none.stderr, /Cannot score MMVet without a judge .* default judge: gpt-4-turbo/);
      const prefetchOnly = await csvByRow(
        `${work}/served-vlm/served-vlm_MathVista_MINI_exact_matching_score.csv`,
      );
      near(prefetchOnly.get("Overall")!.acc, 40, "MathVista without a judge");
      const status = JSON.parse(await Deno.readTextFile(`${work}/served-vlm/status.json`));
      assert.equal(status.datasets.MMVet.status, "error");
      assert.equal(status.datasets.MMVet.exit_code, 6);
    } finally {
      await Promise.all([model.close(), judge.close(), server.close()]);
    }
  });
});

const MMMU = {
  MMMU_DEV_VAL: tsv(["index", "image", "question", "A", "B", "answer", "split"], [
    [
      "0",
      `['${PNG}', '${PNG}']`,
      "Q-mu0 Is <image 1> bigger than <image 2>?",
      "yes",
      "no",
      "B",
      "validation",
    ],
    ["1", PNG, "Q-mu1 What number is in <image 1>?", "", "", "42", "validation"],
    ["2", PNG, "Q-mu2 How many in <image 1>?", "", "", "7", "validation"],
  ]),
};

Deno.test("MMMU is prompted with its images at <image N> and its open questions are scored", async () => {
  await withTemp(async (dir) => {
    const { server, env } = await publish(dir, MMMU);
    const model = startServedModel({ mu0: "B", mu1: "The answer is 42", mu2: "8" });
    const work = `${dir}/out`;
    try {
      const run = await runProcess([
        "--model",
        "served-vlm",
        "--base-url",
        model.baseUrl,
        "--data",
        "MMMU_DEV_VAL",
        "--work-dir",
        work,
        "--quiet",
        // Failures here are on purpose: each family scores them as wrong.
        "--fail-on-error",
        "never",
      ], { env });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const parts = (i: string) => {
        const req = model.requests.find((r) => requestText(r).text.includes(`Q-${i} `))!;
        const content: { type: string; text?: string }[] = JSON.parse(req.body).messages[0].content;
        return content.map((p) => p.type === "text" ? p.text : "<img>");
      };
      assert.deepEqual(parts("mu0"), [
        "Question: Q-mu0 Is ",
        "<img>",
        " bigger than ",
        "<img>",
        "?\nOptions:\nA. yes\nB. no\nPlease select the correct answer from the options above. \n",
      ]);
      assert.deepEqual(parts("mu1"), ["Question: Q-mu1 What number is in ", "<img>", "?\n"]);
      const stem = `${work}/served-vlm/served-vlm_MMMU_DEV_VAL`;
      const acc = await csvByRow(`${stem}_acc.csv`);
      near(acc.get("validation")!.Overall, 2 / 3, "MMMU accuracy");
      const result = await readPredictions(`${stem}_exact_matching_result.xlsx`);
      assert.deepEqual(
        result.rows.map((r) => [r.A, r.B, r.answer, r.hit]),
        [["yes", "no", "B", "1"], ["42", "Other Answers", "42", "1"], [
          "7",
          "Other Answers",
          "7",
          "0",
        ]],
      );
      assert.match(run.stdout, /2 open questions scored as two-option questions/);
      assert.match(run.stdout, /^MMMU_DEV_VAL\s+0\.667\s+accuracy\s+3\s+0\s+exact_matching\s+ok$/m);
    } finally {
      await Promise.all([model.close(), server.close()]);
    }
  });
});
