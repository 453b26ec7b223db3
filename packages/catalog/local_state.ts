import { join } from "node:path";
import { dataRootTsvPath } from "@vlmeval/datasets";
import type { CatalogEntry } from "./catalog.ts";
import { cachedMd5 } from "./fetch/_md5_cache.ts";

/** Whether a benchmark is on disk, and whether it is the catalog's file. */
export type LocalStateName = "absent" | "verified" | "md5_mismatch" | "unverified";

/** What {@linkcode localState} found. */
export interface LocalState {
  /**
   * `absent`; `verified` (the catalog's MD5, or for a video benchmark a completed fetch whose
   * sources were verified); `md5_mismatch` (present, another MD5); `unverified` (present, and
   * there is no MD5 to check it against: none in the catalog, or a video benchmark's TSV
   * without the record of a completed fetch).
   */
  state: LocalStateName;
  /** The TSV's path (present or not). */
  path: string;
  /** Bytes of the TSV when present. */
  size?: number;
  /** MD5 of the TSV when present. */
  md5?: string;
  /** Bytes of an interrupted download waiting to be resumed. */
  partialBytes?: number;
}

/** Name of the record a completed video fetch leaves in the benchmark's folder. */
export const VIDEO_FETCH_RECORD = ".vlmeval-fetch.json";

/** The record {@link VIDEO_FETCH_RECORD} holds. */
export interface VideoFetchRecord {
  /** The benchmark. */
  name: string;
  /** Its repository. */
  repo: string;
  /** The revision fetched. */
  revision: string;
  /** MD5 of the TSV written (or downloaded). */
  tsv_md5: string;
  /** True when that MD5 is VLMEvalKit's (its generated TSV, byte for byte). */
  matches_vlmevalkit_md5: boolean;
  /** The repository files fetched, each verified against the repository's checksum. */
  files: { path: string; size: number; checksum: string }[];
  /** When the fetch completed (ISO 8601). */
  fetched_at: string;
}

/**
 * Where a benchmark's TSV lives under the data root (`dataRootTsvPath` of `@vlmeval/datasets`,
 * where `--data NAME` finds it): `<root>/<name>.tsv`, or for a video benchmark
 * `<root>/<name>/<name>.tsv` beside its `video/` folder.
 */
export function benchmarkTsvPath(root: string, entry: CatalogEntry): string {
  return dataRootTsvPath(root, entry.name, { video: entry.video !== undefined });
}

async function statOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  return await Deno.stat(path).catch(() => undefined);
}

/** Reads a video benchmark's fetch record, or undefined when there is none (or it is torn). */
export async function readVideoFetchRecord(folder: string): Promise<VideoFetchRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(folder, VIDEO_FETCH_RECORD)));
  } catch {
    return undefined;
  }
}

/**
 * The local state of a benchmark under `root`. MD5s are remembered beside the files by size
 * and mtime, so a second listing reads no TSV again.
 */
export async function localState(entry: CatalogEntry, root: string): Promise<LocalState> {
  const path = benchmarkTsvPath(root, entry);
  const info = await statOrUndefined(path);
  if (!info?.isFile) {
    const part = await statOrUndefined(`${path}.part`);
    return { state: "absent", path, ...(part ? { partialBytes: part.size } : {}) };
  }
  const md5 = await cachedMd5(path);
  let expected = entry.md5;
  if (entry.video) {
    // Only a completed fetch vouches for the videos beside the TSV; a TSV without its record
    // (a fetch cut short, or a copy made by hand) is present but unverified.
    const record = await readVideoFetchRecord(join(root, entry.name));
    expected = record ? record.tsv_md5 : null;
  }
  const state: LocalStateName = expected === null
    ? "unverified"
    : md5 === expected
    ? "verified"
    : "md5_mismatch";
  return { state, path, size: info.size, md5 };
}
