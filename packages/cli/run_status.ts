import { addonStatus, cudaStatus } from "@vlmeval/native";
import { listModels } from "@vlmeval/models";
import { EXIT_CODES } from "@vlmeval/schema";

/** `vlmeval status`: what this machine offers, as plain lines. */
export function runStatusCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(
      "vlmeval status: native addon, CUDA devices and built-in models\n\nUsage: vlmeval status",
    );
    return Promise.resolve(EXIT_CODES.ok);
  }
  const addon = addonStatus();
  console.log(`native addon: ${addon.state}${addon.loaded ? "" : ` (${addon.message})`}`);
  const cuda = cudaStatus();
  if (cuda.available) {
    console.log(`CUDA: driver ${cuda.driverVersion ?? "?"}`);
    for (const d of cuda.devices ?? []) {
      console.log(
        `  device ${d.index}: ${d.name}, ${(d.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB`,
      );
    }
  } else {
    console.log(`CUDA: unavailable: ${cuda.reason}`);
  }
  console.log("models:");
  for (const m of listModels()) console.log(`  ${m.name}: ${m.describe}`);
  return Promise.resolve(EXIT_CODES.ok);
}
