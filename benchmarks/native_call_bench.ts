/**
 * The cost of one call from Deno into the CUDA addon (target: under 1 µs), next to an empty JS
 * function call in the same run, and the cost of the facade's no-op answer when CUDA is absent.
 *
 * Run: deno bench --allow-ffi --allow-read --allow-env benchmarks/native_call_bench.ts
 * (build the addon first: deno task build:native)
 */

import { synchronize } from "@vlmeval/native";
import { nativeBinding } from "@vlmeval/native/diagnostics";

const binding = nativeBinding();

function emptyFunction(): void {}

Deno.bench({
  name: "empty JS function call",
  group: "one call",
  baseline: true,
  fn() {
    emptyFunction();
  },
});

Deno.bench({
  name: "addon noop() through Node-API",
  group: "one call",
  fn() {
    binding.noop();
  },
});

Deno.bench({
  name: "addon describeCudaError(700): returns an object",
  group: "one call",
  fn() {
    binding.describeCudaError(700);
  },
});

Deno.bench({
  name: "synchronize() through the facade (no-op when no context or no CUDA)",
  group: "one call",
  fn() {
    synchronize();
  },
});
