/**
 * Samples per second and peak RSS of a SmolVLM-256M-sized model (random weights, made by
 * `bash scripts/make_hf_fixtures.sh --real-size DIR`, about 1 GB, never committed) through our
 * adapter (transformers.js on onnxruntime-node, CPU) against PyTorch transformers' generate on
 * CPU through VLMEvalKit's own SmolVLM wrapper, on the same prompts and images, in one run (each
 * side in a process of its own, one after the other, so their memory does not mix). Both decode
 * greedily; the run also checks that both generated the same tokens.
 *
 * Usage: deno run -A benchmarks/hf_smolvlm_bench.ts --model DIR [--python PATH] [--samples N]
 *          [--max-new-tokens N] [--no-split] [--batch-size N] [--out FILE]
 *   --model DIR          the --real-size folder (holds torch/ for the PyTorch side)
 *   --python PATH        Python with torch and transformers (default .venv/bin/python)
 *   --samples N          timed samples per side after one warm-up sample (default 2)
 *   --max-new-tokens N   tokens per answer (default 32)
 *   --no-split           one 512-pixel tile per image instead of SmolVLM's 13 (2048-pixel split)
 *   --batch-size N       also run ours with the samples generated N at a time (PyTorch's side
 *                        stays as VLMEvalKit's wrapper runs it, one at a time)
 *   --out FILE           also write both sides' figures as JSON
 * Exit: 0 measured (and the tokens agree); 1 a side failed or the tokens differ; 2 a bad option.
 */
import { join } from "node:path";
import { parseScriptArgs } from "../scripts/_script_help.ts";

const { values } = parseScriptArgs(import.meta, {
  model: { type: "string" },
  python: { type: "string", default: ".venv/bin/python" },
  samples: { type: "string", default: "2" },
  "max-new-tokens": { type: "string", default: "32" },
  "no-split": { type: "boolean" },
  "batch-size": { type: "string", default: "1" },
  out: { type: "string" },
});
if (!values.model) {
  console.error("hf_smolvlm_bench: --model DIR is required (see --help)");
  Deno.exit(2);
}
const here = new URL(".", import.meta.url).pathname;

/** A folder of links to the model with image splitting turned off. */
async function noSplitView(dir: string): Promise<string> {
  const view = await Deno.makeTempDir({ prefix: "vlmeval-hf-bench-" });
  for (const e of Deno.readDirSync(dir)) {
    if (e.name !== "preprocessor_config.json") {
      await Deno.symlink(join(dir, e.name), join(view, e.name));
    }
  }
  const pre = JSON.parse(await Deno.readTextFile(join(dir, "preprocessor_config.json")));
  pre.do_image_splitting = false;
  await Deno.writeTextFile(join(view, "preprocessor_config.json"), JSON.stringify(pre));
  return view;
}

async function side(command: string, args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "inherit" })
    .output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  if (!out.success) {
    console.error(
      `hf_smolvlm_bench: ${command} ${args.join(" ")} failed with exit code ${out.code}`,
    );
    Deno.exit(1);
  }
  return JSON.parse(text);
}

const model = values["no-split"] ? await noSplitView(values.model) : values.model;
const common = [
  "--model",
  model,
  "--samples",
  values.samples,
  "--max-new-tokens",
  values["max-new-tokens"],
];
const ours = await side(Deno.execPath(), [
  "run",
  "-A",
  join(here, "_hf_bench_worker.ts"),
  ...common,
]);
const batched = Number(values["batch-size"]) > 1
  ? await side(Deno.execPath(), [
    "run",
    "-A",
    join(here, "_hf_bench_worker.ts"),
    ...common,
    "--batch-size",
    values["batch-size"],
  ])
  : undefined;
const torch = await side(values.python, [join(here, "_hf_bench_torch.py"), ...common]);
const same = JSON.stringify(ours.ids) === JSON.stringify(torch.ids) &&
  (!batched || JSON.stringify(batched.ids) === JSON.stringify(torch.ids));
const row = (r: Record<string, unknown>) =>
  `${String(r.runtime).padEnd(72)} ${Number(r.samplesPerSecond).toFixed(3).padStart(9)} ${
    Number(r.peakRssMiB).toFixed(0).padStart(8)
  } ${Number(r.loadSeconds).toFixed(1).padStart(6)}`;
console.log(
  `SmolVLM-256M-sized random model, ${values.samples} samples, ${
    values["max-new-tokens"]
  } new tokens, ${values["no-split"] ? "1 tile" : "image splitting"} per image`,
);
console.log(
  `${"runtime".padEnd(72)} ${"samples/s".padStart(9)} ${"peak MiB".padStart(8)} ${
    "load s".padStart(6)
  }`,
);
console.log(row(ours));
if (batched) console.log(row(batched));
console.log(row(torch));
console.log(
  `throughput ratio (ours / PyTorch): ${
    (Number(ours.samplesPerSecond) / Number(torch.samplesPerSecond)).toFixed(2)
  }; ` +
    `peak RSS ratio: ${(Number(ours.peakRssMiB) / Number(torch.peakRssMiB)).toFixed(2)}; ${
      batched
        ? `batched throughput ratio: ${
          (Number(batched.samplesPerSecond) / Number(torch.samplesPerSecond)).toFixed(2)
        }; `
        : ""
    }same tokens: ${same}`,
);
if (values.out) {
  await Deno.writeTextFile(
    values.out,
    JSON.stringify({ ours, batched, torch, same }, null, 2) + "\n",
  );
}
if (values["no-split"]) await Deno.remove(model, { recursive: true });
Deno.exit(same ? 0 : 1);
