/**
 * Model files from the Hugging Face hub, in the hub's own cache layout
 * (`$HF_HOME/hub/models--<owner>--<name>/{blobs,snapshots/<commit>,refs/<revision>}`), so that
 * files fetched by `huggingface-cli download` on a login node are found offline on a compute
 * node, and the other way round. Honours `HF_ENDPOINT`, `HF_HOME`, `HF_HUB_CACHE`,
 * `HF_HUB_OFFLINE` and `HF_TOKEN`. Downloads resume from a `.incomplete` blob after an
 * interruption (HTTP Range), as huggingface_hub does.
 */
import { dirname, join, relative } from "node:path";
import { homedir } from "node:os";
import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";

/** Where the hub and its cache are, from the environment. */
export interface HubSettings {
  /** `HF_ENDPOINT` (default `https://huggingface.co`), without a trailing slash. */
  endpoint: string;
  /** `HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
  cacheDir: string;
  /** `HF_HUB_OFFLINE` set to 1/true/yes/on: never ask the network. */
  offline: boolean;
  /** `HF_TOKEN`, sent as a bearer token. */
  token?: string;
}

/** Reads {@link HubSettings} from environment variables. */
export function hubSettings(env: Record<string, string | undefined>): HubSettings {
  const home = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "huggingface");
  return {
    endpoint: (env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, ""),
    cacheDir: env.HF_HUB_CACHE || join(home, "hub"),
    offline: ["1", "true", "yes", "on"].includes((env.HF_HUB_OFFLINE ?? "").toLowerCase()),
    token: env.HF_TOKEN || undefined,
  };
}

/** A file the model needs; `optional` ones may be absent from the repository. */
export interface WantedFile {
  /** Path inside the repository, e.g. `onnx/decoder_model_merged.onnx`. */
  path: string;
  /** Absent is fine (e.g. `processor_config.json`). */
  optional?: boolean;
}

/** Byte counts while a file downloads. */
export interface DownloadProgress {
  /** The repository path. */
  file: string;
  /** Bytes on disk so far (including a resumed part). */
  done: number;
  /** Total bytes, when the hub said. */
  total?: number;
}

/** The model's files are not in the cache and the network may not be used. */
export class HubOfflineError extends Error {
  /** A missing prerequisite: exit code 6. */
  readonly exitCode: ExitCode = EXIT_CODES.missingPrerequisite;
  /** Always `"HubOfflineError"`. */
  override name = "HubOfflineError";
}

/** The hub answered with an error, or the transfer failed after its retries. */
export class HubDownloadError extends Error {
  /** A missing prerequisite: exit code 6. */
  readonly exitCode: ExitCode = EXIT_CODES.missingPrerequisite;
  /** Always `"HubDownloadError"`. */
  override name = "HubDownloadError";
}

/** Options of {@link downloadSnapshot}. */
export interface DownloadOptions {
  /** Branch, tag or commit (default `main`). */
  revision?: string;
  /** Called as bytes arrive (throttling is the caller's). */
  onProgress?: (p: DownloadProgress) => void;
  /** Attempts per file, each resuming where the last stopped (default 3). */
  attempts?: number;
  /** Cancels the transfers. */
  signal?: AbortSignal;
}

