import assert from "node:assert/strict";
import {
  buildOptionStr,
  hasCjk,
  judgeAnswer,
  judgeMcq,
  judgeMcqCircular,
  judgePromptFor,
  type JudgeRequest,
} from "./mcq_judge.ts";
import { scoreMcq } from "./score_mcq.ts";
import { scoreMcqCircular } from "./score_mcq_circular.ts";

/** A judge that answers from a script and records every question. */
function scriptedJudge(answer: (prompt: string, request: JudgeRequest) => string) {
  const calls: { prompt: string; request: JudgeRequest }[] = [];
  const judge = (prompt: string, request: JudgeRequest) => {
    calls.push({ prompt, request });
    return Promise.resolve(answer(prompt, request));
  };
  return { judge, calls };
}

const choices = { A: "teddy bear", B: "rabbit", C: "cat", D: "dog" };

Deno.test("judgePromptFor() builds VLMEvalKit's English prompt byte for byte", () => {
  const prompt = judgePromptFor("What is in the box", choices, "  a small kitten \n");
  // VLMEvalKit's build_prompt template, with question, build_option_str(choices) and the
  // stripped prediction in its three slots.
  const expected =
    "You are an AI assistant who will help me to match an answer with several options of a single-choice question. You are provided with a question, several options, and an answer, and you need to find which option is most similar to the answer. If the meaning of all options are significantly different from the answer, output Z. Your should output a single uppercase character in A, B, C, D (if they are valid options), and Z. \nExample 1: \nQuestion: What is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\nAnswer: a cute teddy bear\nYour output: A\nExample 2: \nQuestion: What is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\nAnswer: Spider\nYour output: Z\nExample 3: \nQuestion: What is in the box?\nOptions: There are several options: \nA. teddy bear\nB. rabbit\nC. cat\nD. dog\n\nAnswer: a small kitten\nYour output: ";
  assert.equal(prompt, expected);
});

Deno.test("judgePromptFor() builds the Chinese prompt when the question holds CJK", () => {
  const prompt = judgePromptFor("图中是什么动物", { A: "猫", B: "狗" }, "一只小猫");
  const expected =
    "你是一个帮助我匹配答案与单选题中多个选项的 AI 助手。你会被提供：一个问题，多个选项，一个答案。你的任务是找到与答案意义最相近的选项。如果所有选项的意义都与答案显著不同，则输出 Z。你应该输出一个单个的大写字母，例如 A, B, C, D（如果它们是有效选项），或 Z。例 1:问题: 图中最主要的物体是什么?\n选项: A. 泰迪熊 B. 兔子 C. 猫 D. 狗\n答案: 一只可爱的泰迪熊\n输出: A\n例 2: \n问题: 图中最主要的物体是什么?\n选项: A. 泰迪熊 B. 兔子 C. 猫 D. 狗\n答案: 蜘蛛\n输出: Z\n例 3: \n问题: 图中是什么动物?\n选项: There are several options: \nA. 猫\nB. 狗\n\n答案: 一只小猫\n输出: ";
  assert.equal(prompt, expected);
  assert.equal(hasCjk("Which one?"), false);
  assert.equal(hasCjk("カタカナ only"), false); // cn_string covers U+4E00-U+9FFF only
  assert.equal(buildOptionStr({ A: "x" }), "There are several options: \nA. x\n");
});

