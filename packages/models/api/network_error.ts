import { causeChain } from "@vlmeval/internal";

/** What kind of network failure ended a request. */
export type NetworkFailureKind =
  /** Nothing listens on the host and port (the server is down or still starting). */
  | "refused"
  /** The host name does not resolve. */
  | "dns"
  /** The TLS handshake failed (certificate, or https spoken to a plain http port). */
  | "tls"
  /** The connection was reset or closed mid-request. */
  | "reset"
  /** The request got no complete answer in time. */
  | "timeout"
  /** Anything else. */
  | "network";

/** A network failure named from its cause chain. */
export interface NetworkFailure {
  /** The kind, from the innermost message that names one. */
  kind: NetworkFailureKind;
  /** One line: the kind in words, then every message of the cause chain. */
  text: string;
}

const KINDS: [NetworkFailureKind, RegExp, string][] = [
  ["refused", /connection refused|ECONNREFUSED/i, "connection refused"],
  [
    "dns",
    /dns error|failed to lookup|name or service not known|getaddrinfo|ENOTFOUND|EAI_AGAIN|no such host|name resolution/i,
    "host name not found (DNS)",
  ],
  [
    "tls",
    /certificate|\btls\b|\bssl\b|handshake|InvalidContentType|corrupt message/i,
    "TLS handshake failed",
  ],
  [
    "reset",
    /connection reset|ECONNRESET|broken pipe|connection closed|unexpected eof|EPIPE/i,
    "connection reset",
  ],
  ["timeout", /timed out|TimeoutError|ETIMEDOUT/i, "timed out"],
];

/**
 * Names a failed `fetch` from its whole cause chain: Deno reports every network failure as
 * `TypeError: fetch failed`, with the real reason (`tcp connect error: Connection refused`,
 * `dns error: ...`, `invalid peer certificate: ...`) only in its `cause`.
 *
 * @example
 * ```ts
 * import { describeNetworkError } from "./network_error.ts";
 * const err = new TypeError("fetch failed", {
 *   cause: new Error("client error (Connect): tcp connect error: Connection refused (os error 111)"),
 * });
 * describeNetworkError(err).kind; // "refused"
 * ```
 */
export function describeNetworkError(err: unknown): NetworkFailure {
  const messages = causeChain(err, 8).map((e) =>
    e instanceof Error ? (e.name === "Error" ? e.message : `${e.name}: ${e.message}`) : String(e)
  );
  const all = messages.join(" ");
  for (const [kind, pattern, words] of KINDS) {
    if (pattern.test(all)) return { kind, text: `${words} (${messages.join("; caused by ")})` };
  }
  return { kind: "network", text: `network error (${messages.join("; caused by ")})` };
}
