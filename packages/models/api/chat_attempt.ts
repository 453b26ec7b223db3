import { parseRetryAfter } from "@vlmeval/internal";
import { excerpt, readChatReply, type ReplyUsage } from "./chat_reply.ts";
import { describeNetworkError, type NetworkFailure } from "./network_error.ts";
import { honoursRetryAfter, isRetryableStatus } from "./retry_policy.ts";

/** One HTTP request to an OpenAI-compatible endpoint. */
export interface HttpRequest {
  /** Full URL, e.g. `.../chat/completions` or `.../models`. */
  url: string;
  /** `POST` (with `body`) or `GET`. @default {"POST"} */
  method?: "GET" | "POST";
  /** JSON request body (`POST`). */
  body?: string;
  /** Bearer token, or `undefined` to send no `Authorization` header. */
  apiKey?: string;
  /** Milliseconds before the request is abandoned (sending, waiting and reading the body). */
  timeoutMs: number;
  /** Cancels the request; its reason is thrown. */
  signal?: AbortSignal;
  /** The fetch to use. */
  fetch: typeof fetch;
}

/** How one HTTP request ended: a response (any status) or a network failure. */
export type HttpExchange =
  | { kind: "response"; status: number; text: string; headers: Headers }
  | { kind: "network"; failure: NetworkFailure };

/**
 * Sends one request and reads the whole reply. A timeout or a network error is returned, named
 * from its cause chain (see `describeNetworkError`); only the cancellation of `signal` throws.
 */
export async function exchange(request: HttpRequest): Promise<HttpExchange> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException("request timed out", "TimeoutError"));
  }, request.timeoutMs);
  const onCancel = () => controller.abort(request.signal?.reason);
  request.signal?.addEventListener("abort", onCancel, { once: true });
  try {
    request.signal?.throwIfAborted();
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (request.apiKey) headers.authorization = `Bearer ${request.apiKey}`;
    const res = await request.fetch(request.url, {
      method: request.method ?? "POST",
      headers,
      body: request.body,
      signal: controller.signal,
    });
    const text = await res.text();
    return { kind: "response", status: res.status, text, headers: res.headers };
  } catch (err) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (timedOut) {
      const text = `timeout after ${request.timeoutMs} ms`;
      return { kind: "network", failure: { kind: "timeout", text } };
    }
    return { kind: "network", failure: describeNetworkError(err) };
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener("abort", onCancel);
  }
}

/** How one chat-completion attempt ended. Failure reasons may hold server text: redact them. */
export type AttemptOutcome =
  | { kind: "answer"; content: string; status: number; usage: ReplyUsage }
  | {
    kind: "retry";
    reason: string;
    status?: number;
    retryAfterMs?: number;
    /** A 429 or 5xx: the server is over its capacity. */
    overloaded: boolean;
  }
  | { kind: "fatal"; reason: string; status: number };

/**
 * Sends one chat-completion request and classifies the result: an answer; a failure worth
 * retrying (429, 5xx, network error, timeout, malformed reply); or a fatal one (other 4xx).
 * Only the cancellation of `signal` throws.
 */
export async function attemptChatCompletion(request: HttpRequest): Promise<AttemptOutcome> {
  const done = await exchange(request);
  if (done.kind === "network") {
    return { kind: "retry", reason: done.failure.text, overloaded: false };
  }
  const { status, text } = done;
  if (status >= 200 && status < 300) {
    const reply = readChatReply(text);
    if (reply.ok) return { kind: "answer", content: reply.content, status, usage: reply.usage };
    return { kind: "retry", reason: `HTTP ${status} ${reply.reason}`, status, overloaded: false };
  }
  const reason = `HTTP ${status}: ${excerpt(text)}`;
  if (!isRetryableStatus(status)) return { kind: "fatal", reason, status };
  const retryAfterMs = honoursRetryAfter(status)
    ? parseRetryAfter(done.headers.get("retry-after"))
    : undefined;
  const overloaded = status === 429 || status >= 500;
  return { kind: "retry", reason, status, retryAfterMs, overloaded };
}
