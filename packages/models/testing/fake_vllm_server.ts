/**
 * A loopback HTTP server (127.0.0.1, a free port) that answers like vLLM's OpenAI-compatible
 * `POST /v1/chat/completions`. Tests script its replies to produce what a real server does only
 * now and then (429 with Retry-After, 5xx, slow or malformed replies), and it records every
 * request it received with timestamps and the number of requests in flight.
 *
 * @module
 */

/** A request the server received. */
export interface ReceivedRequest {
  /** 0-based arrival order. */
  n: number;
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** URL path, e.g. `/v1/chat/completions`. */
  path: string;
  /** Request headers. */
  headers: Headers;
  /** Raw request body. */
  body: string;
  /** `performance.now()` when the request arrived. */
  arrivedMs: number;
  /** `performance.now()` when the reply was handed back (after any delay). */
  repliedMs?: number;
}

/** What the server answers to one request. */
export interface ScriptedReply {
  /** HTTP status. @default {200} */
  status?: number;
  /** Extra response headers (e.g. `retry-after`). */
  headers?: Record<string, string>;
  /** Text sent as is; an object is sent as JSON. @default {a vLLM chat completion saying "A"} */
  body?: string | object;
  /** Milliseconds to wait before answering (cut short by `close()`). */
  delayMs?: number;
}

/** Chooses the reply to a request. */
export type ReplyScript = (req: ReceivedRequest) => ScriptedReply | Promise<ScriptedReply>;

/** A running loopback server. */
export interface LoopbackVllmServer {
  /** API root to give a client, e.g. `http://127.0.0.1:41234/v1`. */
  baseUrl: string;
  /** Every request received so far, in arrival order. */
  requests: ReceivedRequest[];
  /** Most requests that were in flight at the same time. */
  readonly maxInFlight: number;
  /** Cuts scripted delays short, stops the server and waits for open requests to end. */
  close(): Promise<void>;
}

/** A chat-completion body shaped like vLLM's (`id`, `object`, `choices[0].message`, `usage`). */
export function vllmChatCompletion(content: string, model = "loopback-model"): object {
  return {
    id: `chatcmpl-${crypto.randomUUID().replaceAll("-", "")}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{
      index: 0,
      message: { role: "assistant", content, tool_calls: [], reasoning_content: null },
      logprobs: null,
      finish_reason: "stop",
      stop_reason: null,
    }],
    usage: {
      prompt_tokens: 17,
      total_tokens: 18,
      completion_tokens: 1,
      prompt_tokens_details: null,
    },
    prompt_logprobs: null,
  };
}

/**
 * Starts the server. Without a script every `POST /v1/chat/completions` gets a completion
 * saying "A"; other paths get vLLM's 404 JSON.
 */
export function startLoopbackVllmServer(script?: ReplyScript): LoopbackVllmServer {
  const requests: ReceivedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const closing = new AbortController();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const received: ReceivedRequest = {
      n: requests.length,
      method: req.method,
      path: new URL(req.url).pathname,
      headers: req.headers,
      body: "",
      arrivedMs: performance.now(),
    };
    requests.push(received);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      received.body = await req.text();
      if (req.method !== "POST" || received.path !== "/v1/chat/completions") {
        return Response.json({ detail: "Not Found" }, { status: 404 });
      }
      const reply = script ? await script(received) : {};
      if (reply.delayMs) await delay(reply.delayMs, closing.signal);
      const body = reply.body ?? vllmChatCompletion("A");
      const isText = typeof body === "string";
      received.repliedMs = performance.now();
      return new Response(isText ? body : JSON.stringify(body), {
        status: reply.status ?? 200,
        headers: { "content-type": isText ? "text/plain" : "application/json", ...reply.headers },
      });
    } finally {
      inFlight--;
    }
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    async close() {
      closing.abort();
      await server.shutdown();
    },
  };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