/** `models--owner--name`: the repository's folder in the cache. */
export function repoCacheDir(settings: HubSettings, repo: string): string {
  return join(settings.cacheDir, `models--${repo.replaceAll("/", "--")}`);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** A snapshot folder holding every wanted file, or the missing ones. */
async function cachedSnapshot(
  settings: HubSettings,
  repo: string,
  revision: string,
  files: readonly WantedFile[],
): Promise<{ dir?: string; missing: string[] }> {
  const root = repoCacheDir(settings, repo);
  const commit = /^[0-9a-f]{40}$/.test(revision)
    ? revision
    : await readText(join(root, "refs", revision));
  if (!commit) return { missing: files.filter((f) => !f.optional).map((f) => f.path) };
  const dir = join(root, "snapshots", commit);
  const missing: string[] = [];
  for (const f of files) {
    if (f.optional) continue;
    if (!(await exists(join(dir, f.path)))) missing.push(f.path);
  }
  return { dir: missing.length === 0 ? dir : undefined, missing };
}

/** The hub's answer about one file: its commit, blob id, size and where to GET it. */
interface FileMeta {
  commit: string;
  etag: string;
  size?: number;
  url: string;
}

function headers(settings: HubSettings, extra: Record<string, string> = {}): Headers {
  const h = new Headers({ "user-agent": "vlmeval", ...extra });
  if (settings.token) h.set("authorization", `Bearer ${settings.token}`);
  return h;
}

async function fileMeta(
  settings: HubSettings,
  repo: string,
  revision: string,
  path: string,
  signal?: AbortSignal,
): Promise<FileMeta | undefined> {
  const url = `${settings.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "HEAD",
      redirect: "manual",
      headers: headers(settings, { "accept-encoding": "identity" }),
      signal,
    });
  } catch (err) {
    throw new HubDownloadError(
      `Cannot reach the Hugging Face hub at ${settings.endpoint} for ${repo}/${path}: ${
        (err as Error).message
      } (set HF_HUB_OFFLINE=1 to use the cache only, or HF_ENDPOINT for a mirror)`,
      { cause: err },
    );
  }
  await res.body?.cancel();
  if (res.status === 404) return undefined;
  if (res.status === 401 || res.status === 403) {
    throw new HubDownloadError(
      `Cannot download ${repo}/${path} as the hub refused it (HTTP ${res.status}): a gated or ` +
        `private repository needs HF_TOKEN`,
    );
  }
  if (res.status >= 400) {
    throw new HubDownloadError(
      `Cannot download ${repo}/${path} as the hub answered HTTP ${res.status}`,
    );
  }
  const commit = res.headers.get("x-repo-commit") ?? "";
  const etag = (res.headers.get("x-linked-etag") ?? res.headers.get("etag") ?? "")
    .replace(/^W\//, "").replaceAll('"', "");
  const size = Number(res.headers.get("x-linked-size") ?? res.headers.get("content-length") ?? NaN);
  if (!/^[0-9a-f]{40}$/.test(commit) || !/^[0-9A-Za-z._-]+$/.test(etag)) {
    throw new HubDownloadError(
      `Cannot download ${repo}/${path} as the hub's answer lacks a commit or an ETag: current ` +
        `values are "${commit}" and "${etag}"`,
    );
  }
  const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
  return {
    commit,
    etag,
    size: Number.isFinite(size) ? size : undefined,
    url: location ? new URL(location, url).href : url,
  };
}

async function fetchBlob(
  settings: HubSettings,
  meta: FileMeta,
  blob: string,
  file: string,
  opts: DownloadOptions,
): Promise<void> {
  const partial = `${blob}.incomplete`;
  const attempts = opts.attempts ?? 3;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    opts.signal?.throwIfAborted();
    let have = 0;
    try {
      have = (await Deno.stat(partial)).size;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    if (meta.size !== undefined && have > meta.size) {
      await Deno.remove(partial);
      have = 0;
    }
    try {
      if (meta.size === undefined || have < meta.size) {
        const res = await fetch(meta.url, {
          headers: headers(settings, have > 0 ? { range: `bytes=${have}-` } : {}),
          signal: opts.signal,
        });
        if (!res.ok) {
          await res.body?.cancel();
          throw new HubDownloadError(
            `Cannot download ${file} as the hub answered HTTP ${res.status}`,
          );
        }
        // A server that ignores Range sends the whole file again.
        const append = have > 0 && res.status === 206;
        if (!append) have = 0;
        const out = await Deno.open(partial, {
          write: true,
          create: true,
          append,
          truncate: !append,
        });
        try {
          const reader = res.body!.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            await out.write(value);
            have += value.length;
            opts.onProgress?.({ file, done: have, total: meta.size });
          }
        } finally {
          out.close();
        }
      }
      const size = (await Deno.stat(partial)).size;
      if (meta.size !== undefined && size !== meta.size) {
        throw new HubDownloadError(
          `Cannot complete ${file} as the transfer ended early: ${size} of ${meta.size} bytes`,
        );
      }
      await Deno.rename(partial, blob);
      return;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      lastError = err;
    }
  }
  throw new HubDownloadError(
    `Cannot download ${file} after ${attempts} attempts (the partial file is kept and the next ` +
      `run resumes it): ${(lastError as Error).message}`,
    { cause: lastError },
  );
}

