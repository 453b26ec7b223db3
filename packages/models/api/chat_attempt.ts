import { parseRetryAfter } from "@vlmeval/internal";
import { excerpt, readChatReply } from "./chat_reply.ts";
import { honoursRetryAfter, isRetryableStatus } from "./retry_policy.ts";

/** One HTTP request to a chat-completions endpoint. */
export interface ChatAttempt {
  /** Full URL of `.../chat/completions`. */
  url: string;
  /** JSON request body. */
  body: string;
  /** Bearer token, or `undefined` to send no `Authorization` header. */
  apiKey?: string;
  /** Milliseconds before the attempt is abandoned (sending, waiting and reading the body). */
  timeoutMs: number;
  /** Cancels the attempt; its reason is thrown. */
  signal?: AbortSignal;
  fetch: typeof fetch;
}

/** How one attempt ended. Failure reasons may hold server text and must be redacted. */
export type AttemptOutcome =
  | { kind: "answer"; content: string; status: number }
  | { kind: "retry"; reason: string; status?: number; retryAfterMs?: number }
  | { kind: "fatal"; reason: string; status: number };

/**
 * Sends one chat-completion request and classifies the result: an answer; a failure worth
 * retrying (429, 5xx, network error, timeout, malformed reply); or a fatal one (other 4xx).
 * Only the cancellation of `signal` throws.
 */
export async function attemptChatCompletion(attempt: ChatAttempt): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException("request timed out", "TimeoutError"));
  }, attempt.timeoutMs);
  const onCancel = () => controller.abort(attempt.signal?.reason);
  attempt.signal?.addEventListener("abort", onCancel, { once: true });
  try {
    attempt.signal?.throwIfAborted();
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (attempt.apiKey) headers.authorization = `Bearer ${attempt.apiKey}`;
    const res = await attempt.fetch(attempt.url, {
      method: "POST",
      headers,
      body: attempt.body,
      signal: controller.signal,
    });
    const text = await res.text();
    if (res.ok) {
      const reply = readChatReply(text);
      if (reply.ok) return { kind: "answer", content: reply.content, status: res.status };
      return { kind: "retry", reason: `HTTP ${res.status} ${reply.reason}`, status: res.status };
    }
    const reason = `HTTP ${res.status}: ${excerpt(text)}`;
    if (!isRetryableStatus(res.status)) return { kind: "fatal", reason, status: res.status };
    const retryAfterMs = honoursRetryAfter(res.status)
      ? parseRetryAfter(res.headers.get("retry-after"))
      : undefined;
    return { kind: "retry", reason, status: res.status, retryAfterMs };
  } catch (err) {
    if (attempt.signal?.aborted) throw attempt.signal.reason;
    if (timedOut) return { kind: "retry", reason: `timeout after ${attempt.timeoutMs} ms` };
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { kind: "retry", reason: `network error (${message})` };
  } finally {
    clearTimeout(timer);
    attempt.signal?.removeEventListener("abort", onCancel);
  }
}
