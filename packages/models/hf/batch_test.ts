import assert from "node:assert/strict";
import { join } from "node:path";
import { createHfModel } from "./hf_model.ts";
import { HF_TESTDATA } from "./_testdata.ts";
import { PARITY } from "./_parity_cases.ts";

for (const family of ["smolvlm", "smolvlm2", "paligemma"]) {
  Deno.test(`batched: ${family}'s prompts generated together equal PyTorch's one by one`, async () => {
    const cases = PARITY.cases.filter((c) => c.family === family && c.split !== false);
    assert.ok(cases.length >= 2);
    const model = await createHfModel({
      model: join(HF_TESTDATA, family),
      batchSize: cases.length,
      generation: { max_new_tokens: Math.max(...cases.map((c) => c.expected.token_ids.length)) },
      onProgress: () => {},
    });
    try {
      const got = await Promise.all(cases.map((c) =>
        model.generateIds(
          c.message.map((
            m,
          ) => (m.type === "image" ? { ...m, value: join(HF_TESTDATA, m.value) } : m)),
          { dataset: c.dataset, index: c.name },
        )
      ));
      cases.forEach((c, i) => {
        assert.deepEqual(got[i].inputIds, c.expected.input_ids, `${c.name}: prompt ids`);
        assert.deepEqual(got[i].newIds, c.expected.token_ids, `${c.name}: generated ids`);
        assert.equal(got[i].text, c.expected.text, `${c.name}: text`);
      });
    } finally {
      await model.dispose?.();
    }
  });
}

Deno.test("batched: a prompt that fails alone fails alone; its batch mates still answer", async () => {
  const cases = PARITY.cases.filter((c) => c.family === "smolvlm" && c.split !== false).slice(0, 2);
  const model = await createHfModel({
    model: join(HF_TESTDATA, "smolvlm"),
    batchSize: 3,
    generation: { max_new_tokens: 12 },
    onProgress: () => {},
  });
  try {
    const results = await Promise.allSettled([
      ...cases.map((c) =>
        model.generateIds(
          c.message.map((
            m,
          ) => (m.type === "image" ? { ...m, value: join(HF_TESTDATA, m.value) } : m)),
          { dataset: c.dataset, index: c.name },
        )
      ),
      model.generateIds([{ type: "image", value: join(HF_TESTDATA, "missing.png") }, {
        type: "text",
        value: "Q",
      }], { dataset: "X", index: "bad" }),
    ]);
    assert.equal(results[2].status, "rejected");
    cases.forEach((c, i) => {
      assert.equal(results[i].status, "fulfilled");
      assert.deepEqual(
        (results[i] as PromiseFulfilledResult<{ newIds: number[] }>).value.newIds,
        c.expected.token_ids,
      );
    });
  } finally {
    await model.dispose?.();
  }
});