/** A relative symlink, as huggingface_hub makes (the cache can move); a copy where links fail. */
async function linkIntoSnapshot(blob: string, target: string): Promise<void> {
  await Deno.mkdir(dirname(target), { recursive: true });
  try {
    await Deno.remove(target);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  try {
    await Deno.symlink(relative(dirname(target), blob), target);
  } catch {
    await Deno.copyFile(blob, target);
  }
}

/**
 * A local folder with the wanted files of `repo` at `revision`: the cached snapshot when it is
 * complete, else downloaded into the cache (unless offline). Returns the snapshot folder.
 *
 * @throws {HubOfflineError} offline (or `HF_HUB_OFFLINE`) with files missing: the message names
 * them, the cache folder, and how to fetch them.
 * @throws {HubDownloadError} when a required file is not in the repository or a transfer fails.
 */
export async function downloadSnapshot(
  settings: HubSettings,
  repo: string,
  files: readonly WantedFile[],
  opts: DownloadOptions = {},
): Promise<string> {
  const revision = opts.revision ?? "main";
  const cached = await cachedSnapshot(settings, repo, revision, files);
  if (cached.dir) return cached.dir;
  if (settings.offline) {
    throw new HubOfflineError(
      `Cannot load ${repo} as HF_HUB_OFFLINE is set and the cache ${
        repoCacheDir(settings, repo)
      } lacks ${cached.missing.join(", ")}: on a machine with internet run ` +
        `\`HF_HOME=<shared folder> huggingface-cli download ${repo} ${
          cached.missing.join(" ")
        }\` ` +
        `(or this same command, which downloads into $HF_HOME), then point HF_HOME here at that ` +
        `folder; or pass --model PATH to a folder holding the files`,
    );
  }
  const root = repoCacheDir(settings, repo);
  await Deno.mkdir(join(root, "blobs"), { recursive: true });
  let commit: string | undefined;
  for (const f of files) {
    const meta = await fileMeta(settings, repo, revision, f.path, opts.signal);
    if (!meta) {
      if (f.optional) continue;
      throw new HubDownloadError(
        `Cannot download ${repo}/${f.path} as the repository has no such file (HTTP 404); ` +
          `choose another --dtype, or export the model to ONNX and pass --model PATH`,
      );
    }
    if (commit && meta.commit !== commit) {
      throw new HubDownloadError(
        `Cannot download ${repo} as its ${revision} moved during the download (${commit} then ` +
          `${meta.commit}); run again`,
      );
    }
    commit = meta.commit;
    const blob = join(root, "blobs", meta.etag);
    if (!(await exists(blob))) await fetchBlob(settings, meta, blob, `${repo}/${f.path}`, opts);
    await linkIntoSnapshot(blob, join(root, "snapshots", meta.commit, f.path));
  }
  if (!commit) throw new HubDownloadError(`Cannot download ${repo} as no file was found`);
  if (!/^[0-9a-f]{40}$/.test(revision)) {
    await Deno.mkdir(join(root, "refs"), { recursive: true });
    await Deno.writeTextFile(join(root, "refs", revision), commit);
  }
  return join(root, "snapshots", commit);
}
