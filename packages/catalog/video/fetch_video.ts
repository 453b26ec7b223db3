import { join } from "node:path";
import { acquireLock, writeAtomically } from "@vlmeval/internal";
import type { CatalogEntry, UnpackStep } from "../catalog.ts";
import { hashFile } from "../fetch/_checksum.ts";
import { cachedMd5, rememberMd5 } from "../fetch/_md5_cache.ts";
import { DOWNLOAD_LOCK, downloadFile } from "../fetch/download_file.ts";
import type { EnsuredDataset, FetchSettings } from "../ensured_dataset.ts";
import { DatasetLayoutError } from "../errors.ts";
import { globToRegExp, listRepoFiles, type RepoFile, repoFileUrl, repoTreeUrl } from "./hf_repo.ts";
import { authHeaders } from "../fetch/source_url.ts";
import {
  benchmarkTsvPath,
  readVideoFetchRecord,
  VIDEO_FETCH_RECORD,
  type VideoFetchRecord,
} from "../local_state.ts";
import { unpickleVideos } from "./_pickle_videos.ts";
import { unzipArchive } from "./_unzip.ts";
import { mvbenchTsv, videoMmeTsv } from "./_video_tsv.ts";

/** Options of {@linkcode fetchVideoBenchmark}: the fetch settings of `ensureDataset`, resolved. */
export interface FetchVideoOptions extends FetchSettings {
  /** Environment for the mirror, the endpoint and the token. */
  env: Record<string, string | undefined>;
  /** Warnings (a TSV that is not VLMEvalKit's byte for byte). */
  warn: (line: string) => void;
}

async function isCompleteHere(folder: string, tsv: string): Promise<boolean> {
  const record = await readVideoFetchRecord(folder);
  if (!record) return false;
  const present = await Deno.stat(tsv).catch(() => undefined);
  return !!present?.isFile && await cachedMd5(tsv) === record.tsv_md5;
}

/**
 * Fetches a video benchmark as VLMEvalKit's `prepare_dataset` does with `snapshot_download`,
 * into `<root>/<name>/` (the layout `@vlmeval/datasets` reads: `<name>.tsv` beside `video/`):
 * lists its Hugging Face repository, downloads the files the catalog names (each verified
 * against the repository's SHA-256 or git SHA-1, resumable, one download per file across
 * processes), unpacks the archives as the catalog's steps say, writes or takes the TSV, and
 * records the fetch in `.vlmeval-fetch.json`. One process does this per benchmark at a time;
 * the others wait and use its result.
 *
 * @throws {DatasetDownloadError} when the listing or a file cannot be had
 * @throws {ChecksumMismatchError} when a file is not the repository's
 * @throws {DatasetLayoutError} when an archive or source file cannot be unpacked
 */
export async function fetchVideoBenchmark(
  entry: CatalogEntry,
  root: string,
  options: FetchVideoOptions,
): Promise<EnsuredDataset> {
  const source = entry.video!;
  const folder = join(root, entry.name);
  const tsv = benchmarkTsvPath(root, entry);
  if (await isCompleteHere(folder, tsv)) return { entry, path: tsv, root, action: "present" };
  await Deno.mkdir(folder, { recursive: true });
  const lock = await acquireLock(join(root, `${entry.name}.lock`), {
    ...DOWNLOAD_LOCK,
    signal: options.signal,
    onWait: (holder) => options.warn(`vlmeval: ${entry.name}: waiting for ${holder} to fetch it`),
  });
  try {
    if (lock.waited && await isCompleteHere(folder, tsv)) {
      return { entry, path: tsv, root, action: "fetched_by_other" };
    }
    const env = options.env;
    const listUrl = `https://huggingface.co/api/datasets/${source.repo}`;
    const all = await listRepoFiles(source.repo, source.revision, {
      env,
      headers: authHeaders(repoTreeUrl(source.repo, source.revision, env), env),
      timeoutMs: options.connectTimeoutMs,
      signal: options.signal,
    });
    const patterns = source.include.map(globToRegExp);
    const wanted = all.filter((f) => patterns.some((p) => p.test(f.path)));
    if (wanted.length === 0) {
      throw new DatasetLayoutError(
        listUrl,
        `Cannot fetch ${entry.name} as its repository ${source.repo}@${source.revision} lists ` +
          `no file matching ${source.include.join(", ")}`,
      );
    }
    for (const file of wanted) await fetchRepoFile(entry, folder, file, options);
    for (const step of source.unpack) await unpack(folder, step, options.warn);
    const tsvMd5 = await writeTsv(entry, folder, tsv, options.warn);
    const record: VideoFetchRecord = {
      name: entry.name,
      repo: source.repo,
      revision: source.revision,
      tsv_md5: tsvMd5,
      matches_vlmevalkit_md5: tsvMd5 === entry.md5,
      files: wanted.map((f) => ({
        path: f.path,
        size: f.size,
        checksum: `${f.checksum.algorithm}:${f.checksum.hex}`,
      })),
      fetched_at: new Date().toISOString(),
    };
    await writeAtomically(
      join(folder, VIDEO_FETCH_RECORD),
      (temp) => Deno.writeTextFile(temp, JSON.stringify(record, null, 1) + "\n"),
    );
    if (!options.keepArchives) await removeArchives(folder, source.unpack);
    return { entry, path: tsv, root, action: "downloaded" };
  } finally {
    await lock.release();
  }
}

