import assert from "node:assert/strict";
import { buildVocabulary, tokenize, vocabularyIndex, writeBagOfWords } from "./_shapes_text.ts";

Deno.test("tokenize() lower-cases, drops punctuation and maps US spellings", () => {
  assert.deepEqual(tokenize("What COLOR is the 2nd circle?"), [
    "what",
    "colour",
    "is",
    "the",
    "2nd",
    "circle",
  ]);
});

Deno.test("writeBagOfWords() marks known words and ignores unknown ones", () => {
  const vocabulary = buildVocabulary(["red circle", "blue square"]);
  assert.deepEqual(vocabulary, ["blue", "circle", "red", "square"]);
  const out = new Float32Array(8);
  const known = writeBagOfWords("Red red triangle", vocabularyIndex(vocabulary), out, 4);
  assert.equal(known, 2);
  assert.deepEqual([...out], [0, 0, 0, 0, 0, 0, 1, 0]);
});
