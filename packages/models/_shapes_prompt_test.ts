import assert from "node:assert/strict";
import { parseChoiceText, parseShapesPrompt } from "./_shapes_prompt.ts";

const MCQ = "Hint: Look at every shape.\nQuestion: What colour is the circle?\nOptions:\n" +
  "A. red\nB. blue\nC. green\nD. yellow\nPlease select the correct answer from the options above. \n";

Deno.test("parseChoiceText() reads VLMEvalKit's multiple-choice prompt, hint aside", () => {
  assert.deepEqual(parseChoiceText(MCQ), {
    question: "What colour is the circle?",
    options: [
      { letter: "A", text: "red" },
      { letter: "B", text: "blue" },
      { letter: "C", text: "green" },
      { letter: "D", text: "yellow" },
    ],
  });
});

Deno.test("parseChoiceText() reads the Video-MME prompt and (A) style options", () => {
  const video = parseChoiceText(
    "Question: Which direction does the square move?\nA. left\nB. right\nAnswer: ",
  );
  assert.equal(video.question, "Which direction does the square move?");
  assert.deepEqual(video.options.map((o) => o.text), ["left", "right"]);
  const mvbench = parseChoiceText("Question: How many?\nOptions:\n(A) 1\n(B) 2\n(C) 3");
  assert.deepEqual(mvbench.options.map((o) => o.letter), ["A", "B", "C"]);
});

Deno.test("parseChoiceText() takes the question from the lines before the options without a Question: line", () => {
  const parsed = parseChoiceText("How many objects are in the video?\nA. 1\nB. 2");
  assert.equal(parsed.question, "How many objects are in the video?");
});

Deno.test("parseChoiceText() stops at the first break in the letter sequence", () => {
  const parsed = parseChoiceText("Question: q\nA. one\nB. two\nD. four");
  assert.deepEqual(parsed.options.map((o) => o.letter), ["A", "B"]);
});

Deno.test("parseChoiceText() throws when the prompt has no options", () => {
  assert.throws(() => parseChoiceText("Question: Describe the image."), /no option lines/);
});

Deno.test("parseShapesPrompt() collects images in order and skips the assistant prefill", () => {
  const parsed = parseShapesPrompt([
    { type: "text", value: "Watch the frames.", role: "system" },
    { type: "image", value: "/f1.jpg" },
    { type: "image", value: "/f2.jpg" },
    { type: "text", value: "Question: How many objects are in the video?\nA. 1\nB. 2\nAnswer: " },
    { type: "text", value: "Best option: (", role: "assistant" },
  ]);
  assert.deepEqual(parsed.images, ["/f1.jpg", "/f2.jpg"]);
  assert.equal(parsed.packed, false);
  assert.equal(parsed.questions[0].question, "How many objects are in the video?");
});

Deno.test("parseShapesPrompt() reads a pack prompt keyed by row index", () => {
  const questions = {
    "3": "Which direction does the circle move?\nA. left\nB. right\nC. up\nD. down",
    "4": "How many objects are in the video?\nA. 1\nB. 2\nC. 3\nD. 4",
  };
  const text = 'Answer in JSON like {"I1": "A"}.\nQuestions: \n' + JSON.stringify(questions) +
    "\nAnswers: \n";
  const parsed = parseShapesPrompt([{ type: "image", value: "/f.jpg" }, {
    type: "text",
    value: text,
  }]);
  assert.equal(parsed.packed, true);
  assert.deepEqual(parsed.questions.map((q) => q.key), ["3", "4"]);
  assert.equal(parsed.questions[1].options[2].text, "3");
});

Deno.test("parseShapesPrompt() rejects video files, missing images and broken pack JSON", () => {
  assert.throws(
    () => parseShapesPrompt([{ type: "video", value: "/v.mp4" }, { type: "text", value: MCQ }]),
    /video file "\/v\.mp4".*--nframe/,
  );
  assert.throws(() => parseShapesPrompt([{ type: "text", value: MCQ }]), /no image/);
  assert.throws(
    () =>
      parseShapesPrompt([
        { type: "image", value: "/f.jpg" },
        { type: "text", value: 'Questions: {"1": "q\\nA. x"' },
      ]),
    /JSON object is not closed/,
  );
  assert.throws(
    () =>
      parseShapesPrompt([
        { type: "image", value: "/f.jpg" },
        { type: "text", value: 'Questions: {"1": 5}' },
      ]),
    /packed question "1" .* not a string/,
  );
});