async function fetchRepoFile(
  entry: CatalogEntry,
  folder: string,
  file: RepoFile,
  options: FetchVideoOptions,
): Promise<void> {
  const source = entry.video!;
  const dest = join(folder, ...file.path.split("/"));
  const present = await Deno.stat(dest).catch(() => undefined);
  if (present?.isFile && present.size === file.size) {
    if (await hashFile(dest, file.checksum) === file.checksum.hex) return;
  }
  const url = repoFileUrl(source.repo, source.revision, file.path, options.env);
  await downloadFile({
    url,
    dest,
    checksum: file.checksum,
    headers: authHeaders(url, options.env),
    retries: options.retries,
    connectTimeoutMs: options.connectTimeoutMs,
    stallTimeoutMs: options.stallTimeoutMs,
    backoffMs: options.backoffMs,
    progress: options.progress,
    label: `${entry.name}/${file.path}`,
    signal: options.signal,
  });
}

async function matching(folder: string, glob: string): Promise<string[]> {
  const pattern = globToRegExp(glob);
  const segments = glob.split("/");
  const dir = join(folder, ...segments.slice(0, -1));
  const prefix = segments.slice(0, -1).join("/");
  const found: string[] = [];
  try {
    for await (const item of Deno.readDir(dir)) {
      const rel = prefix ? `${prefix}/${item.name}` : item.name;
      if (item.isFile && pattern.test(rel)) found.push(rel);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found.sort();
}

async function unpack(folder: string, step: UnpackStep, warn: (line: string) => void) {
  if (step.kind === "move_up") {
    await moveUp(join(folder, step.from), join(folder, step.into), warn);
    return;
  }
  const archives = await matching(folder, step.archives);
  for (const rel of archives) {
    const archive = join(folder, ...rel.split("/"));
    const into = join(folder, step.into);
    if (step.kind === "pickle_videos") {
      await unpickleVideos(archive, into, step.suffix);
    } else {
      await Deno.mkdir(into, { recursive: true });
      await unzipArchive(archive, into, step.kind === "zip_flat");
    }
  }
}

/** MVBench's `move_files`: `from/<a>/<b>/<item>` to `into/<a>/<b>/<item>`. */
async function moveUp(from: string, into: string, warn: (line: string) => void) {
  const dirs = async (path: string) => {
    const out: string[] = [];
    for await (const item of Deno.readDir(path)) if (item.isDirectory) out.push(item.name);
    return out.sort();
  };
  let firsts: string[];
  try {
    firsts = await dirs(from);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const a of firsts) {
    for (const b of await dirs(join(from, a))) {
      const target = join(into, a, b);
      await Deno.mkdir(target, { recursive: true });
      for await (const item of Deno.readDir(join(from, a, b))) {
        try {
          await Deno.rename(join(from, a, b, item.name), join(target, item.name));
        } catch (error) {
          warn(
            `vlmeval: could not move ${join(from, a, b, item.name)}: ${(error as Error).message}`,
          );
        }
      }
    }
  }
}

async function writeTsv(
  entry: CatalogEntry,
  folder: string,
  tsv: string,
  warn: (line: string) => void,
): Promise<string> {
  const spec = entry.video!.tsv;
  if (spec.from === "repo") {
    const from = join(folder, ...spec.path.split("/"));
    if (from !== tsv) await Deno.copyFile(from, tsv);
  } else {
    const made: { text: string; missingVideos?: string[] } = spec.from === "videomme_parquet"
      ? await videoMmeTsv(join(folder, ...spec.path.split("/")))
      : await mvbenchTsv(folder, spec.path, spec.tasks);
    if (made.missingVideos && made.missingVideos.length > 0) {
      warn(
        `vlmeval: ${entry.name}: ${made.missingVideos.length} question(s) name a video the ` +
          `repository does not hold (first: ${made.missingVideos[0]}); they are kept and will be ` +
          `recorded as failed samples (VLMEvalKit stops here)`,
      );
    }
    await writeAtomically(tsv, (temp) => Deno.writeTextFile(temp, made.text));
  }
  const md5 = await cachedMd5(tsv);
  await rememberMd5(tsv, md5);
  if (entry.md5 && md5 !== entry.md5) {
    warn(
      `vlmeval: ${entry.name}: the TSV's MD5 is ${md5}, VLMEvalKit's is ${entry.md5}` +
        (spec.from === "repo"
          ? ""
          : " (written here from the verified source files; VLMEvalKit writes it with pandas)"),
    );
  }
  return md5;
}

async function removeArchives(folder: string, steps: UnpackStep[]): Promise<void> {
  for (const step of steps) {
    if (step.kind === "move_up") continue;
    for (const rel of await matching(folder, step.archives)) {
      await Deno.remove(join(folder, ...rel.split("/"))).catch(() => {});
    }
  }
}
