/** The environment variables {@linkcode sourceUrl} reads. */
export interface SourceUrlEnv {
  /** `VLMEVAL_DATA_MIRROR`: replaces scheme, host and port of every catalog URL. */
  VLMEVAL_DATA_MIRROR?: string;
  /** `HF_ENDPOINT`: replaces `https://huggingface.co` (as `huggingface_hub` does). */
  HF_ENDPOINT?: string;
}

/** The host whose URLs `HF_ENDPOINT` redirects. */
export const HF_HOST = "huggingface.co";

function baseOf(variable: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(
      `Cannot use ${variable} as it is not a URL: current value is "${value}"`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(
      `Cannot use ${variable} as it must be an http or https URL: current value is "${value}"`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new TypeError(
      `Cannot use ${variable} as it must be scheme, host, port and an optional path prefix ` +
        `(no query, fragment or credentials): current value is "${value}"`,
    );
  }
  return url;
}

function rebase(original: URL, base: URL): string {
  const prefix = base.pathname.replace(/\/+$/, "");
  return `${base.protocol}//${base.host}${prefix}${original.pathname}${original.search}`;
}

/**
 * The URL to download a catalog URL from. `VLMEVAL_DATA_MIRROR=http://host:port[/prefix]`
 * replaces the scheme, host and port of every URL and keeps its path (after the optional
 * prefix); otherwise `HF_ENDPOINT` replaces the origin of Hugging Face URLs. Other URLs are
 * returned unchanged.
 *
 * @throws {TypeError} when a variable is set to something other than an http(s) base URL
 *
 * @example
 * ```ts
 * import { sourceUrl } from "@vlmeval/catalog";
 * sourceUrl("https://opencompass.openxlab.space/utils/VLMEval/MMStar.tsv", {
 *   VLMEVAL_DATA_MIRROR: "http://mirror.local:8080",
 * }); // "http://mirror.local:8080/utils/VLMEval/MMStar.tsv"
 * ```
 */
export function sourceUrl(url: string, env: SourceUrlEnv = Deno.env.toObject()): string {
  const original = new URL(url);
  const mirror = env.VLMEVAL_DATA_MIRROR?.trim();
  if (mirror) return rebase(original, baseOf("VLMEVAL_DATA_MIRROR", mirror));
  const hf = env.HF_ENDPOINT?.trim();
  if (hf && original.hostname === HF_HOST) return rebase(original, baseOf("HF_ENDPOINT", hf));
  return original.href;
}

/**
 * True when a download URL goes to Hugging Face (the catalog's host, or `HF_ENDPOINT`'s): only
 * those requests carry `HF_TOKEN`, never a mirror or another host.
 */
export function isHuggingFaceUrl(url: string, env: SourceUrlEnv = Deno.env.toObject()): boolean {
  const target = new URL(url);
  if (target.hostname === HF_HOST) return true;
  const hf = env.HF_ENDPOINT?.trim();
  return !env.VLMEVAL_DATA_MIRROR?.trim() && !!hf && new URL(hf).host === target.host;
}

/**
 * The `Authorization` header for a download URL: `Bearer $HF_TOKEN` (or VLMEvalKit's
 * `HUGGINGFACE_TOKEN`) for Hugging Face URLs (see {@linkcode isHuggingFaceUrl}), none otherwise.
 */
export function authHeaders(
  url: string,
  env: SourceUrlEnv & Record<string, string | undefined> = Deno.env.toObject(),
): Record<string, string> {
  const token = env.HF_TOKEN || env.HUGGINGFACE_TOKEN || env.HUGGING_FACE_HUB_TOKEN;
  return token && isHuggingFaceUrl(url, env) ? { authorization: `Bearer ${token}` } : {};
}
