/** The benchmark's prompts: MMBench-style questions on the test images, in a fixed order. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Message } from "@vlmeval/schema";

const IMAGES = fileURLToPath(new URL("../packages/models/hf/testdata/images/", import.meta.url));

/** `n` prompts (the images cycle), each with the dataset name that picks the wrapper's branch. */
export function benchMessages(n: number): { message: Message; dataset: string }[] {
  const names = ["wide.png", "tall.png", "small.png", "alpha.png"];
  return Array.from({ length: n }, (_, i) => ({
    dataset: "MMBench_DEV_EN",
    message: [
      { type: "image", value: join(IMAGES, names[i % names.length]) },
      {
        type: "text",
        value: `Hint: Picture ${i}.\nQuestion: Which colour is the circle?\nOptions:\nA. red\n` +
          "B. green\nC. blue\nD. yellow\nPlease select the correct answer from the options above. \n",
      },
    ],
  }));
}
