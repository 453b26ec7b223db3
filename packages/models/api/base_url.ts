/** An OpenAI-compatible API root read from what a user typed. */
export interface ApiRoot {
  /** The root, without a trailing slash or query: `http://127.0.0.1:8000/v1`. */
  root: string;
  /** A query string the endpoint needs (Azure's `?api-version=...`), kept on every URL; or `""`. */
  query: string;
  /** Set when the URL had to be changed: what was cut and why. */
  note?: string;
}

/**
 * Reads a base URL as users write it: the API root (`http://host:8000/v1`), or VLMEvalKit's
 * `api_base` style, the whole `.../v1/chat/completions` URL, which is cut back to its root (the
 * `note` says so). Trailing slashes are dropped; a query string is kept for every request.
 *
 * @throws {TypeError} when `baseUrl` is not an http or https URL (the message shows it through
 * `redact`, which keeps a key written into the URL out of it).
 *
 * @example
 * ```ts
 * import { apiRootOf } from "./base_url.ts";
 * apiRootOf("http://127.0.0.1:8000/v1/chat/completions").root; // "http://127.0.0.1:8000/v1"
 * ```
 */
export function apiRootOf(baseUrl: string, redact: (text: string) => string = (t) => t): ApiRoot {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl.trim());
  } catch {
    throw new TypeError(
      `Cannot use base URL "${redact(baseUrl)}" as it is not a URL: write it as ` +
        `http://host:port/v1`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(
      `Cannot use base URL "${redact(baseUrl)}" as it must use http or https: current ` +
        `scheme is ${parsed.protocol}`,
    );
  }
  const query = parsed.search;
  parsed.search = "";
  parsed.hash = "";
  const written = parsed.href.replace(/\/+$/, "");
  const root = written.replace(/\/chat\/completions$/, "");
  const note = root === written
    ? undefined
    : `base URL ${
      redact(written)
    } names the chat endpoint itself (VLMEvalKit's api_base style); using its root ${redact(root)}`;
  return { root, query, note };
}

/** `<root>/<path><query>`, e.g. the chat endpoint `chat/completions` or the model list `models`. */
export function endpointUrl(api: ApiRoot, path: "chat/completions" | "models"): string {
  return `${api.root}/${path}${api.query}`;
}

/**
 * The same root with `/v1` added, when its path has no version segment (`/v1`, `/v1beta/...`,
 * `/compatible-mode/v1`) that a server could be answering under; otherwise undefined.
 */
export function withV1(api: ApiRoot): ApiRoot | undefined {
  const path = new URL(api.root).pathname;
  if (path.split("/").some((segment) => /^v\d+/.test(segment))) return undefined;
  return { root: `${api.root}/v1`, query: api.query };
}
