import assert from "node:assert/strict";
import { splitThinking } from "./split_thinking.ts";

Deno.test("splitThinking() splits one <think>...</think> pair and strips both parts", () => {
  assert.deepEqual(splitThinking("<think>\n red shapes, so A \n</think>\n\nThe answer is A. "), {
    prediction: "The answer is A.",
    thinking: "red shapes, so A",
    wellFormed: true,
  });
  assert.deepEqual(splitThinking("preamble <think>x</think>B"), {
    prediction: "B",
    thinking: "x",
    wellFormed: true,
  });
});

Deno.test("splitThinking() leaves text without </think> whole", () => {
  assert.deepEqual(splitThinking("  A  "), { prediction: "  A  ", thinking: "", wellFormed: true });
  assert.deepEqual(splitThinking("<think>never closed A"), {
    prediction: "<think>never closed A",
    thinking: "",
    wellFormed: true,
  });
});

Deno.test("splitThinking() keeps everything up to the last </think> when tags are odd", () => {
  assert.deepEqual(splitThinking("step one</think>step two</think> C"), {
    prediction: "C",
    thinking: "step one</think>step two</think>",
    wellFormed: false,
  });
  assert.deepEqual(splitThinking("no opening tag</think>D"), {
    prediction: "D",
    thinking: "no opening tag</think>",
    wellFormed: false,
  });
});