Deno.test("judgeMcq(): a heuristic hit makes no call; the judge's letter decides the rest", async () => {
  const rows = [
    { index: "1", question: "Pet?", ...choices, answer: "C", prediction: "C" },
    { index: "2", question: "Pet?", ...choices, answer: "C", prediction: "a small kitten" },
    { index: "3", question: "Pet?", ...choices, answer: "D", prediction: "a spider" },
    {
      index: "4",
      question: "Pet?",
      ...choices,
      answer: "A",
      prediction: "Failed to obtain answer: X",
    },
  ];
  const { judge, calls } = scriptedJudge((prompt) =>
    prompt.includes("Answer: a small kitten") ? "The answer is C" : "Z"
  );
  const scored = scoreMcq(rows);
  const judged = await judgeMcq(rows, scored, judge);
  assert.deepEqual(calls.map((c) => c.request), [
    { index: "2", attempt: 1 },
    { index: "3", attempt: 1 },
  ]);
  assert.deepEqual(judged.perRow.map((r) => [r.index, r.extracted, r.method, r.hit, r.log]), [
    ["1", "C", "option", 1, undefined],
    ["2", "C", "judge", 1, "The answer is C"],
    ["3", "Z", "judge", 0, "Z"],
    ["4", "Z", "failed", 0, undefined],
  ]);
  assert.equal(judged.counts.hits, 2);
  assert.equal(judged.counts.unresolved, 0);
  assert.equal(judged.counts.byMethod.judge, 2);
  assert.equal(judged.counts.byMethod.unresolved, 0);
  assert.deepEqual(judged.report, { columns: ["split", "Overall"], rows: [["none", 0.5]] });
  // The heuristic score is left as it was.
  assert.equal(scored.perRow[1].method, "unresolved");
  assert.equal(scored.counts.hits, 1);
});

Deno.test("judgeAnswer() retries an API failure and an unplaceable answer", async () => {
  const answers = [
    "Failed to obtain answer via API. HTTP 503 (6 attempts)",
    "hmm, hard to say",
    "B",
  ];
  const { judge, calls } = scriptedJudge((_, request) => answers[request.attempt - 1]);
  const verdict = await judgeAnswer("p", choices, judge, "7");
  assert.deepEqual(verdict, { letter: "B", method: "judge", answers, log: "B" });
  assert.deepEqual(calls.map((c) => c.request.attempt), [1, 2, 3]);
});

Deno.test("judgeAnswer(): three failures give judge-failed and Z, never a random letter", async () => {
  for (let run = 0; run < 20; run++) {
    const { judge, calls } = scriptedJudge((_, request) =>
      request.attempt === 2 ? "Failed to obtain answer via API. timeout" : "no idea"
    );
    const verdict = await judgeAnswer("p", choices, judge, "8");
    assert.equal(calls.length, 3);
    assert.equal(verdict.letter, "Z");
    assert.equal(verdict.method, "judge-failed");
    assert.equal(
      verdict.log,
      'The judge placed no option in 3 tries (scored Z): "no idea"; ' +
        '"Failed to obtain answer via API. timeout"; "no idea"',
    );
  }
  const rows = [{ index: "8", question: "Pet?", ...choices, answer: "A", prediction: "spider" }];
  const { judge } = scriptedJudge(() => "no idea");
  const judged = await judgeMcq(rows, scoreMcq(rows), judge);
  assert.deepEqual([judged.perRow[0].extracted, judged.perRow[0].method], ["Z", "judge-failed"]);
  assert.equal(judged.counts.byMethod["judge-failed"], 1);
});

Deno.test("judgeMcq() keeps at most `concurrency` questions in flight", async () => {
  const rows = Array.from({ length: 9 }, (_, i) => ({
    index: String(i),
    question: "Pet?",
    ...choices,
    answer: "A",
    prediction: `something vague ${i}`,
  }));
  let inFlight = 0;
  let most = 0;
  const judge = async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight--;
    return "A";
  };
  const judged = await judgeMcq(rows, scoreMcq(rows), judge, { concurrency: 3 });
  assert.equal(judged.counts.hits, 9);
  assert.equal(most, 3);
  await assert.rejects(
    judgeMcq(rows, scoreMcq(rows), () => Promise.reject(new Error("judge down"))),
    /judge down/,
  );
});

