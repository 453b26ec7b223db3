/** What a secret is replaced with in anything shown to a person. */
export const REDACTED = "[REDACTED]";

/**
 * `text` with every occurrence of `secret` (and of its URL-encoded form) replaced by
 * `[REDACTED]`. Used on every string that leaves the API model: logs, returned failure reasons
 * and error messages. An empty or absent secret leaves the text as it is.
 */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  let out = text.split(secret).join(REDACTED);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) out = out.split(encoded).join(REDACTED);
  return out;
}
