/** The model conformance suite of @vlmeval/models/testing, run for each Hugging Face family. */
import { join } from "node:path";
import { runModelConformance } from "../testing/mod.ts";
import { createHfModel } from "./hf_model.ts";
import { HF_TESTDATA } from "./_testdata.ts";
import { PARITY } from "./_parity_cases.ts";

for (const family of ["smolvlm", "smolvlm2", "paligemma"]) {
  const c = PARITY.cases.find((x) => x.family === family && x.split !== false)!;
  runModelConformance({
    name: `Hugging Face ${family} (tiny test model, cpu)`,
    create: () =>
      createHfModel({
        model: join(HF_TESTDATA, family),
        generation: { max_new_tokens: 8 },
        onProgress: () => {},
      }),
    message: () =>
      c.message.map((m) => (m.type === "image" ? { ...m, value: join(HF_TESTDATA, m.value) } : m)),
    failure: {
      message: () => [
        { type: "image", value: join(HF_TESTDATA, "images", "no-such-image.png") },
        { type: "text", value: "What is it?" },
      ],
    },
  });
}
