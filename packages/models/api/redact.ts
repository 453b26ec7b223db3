/** What a secret is replaced with in anything shown to a person. */
export const REDACTED = "[REDACTED]";

/**
 * Shortest API key treated as a secret. Local servers are started with placeholder keys (`EMPTY`,
 * `x`, `1`, `sk-123`, `ollama`) that cannot be told from ordinary text; no provider issues a
 * credential this short, so replacing such a key in messages would only garble them.
 */
export const MIN_SECRET_LENGTH = 8;

/** An `Authorization` (or `x-api-key` / `api-key`) header's value as a server may echo it. */
const HEADER_VALUE =
  /((?:authorization|x-api-key|api-key)["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic|Token)\s+)?[^\s"',;}]+/gi;
/** A bearer credential on its own, e.g. in `Incorrect API key provided: Bearer sk-...`. */
const BEARER_VALUE = /\b(Bearer\s+)(?!\[REDACTED\])[^\s"',;}]+/gi;

/**
 * `text` made safe to show: every occurrence of `secret` (and of its URL-encoded form) is
 * replaced by `[REDACTED]` when the secret is at least {@linkcode MIN_SECRET_LENGTH} characters
 * long, and the value of an `Authorization` header echoed in the text (`Bearer ...`,
 * `authorization: ...`, `x-api-key: ...`) is replaced whatever its length. For what can carry a
 * key away: error messages, failure reasons built from server error bodies, URLs shown, logs.
 * Never for model output, which is data and is kept exactly as the server sent it.
 *
 * @example
 * ```ts
 * import { redactSecret } from "./redact.ts";
 * redactSecret("401: Incorrect API key provided: sk-abcdef123456", "sk-abcdef123456");
 * // "401: Incorrect API key provided: [REDACTED]"
 * redactSecret("EMPTY is not a valid model", "EMPTY"); // unchanged: too short to be a secret
 * ```
 */
export function redactSecret(text: string, secret: string | undefined): string {
  let out = text;
  if (secret && secret.length >= MIN_SECRET_LENGTH) {
    out = out.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(REDACTED);
  }
  return out
    .replace(HEADER_VALUE, (_match, name: string) => `${name}${REDACTED}`)
    .replace(BEARER_VALUE, (_match, bearer: string) => `${bearer}${REDACTED}`);
}
