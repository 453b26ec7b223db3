import { basename, dirname } from "node:path";
import { acquireLock, commitFile, parseRetryAfter, sleep } from "@vlmeval/internal";
import { type Checksum, createHasher, type Hasher, hashFile, hashFileInto } from "./_checksum.ts";
import type { DownloadProgress } from "./download_progress.ts";
import { ChecksumMismatchError, DatasetDownloadError } from "../errors.ts";

export type { Checksum } from "./_checksum.ts";

/** Options of {@linkcode downloadFile}. */
export interface DownloadFileOptions {
  /** The URL to download (already through `sourceUrl`). */
  url: string;
  /** Final path; the data goes to `<dest>.part` first and is renamed when verified. */
  dest: string;
  /** Checked before the rename; a mismatch leaves nothing under `dest`. */
  checksum?: Checksum;
  /** Extra request headers (an `Authorization` for Hugging Face). */
  headers?: Record<string, string>;
  /** Attempts after the first, for network errors, timeouts, 408, 429 and 5xx. @default 5 */
  retries?: number;
  /** Ms to wait for the response headers. @default 30_000 */
  connectTimeoutMs?: number;
  /** Ms without a byte of body before the attempt is given up. @default 60_000 */
  stallTimeoutMs?: number;
  /** First back-off in ms, doubled per attempt (at most 30 s), with ±20% jitter. @default 1000 */
  backoffMs?: number;
  /** A lock not refreshed for this long is taken over. @default 60_000 */
  lockStaleMs?: number;
  /** Pause between looks at another process's lock. @default 500 */
  lockPollMs?: number;
  /** Progress display (bytes, rate, ETA); none by default. */
  progress?: DownloadProgress;
  /** The name shown in progress lines. @default the file name */
  label?: string;
  /** Aborting stops the download; the part is kept. */
  signal?: AbortSignal;
}

/** What {@linkcode downloadFile} did. */
export interface DownloadResult {
  /** The final path. */
  path: string;
  /** Size of the file. */
  bytes: number;
  /** False when another process downloaded it while this one waited on the lock. */
  downloaded: boolean;
  /** Requests made (0 when another process did the work). */
  attempts: number;
  /** Bytes that were on disk from an interrupted download and were not fetched again. */
  resumedBytes: number;
}

class RetryableError extends Error {
  override name = "RetryableError";
  constructor(message: string, readonly status?: number, readonly retryAfterMs?: number) {
    super(message);
  }
}

