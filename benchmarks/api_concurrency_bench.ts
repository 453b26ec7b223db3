/**
 * Served-model throughput against a server with a fixed capacity: a loopback server that
 * answers each request in 100 ms and takes at most 8 at once, turning the rest away with 429
 * (no Retry-After, as many gateways do), asked 160 one-line questions by a model started at
 * `--api-nproc 32`:
 *
 * - `fixed`: 32 requests in flight whatever the server says (the semaphore vlmeval had, and
 *   VLMEvalKit's thread pool); 429s are retried with the default backoff.
 * - `adaptive`: the same start, halved on 429 and grown back by one per round of answers.
 *
 * Each iteration builds a fresh model, so the adaptive one pays for finding the capacity every
 * time. At the end it prints samples per second, the 429s the server sent and the concurrency
 * the adaptive limit went down to and ended at, per mode.
 *
 *   deno bench -A benchmarks/api_concurrency_bench.ts
 */
import { createOpenAIModel } from "@vlmeval/models";
import { startLoopbackVllmServer } from "@vlmeval/models/testing";

const SAMPLES = 160;
const NPROC = 32;
const CAPACITY = 8;
const LATENCY_MS = 100;

const server = startLoopbackVllmServer(() => ({ delayMs: LATENCY_MS }), {
  capacity: { limit: CAPACITY },
});

interface Measure {
  samplesPerS: number;
  rejected: number;
  failed: number;
  lowest: number;
  last: number;
}
const measures: Record<"fixed" | "adaptive", Measure[]> = { fixed: [], adaptive: [] };

async function ask(mode: "fixed" | "adaptive"): Promise<void> {
  const model = createOpenAIModel({
    model: "loopback-model",
    baseUrl: server.baseUrl,
    nproc: NPROC,
    adaptiveConcurrency: mode === "adaptive",
    retries: 10,
  });
  const rejectedBefore = server.overCapacity;
  const started = performance.now();
  const answers = await Promise.all(
    Array.from(
      { length: SAMPLES },
      (_, i) =>
        model.generate([{ type: "text", value: `question ${i}` }], {
          dataset: "Bench",
          index: String(i),
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const report = model.concurrency();
  measures[mode].push({
    samplesPerS: SAMPLES / seconds,
    rejected: server.overCapacity - rejectedBefore,
    failed: answers.filter((a) => a !== "A").length,
    lowest: report.lowest,
    last: report.current,
  });
  await model.dispose?.();
}

Deno.bench({
  name: `fixed concurrency ${NPROC}, server capacity ${CAPACITY}, ${SAMPLES} samples`,
  group: "api-concurrency",
  baseline: true,
  n: 3,
  warmup: 1,
  fn: async () => await ask("fixed"),
});

Deno.bench({
  name: `adaptive concurrency from ${NPROC}, server capacity ${CAPACITY}, ${SAMPLES} samples`,
  group: "api-concurrency",
  n: 3,
  warmup: 1,
  fn: async () => await ask("adaptive"),
});

globalThis.addEventListener("unload", () => {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `\n${LATENCY_MS} ms per answer, capacity ${CAPACITY} (ideal ${
      CAPACITY * 1000 / LATENCY_MS
    } samples/s); medians of every iteration, warm-up included:`,
  );
  for (const [mode, runs] of Object.entries(measures)) {
    if (runs.length === 0) continue;
    console.log(
      `  ${mode.padEnd(8)} ${median(runs.map((r) => r.samplesPerS)).toFixed(1)} samples/s, ` +
        `${median(runs.map((r) => r.rejected))} requests turned away (429), ` +
        `${median(runs.map((r) => r.failed))} samples failed, concurrency at its lowest ` +
        `${median(runs.map((r) => r.lowest))}, at the end ${median(runs.map((r) => r.last))}`,
    );
  }
  // The server is left to the process's exit: unload handlers cannot wait for its shutdown.
});
