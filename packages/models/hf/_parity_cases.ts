/** The parity cases recorded by scripts/make_hf_fixtures.py (tests only). */
import { join } from "node:path";
import type { Message } from "@vlmeval/schema";
import { HF_TESTDATA } from "./_testdata.ts";
export interface ParityCase {
  name: string;
  family: "smolvlm" | "smolvlm2";
  dataset: string;
  split?: boolean;
  row: Record<string, string> | null;
  message: Message;
  expected: {
    input_ids: number[];
    pixel_values_shape: number[];
    pixel_values_sha256: string;
    token_ids: number[];
    text: string;
  };
}

export const PARITY: { cases: ParityCase[] } = JSON.parse(
  Deno.readTextFileSync(join(HF_TESTDATA, "parity.json")),
);

/** A copy of a fixture folder with image splitting turned off. */
export async function noSplitCopy(family: string, tmp: string): Promise<string> {
  const dir = join(tmp, `${family}_nosplit`);
  await Deno.mkdir(join(dir, "onnx"), { recursive: true });
  for (const e of Deno.readDirSync(join(HF_TESTDATA, family))) {
    if (e.isFile) await Deno.copyFile(join(HF_TESTDATA, family, e.name), join(dir, e.name));
  }
  for (const e of Deno.readDirSync(join(HF_TESTDATA, family, "onnx"))) {
    await Deno.copyFile(join(HF_TESTDATA, family, "onnx", e.name), join(dir, "onnx", e.name));
  }
  const pre = JSON.parse(await Deno.readTextFile(join(dir, "preprocessor_config.json")));
  pre.do_image_splitting = false;
  await Deno.writeTextFile(join(dir, "preprocessor_config.json"), JSON.stringify(pre));
  return dir;
}