/** A question's rotations: "dog" is right, at B, A, D, C in rotations 0-3. */
function rotations(index: number, predictions: string[]) {
  const texts = ["cat", "dog", "bird", "fish"];
  return predictions.map((prediction, k) => {
    const shifted = texts.map((_, i) => texts[(i + k) % texts.length]);
    return {
      index: String(index + k * 1_000_000),
      question: "Which animal barks",
      A: shifted[0],
      B: shifted[1],
      C: shifted[2],
      D: shifted[3],
      answer: String.fromCharCode(65 + shifted.indexOf("dog")),
      prediction,
    };
  });
}

Deno.test("judgeMcqCircular() judges only unresolved groups, rotation by rotation", async () => {
  const rows = [
    // Group 1: rotations 1 and 3 unplaced; the judge gets both right -> hit.
    ...rotations(1, ["B", "it barks", "D", "woof woof"]),
    // Group 2: rotation 1 unplaced and judged wrong -> 0; rotation 2 is never asked.
    ...rotations(2, ["B", "it barks", "something", "C"]),
    // Group 3: a wrong rotation in prefetch: no judge call at all.
    ...rotations(3, ["B", "it barks", "A", "C"]),
    // Group 4: everything placed right in prefetch.
    ...rotations(4, ["B", "A", "D", "C"]),
  ];
  const { judge, calls } = scriptedJudge((prompt, request) => {
    if (request.index === "1000002") return "B"; // right is A
    // The rows are told apart by their options: answer with the row's "dog" letter.
    const line = prompt.split("\n").find((l) => /^[ABCD]\. dog$/.test(l))!;
    return line[0];
  });
  const scored = scoreMcqCircular(rows);
  assert.deepEqual(scored.groups.map((g) => g.verdict), [
    "unresolved",
    "unresolved",
    "wrong",
    "hit",
  ]);
  const judged = await judgeMcqCircular(rows, scored, judge, { concurrency: 1 });
  assert.deepEqual(calls.map((c) => c.request.index), ["1000001", "3000001", "1000002"]);
  assert.deepEqual(judged.groups.map((g) => [g.group, g.verdict, g.hit]), [
    ["1", "hit", 1],
    ["2", "wrong", 0],
    ["3", "wrong", 0],
    ["4", "hit", 1],
  ]);
  assert.equal(
    judged.groups[0].log,
    "Succeed with the judge: all 4 rotations answered right; " +
      'Rolling 1 judged A (judge answer: "A"); Rolling 3 judged C (judge answer: "C")',
  );
  assert.equal(
    judged.groups[1].log,
    'Failed in Rolling 1: Answer is A, the judge chose B (judge answer: "B")',
  );
  // Prefetch logs stay as scoreMcqCircular wrote them.
  assert.equal(judged.groups[2].log, scored.groups[2].log);
  assert.deepEqual(
    judged.groups[1].rotations.map((r) => r.method),
    ["option", "judge", "unresolved", "option"],
  );
  assert.equal(judged.counts.hits, 2);
  assert.equal(judged.counts.judged, 2);
  assert.equal(judged.counts.unresolved, 0);
  assert.equal(judged.counts.byMethod.judge, 3);
  // Group 2's rotation 2 and group 3's rotation 1 were never judged.
  assert.equal(judged.counts.byMethod.unresolved, 2);
  assert.deepEqual(judged.report.rows, [["none", 0.5]]);
  assert.equal(scored.groups[0].verdict, "unresolved");
});

Deno.test("judgeMcqCircular(): a rotation the judge cannot place fails its group", async () => {
  const rows = rotations(5, ["B", "A", "it barks", "C"]);
  const { judge, calls } = scriptedJudge(() => "Failed to obtain answer via API. HTTP 500");
  const judged = await judgeMcqCircular(rows, scoreMcqCircular(rows), judge);
  assert.equal(calls.length, 3);
  assert.equal(judged.groups[0].verdict, "wrong");
  assert.match(
    judged.groups[0].log,
    /^Failed in Rolling 2: Answer is D, The judge placed no option in 3 tries \(scored Z\): /,
  );
  assert.equal(judged.counts.byMethod["judge-failed"], 1);
});
