import { join } from "node:path";
import { readJsonl } from "@vlmeval/internal";
import { isFailure } from "@vlmeval/schema";
import type { JournalSummary } from "./types.ts";

interface JournalLine {
  index: string;
  prediction: string;
  ok: boolean;
  ms?: number;
  time?: number;
}

function asRecord(value: unknown): JournalLine | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const v = value as { [key: string]: unknown };
  if (typeof v.index !== "string" || typeof v.prediction !== "string") return undefined;
  return {
    index: v.index,
    prediction: v.prediction,
    ok: v.ok !== false && !isFailure(v.prediction),
    ms: typeof v.ms === "number" ? v.ms : undefined,
    time: typeof v.time === "number" ? v.time : undefined,
  };
}

/**
 * What a benchmark's journal folder (`<stem>.journal/`, one append-only JSONL per rank plus
 * `prev.jsonl`) says, read the way the evaluation loop merges it: per index a success beats a
 * failure and among equals the latest wins. A torn last line is counted, not fatal. Undefined
 * when the folder holds no journal.
 */
export async function readJournalSummary(dir: string): Promise<JournalSummary | undefined> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile) names.push(entry.name);
  }
  const journals = names.filter((n) => /^(prev|rank\d+of\d+)\.jsonl$/.test(n)).sort();
  if (journals.length === 0) return undefined;
  const best = new Map<string, JournalLine>();
  const worldSizes = new Set<number>();
  let skippedLines = 0;
  let msSum = 0;
  let msCount = 0;
  let firstTime: number | undefined;
  let lastTime: number | undefined;
  for (const name of journals) {
    const world = name.match(/of(\d+)\./);
    if (world) worldSizes.add(Number(world[1]));
    const { values, skipped } = readJsonl(await Deno.readTextFile(join(dir, name)));
    skippedLines += skipped;
    for (const value of values) {
      const record = asRecord(value);
      if (!record) {
        skippedLines++;
        continue;
      }
      if (record.ms !== undefined) {
        msSum += record.ms;
        msCount++;
      }
      if (record.time !== undefined) {
        firstTime = Math.min(firstTime ?? record.time, record.time);
        lastTime = Math.max(lastTime ?? record.time, record.time);
      }
      const held = best.get(record.index);
      if (!held || record.ok || !held.ok) best.set(record.index, record);
    }
  }
  const predictions = new Map<string, string>();
  let failed = 0;
  for (const [index, record] of best) {
    predictions.set(index, record.prediction);
    if (!record.ok) failed++;
  }
  return {
    records: best.size,
    failed,
    firstTime,
    lastTime,
    meanMs: msCount ? msSum / msCount : undefined,
    worldSizes: [...worldSizes].sort((a, b) => a - b),
    doneRanks: names.filter((n) => /^rank\d+of\d+\.done$/.test(n)).length,
    skippedLines,
    predictions,
  };
}
