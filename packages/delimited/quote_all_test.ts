import assert from "node:assert/strict";
import { quoteAllLine, quoteField } from "./quote_all.ts";

Deno.test("quoteAllLine() quotes every field and doubles inner quotes, as pandas QUOTE_ALL", () => {
  assert.equal(quoteAllLine(['a"b', "", "c\td\n"], "\t"), '"a""b"\t""\t"c\td\n"\n');
  assert.equal(quoteAllLine(["1", "x,y"], ","), '"1","x,y"\n');
  assert.equal(quoteAllLine(["index", "question"]), '"index"\t"question"\n');
  assert.equal(quoteAllLine([]), "\n");
  assert.equal(quoteField('"'), '""""');
});