interface PartMeta {
  /** Identifies what the part is a part of: the checksum, or the URL when there is none. */
  key: string;
  etag?: string;
  lastModified?: string;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * The lock of one download (`<dest>.lock`) and of one video benchmark's fetch: stale after a
 * minute without refresh; a live holder is waited for as long as it takes (a download may take
 * hours), and aborting the signal ends the wait.
 */
export const DOWNLOAD_LOCK = { staleMs: 60_000, pollMs: 500, maxWaitMs: Infinity } as const;

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function statusReason(res: Response, url: string): string {
  const hint = res.status === 401 || res.status === 403
    ? " (a gated Hugging Face dataset needs its licence accepted and HF_TOKEN set)"
    : res.status === 404
    ? " (check the name, or the mirror's copy of this path)"
    : "";
  return `${url} answered HTTP ${res.status} ${res.statusText}${hint}`;
}

/**
 * Downloads `url` to `dest`: streamed to `<dest>.part` beside it, resumed with an HTTP Range
 * request after an interruption (a `206` whose `Content-Range` starts where the part ends;
 * a `200` restarts cleanly), retried with exponential back-off on network errors, timeouts,
 * 408, 429 and 5xx, checked against `checksum`, synced to disk and renamed into place. A lock
 * file `<dest>.lock` makes concurrent fetches of one file download it once: the others wait
 * and then verify the finished file.
 *
 * @throws {ChecksumMismatchError} when the finished download's checksum is not `checksum`
 *   (after one clean restart when it was a resumed download); nothing is left under `dest`
 * @throws {DatasetDownloadError} for an HTTP status retrying cannot change (404, 403, ...) or
 *   when every attempt failed
 *
 * @example
 * ```ts ignore
 * import { downloadFile } from "@vlmeval/catalog";
 * await downloadFile({
 *   url: "https://opencompass.openxlab.space/utils/VLMEval/MMStar.tsv",
 *   dest: "/data/LMUData/MMStar.tsv",
 *   checksum: { algorithm: "md5", hex: "e1ecd2140806c1b1bbf54b43372efb9e" },
 * });
 * ```
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadResult> {
  const retries = options.retries ?? 5;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new RangeError(
      `Cannot download as retries must be an integer >= 0: current value is ${retries}`,
    );
  }
  const dest = options.dest;
  await Deno.mkdir(dirname(dest), { recursive: true });
  const label = options.label ?? basename(dest);
  const lock = await acquireLock(`${dest}.lock`, {
    staleMs: options.lockStaleMs ?? DOWNLOAD_LOCK.staleMs,
    pollMs: options.lockPollMs ?? DOWNLOAD_LOCK.pollMs,
    maxWaitMs: DOWNLOAD_LOCK.maxWaitMs,
    signal: options.signal,
    onWait: (holder) => options.progress?.note(`${label}: waiting for ${holder} to finish it`),
  });
  try {
    if (lock.waited) {
      const done = await finishedByOther(dest, options.checksum);
      if (done !== undefined) {
        options.progress?.note(`${label}: fetched by another process, verified`);
        return { path: dest, bytes: done, downloaded: false, attempts: 0, resumedBytes: 0 };
      }
    }
    return await downloadHoldingLock(options, label, retries);
  } finally {
    await lock.release();
  }
}

/** The size of `dest` when another process left it there complete (and verified), else undefined. */
async function finishedByOther(dest: string, checksum?: Checksum): Promise<number | undefined> {
  const size = await sizeOf(dest);
  if (size === undefined) return undefined;
  if (!checksum) return size;
  return (await hashFile(dest, { ...checksum, size })) === checksum.hex ? size : undefined;
}

async function downloadHoldingLock(
  options: DownloadFileOptions,
  label: string,
  retries: number,
): Promise<DownloadResult> {
  const { url, dest, checksum, progress } = options;
  const part = `${dest}.part`;
  const metaPath = `${dest}.part.json`;
  const key = checksum ? `${checksum.algorithm}:${checksum.hex}` : url;
  const backoffMs = options.backoffMs ?? 1000;
  let meta: PartMeta = { key };
  try {
    const old = JSON.parse(await Deno.readTextFile(metaPath)) as PartMeta;
    if (old.key === key) meta = old;
    else await discardPart(part, metaPath);
  } catch {
    await discardPart(part, metaPath);
  }
  let attempts = 0;
  let restartedAfterMismatch = false;
  let firstResumed: number | undefined;
  while (true) {
    options.signal?.throwIfAborted();
    attempts++;
    const offset = (await sizeOf(part)) ?? 0;
    firstResumed ??= offset;
    const hasher = checksum ? createHasher({ ...checksum }) : undefined;
    try {
      const outcome = await transferOnce({
        ...options,
        label,
        part,
        metaPath,
        meta,
        offset,
        hasher,
      });
      meta = outcome.meta;
      if (checksum && hasher) {
        const actual = hasher.hex();
        if (actual !== checksum.hex) {
          await discardPart(part, metaPath);
          if (outcome.resumed && !restartedAfterMismatch) {
            restartedAfterMismatch = true;
            progress?.note(
              `${label}: the resumed download does not match its ${checksum.algorithm}; ` +
                `downloading it again from the start`,
            );
            continue;
          }
          throw new ChecksumMismatchError(dest, checksum.algorithm, checksum.hex, actual, url);
        }
      }
      await commitFile(part, dest, { syncFolder: true });
      await Deno.remove(metaPath).catch(() => {});
      return {
        path: dest,
        bytes: outcome.size,
        downloaded: true,
        attempts,
        resumedBytes: firstResumed,
      };
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      if (options.signal?.aborted) throw options.signal.reason;
      if (attempts > retries) {
        throw new DatasetDownloadError(
          `Cannot download ${url} as ${error.message} (${attempts} attempt${
            attempts === 1 ? "" : "s"
          }); the part downloaded so far is kept in ${part} and the next fetch resumes it`,
          url,
          error.status,
          { cause: error },
        );
      }
      const exp = Math.min(30_000, backoffMs * 2 ** (attempts - 1));
      const wait = Math.min(60_000, error.retryAfterMs ?? exp * (0.8 + 0.4 * Math.random()));
      progress?.note(
        `${label}: ${error.message}; attempt ${attempts + 1} of ${retries + 1} in ` +
          `${(wait / 1000).toFixed(1)} s`,
      );
      await sleep(wait, options.signal);
    }
  }
}

async function discardPart(part: string, metaPath: string): Promise<void> {
  await Deno.remove(part).catch(() => {});
  await Deno.remove(metaPath).catch(() => {});
}

interface TransferInput extends DownloadFileOptions {
  label: string;
  part: string;
  metaPath: string;
  meta: PartMeta;
  offset: number;
  hasher?: Hasher;
}

/** One request: appends to the part (or restarts it) until the body ends. */
async function transferOnce(
  input: TransferInput,
): Promise<{ size: number; resumed: boolean; meta: PartMeta }> {
  const { url, part, progress, hasher } = input;
  let offset = input.offset;
  const controller = new AbortController();
  const onAbort = () => controller.abort(input.signal?.reason);
  input.signal?.addEventListener("abort", onAbort, { once: true });
  const headers: Record<string, string> = { "accept-encoding": "identity", ...input.headers };
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    // A weak ETag cannot validate a range (RFC 9110 13.1.5): the date stands in for it.
    const etag = input.meta.etag?.startsWith("W/") ? undefined : input.meta.etag;
    const validator = etag ?? input.meta.lastModified;
    if (validator) headers["if-range"] = validator;
  }
  let timedOut: string | undefined;
  const connectMs = input.connectTimeoutMs ?? 30_000;
  const connectTimer = setTimeout(() => {
    timedOut = `no response within ${connectMs / 1000} s`;
    controller.abort();
  }, connectMs);
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: controller.signal });
  } catch (error) {
    input.signal?.removeEventListener("abort", onAbort);
    if (input.signal?.aborted) throw input.signal.reason;
    throw new RetryableError(timedOut ?? `the request failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(connectTimer);
  }
  try {
    let total: number | undefined;
    let append = false;
    if (res.status === 206 && offset > 0) {
      const range = res.headers.get("content-range")?.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/);
      if (!range || Number(range[1]) !== offset) {
        await res.body?.cancel();
        await Deno.truncate(part, 0);
        throw new RetryableError(
          `the server answered the range request with Content-Range ` +
            `"${res.headers.get("content-range")}" instead of one starting at byte ${offset}`,
        );
      }
      total = range[3] === "*" ? undefined : Number(range[3]);
      append = true;
    } else if (res.status === 416 && offset > 0) {
      await res.body?.cancel();
      const whole = res.headers.get("content-range")?.match(/^bytes \*\/(\d+)$/);
      if (whole && Number(whole[1]) === offset) {
        // The part is already the whole file (the previous attempt died before the rename).
        if (hasher) await hashFileInto(part, hasher);
        return { size: offset, resumed: true, meta: input.meta };
      }
      await Deno.truncate(part, 0);
      throw new RetryableError(`the server refused the range from byte ${offset} (HTTP 416)`);
    } else if (res.ok) {
      if (offset > 0) {
        progress?.note(`${input.label}: the server sent the whole file again; restarting it`);
      }
      const length = res.headers.get("content-length");
      total = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
      offset = 0;
    } else {
      await res.body?.cancel();
      const reason = statusReason(res, url);
      if (RETRYABLE_STATUS.has(res.status)) {
        throw new RetryableError(
          reason,
          res.status,
          parseRetryAfter(res.headers.get("retry-after")),
        );
      }
      throw new DatasetDownloadError(`Cannot download ${url} as ${reason}`, url, res.status);
    }
    const meta: PartMeta = {
      key: input.meta.key,
      etag: res.headers.get("etag") ?? undefined,
      lastModified: res.headers.get("last-modified") ?? undefined,
    };
    if (!append) {
      // A fresh start: the validators are this response's.
      await Deno.writeTextFile(input.metaPath, JSON.stringify(meta));
    } else {
      meta.etag ??= input.meta.etag;
      meta.lastModified ??= input.meta.lastModified;
    }
    if (append && hasher) await hashFileInto(part, hasher, offset);
    const size = await streamBody(res, input, { offset, total, append, controller, hasher });
    if (total !== undefined && size !== total) {
      throw new RetryableError(`the transfer ended at byte ${size} of ${total}`);
    }
    return { size, resumed: append, meta };
  } finally {
    input.signal?.removeEventListener("abort", onAbort);
  }
}

async function streamBody(
  res: Response,
  input: TransferInput,
  state: {
    offset: number;
    total?: number;
    append: boolean;
    controller: AbortController;
    hasher?: Hasher;
  },
): Promise<number> {
  const { progress, part } = input;
  const stallMs = input.stallTimeoutMs ?? 60_000;
  using file = await Deno.open(part, {
    write: true,
    create: true,
    append: state.append,
    truncate: !state.append,
  });
  let size = state.offset;
  progress?.start(input.label, state.total, size);
  let ok = false;
  const reader = res.body!.getReader();
  try {
    while (true) {
      let stallTimer: ReturnType<typeof setTimeout> | undefined;
      const stalled = new Promise<never>((_, reject) => {
        stallTimer = setTimeout(() => {
          reject(new RetryableError(`no data for ${stallMs / 1000} s (stalled at byte ${size})`));
          state.controller.abort();
        }, stallMs);
      });
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await Promise.race([reader.read(), stalled]);
      } catch (error) {
        if (error instanceof RetryableError) throw error;
        if (input.signal?.aborted) throw input.signal.reason;
        throw new RetryableError(
          `the connection broke at byte ${size}: ${(error as Error).message}`,
        );
      } finally {
        clearTimeout(stallTimer);
      }
      if (chunk.done) break;
      let written = 0;
      while (written < chunk.value.length) {
        written += await file.write(chunk.value.subarray(written));
      }
      state.hasher?.update(chunk.value);
      size += chunk.value.length;
      progress?.advance(size);
    }
    await file.sync();
    ok = true;
    return size;
  } finally {
    reader.releaseLock();
    await res.body?.cancel().catch(() => {});
    progress?.finish(ok);
  }
}
