import type { Checksum } from "../fetch/_checksum.ts";
import { DatasetDownloadError } from "../errors.ts";
import { sourceUrl } from "../fetch/source_url.ts";

/** A file of a Hugging Face dataset repository, with the checksum its listing gives. */
export interface RepoFile {
  /** Path inside the repository (`/`-separated). */
  path: string;
  /** Bytes. */
  size: number;
  /** SHA-256 for LFS files, the git blob SHA-1 for the others. */
  checksum: Checksum;
}

interface TreeItem {
  type?: string;
  path?: string;
  size?: number;
  oid?: string;
  lfs?: { oid?: string; size?: number };
}

/** Options of {@linkcode listRepoFiles}. */
export interface ListRepoFilesOptions {
  /** Environment for `VLMEVAL_DATA_MIRROR` and `HF_ENDPOINT`. */
  env?: Record<string, string | undefined>;
  /** Request headers (a token). */
  headers?: Record<string, string>;
  /** Ms to wait for each page. @default 30_000 */
  timeoutMs?: number;
  /** Aborts the listing. */
  signal?: AbortSignal;
}

/**
 * `https://huggingface.co/<kind>/<repo>/resolve/<revision>/<path>` through
 * `VLMEVAL_DATA_MIRROR` / `HF_ENDPOINT` (each path segment URL-encoded).
 */
export function repoFileUrl(
  repo: string,
  revision: string,
  path: string,
  env?: Record<string, string | undefined>,
): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return sourceUrl(`https://huggingface.co/datasets/${repo}/resolve/${revision}/${encoded}`, env);
}

/** The listing URL of a dataset repository (the Hub's tree API, recursive). */
export function repoTreeUrl(
  repo: string,
  revision: string,
  env?: Record<string, string | undefined>,
): string {
  return sourceUrl(
    `https://huggingface.co/api/datasets/${repo}/tree/${
      encodeURIComponent(revision)
    }?recursive=true`,
    env,
  );
}

function checkPath(path: string, url: string): void {
  const segments = path.split("/");
  if (
    path === "" || path.startsWith("/") || path.includes("\\") || path.includes("\0") ||
    segments.some((s) => s === "" || s === "." || s === "..")
  ) {
    throw new DatasetDownloadError(
      `Cannot use the listing of ${url} as it names a file outside the repository: ` +
        JSON.stringify(path),
      url,
    );
  }
}

/**
 * Lists the files of a Hugging Face dataset repository at `revision` through the Hub's tree API
 * (`/api/datasets/<repo>/tree/<revision>?recursive=true`, following `Link: rel="next"` pages),
 * as `huggingface_hub.snapshot_download` does before it downloads. A mirror serves the same path.
 *
 * @throws {DatasetDownloadError} when the listing cannot be had or names a path that leaves
 *   the repository
 */
export async function listRepoFiles(
  repo: string,
  revision: string,
  options: ListRepoFilesOptions = {},
): Promise<RepoFile[]> {
  const files: RepoFile[] = [];
  let url: string | undefined = repoTreeUrl(repo, revision, options.env);
  for (let page = 0; url !== undefined && page < 1000; page++) {
    const signal = AbortSignal.any([
      AbortSignal.timeout(options.timeoutMs ?? 30_000),
      ...(options.signal ? [options.signal] : []),
    ]);
    let res: Response;
    let items: TreeItem[];
    try {
      res = await fetch(url, { headers: options.headers, signal });
      if (!res.ok) {
        await res.body?.cancel();
        const hint = res.status === 401 || res.status === 403
          ? " (a gated dataset needs its licence accepted and HF_TOKEN set)"
          : "";
        throw new DatasetDownloadError(
          `Cannot list the files of ${repo} as ${url} answered HTTP ${res.status}${hint}`,
          url,
          res.status,
        );
      }
      items = await res.json();
    } catch (error) {
      if (error instanceof DatasetDownloadError) throw error;
      options.signal?.throwIfAborted();
      throw new DatasetDownloadError(
        `Cannot list the files of ${repo} from ${url}: ${(error as Error).message}`,
        url,
        undefined,
        { cause: error },
      );
    }
    if (!Array.isArray(items)) {
      throw new DatasetDownloadError(
        `Cannot list the files of ${repo} as ${url} did not answer a JSON array`,
        url,
      );
    }
    for (const item of items) {
      if (item.type !== "file" || typeof item.path !== "string") continue;
      checkPath(item.path, url);
      const size = item.lfs?.size ?? item.size ?? 0;
      const checksum: Checksum = item.lfs?.oid
        ? { algorithm: "sha256", hex: item.lfs.oid.toLowerCase() }
        : { algorithm: "git-sha1", hex: String(item.oid ?? "").toLowerCase(), size };
      files.push({ path: item.path, size, checksum });
    }
    const next = res.headers.get("link")?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
    url = next ? new URL(next[1], url).href : undefined;
  }
  return files;
}

/** A glob of the catalog (`video/*.zip`): `*` and `?` never match `/`. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(
    /\?/g,
    "[^/]",
  );
  return new RegExp(`^${body}$`);
}
