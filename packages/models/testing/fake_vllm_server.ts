/**
 * A loopback HTTP server (127.0.0.1, a free port) that answers like vLLM's OpenAI-compatible
 * server: `POST /v1/chat/completions` and `GET /v1/models`, with vLLM's 401 for a missing or
 * wrong key (`--api-key`) and its 404 for a model it does not serve (or the 400 of
 * `transformers serve`). Tests script its replies to produce what a real server does only now and then (429 with Retry-After, 5xx, slow or
 * malformed replies), can give it a capacity (429 beyond it), and it records every request it
 * received with timestamps and the number of requests in flight.
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

/** How the server behaves besides its script. */
export interface LoopbackServerOptions {
  /**
   * Model ids it serves: `GET /v1/models` lists them, and a chat request for another model gets
   * vLLM's 404 (`The model ... does not exist.`). Absent: any model is answered and the list is
   * empty.
   */
  servedModels?: readonly string[];
  /**
   * How a chat request for a model it does not serve is refused: `"vllm"`, vLLM's 404
   * (`The model ... does not exist.`), or `"transformers"`, the 400 of `transformers serve MODEL`
   * (5.25), whose words name no "model": `{"detail": "Server is pinned to '<first served>';
   * requested '<model>'."}`. @default {"vllm"}
   */
  unknownModel?: "vllm" | "transformers";
  /** vLLM's `--api-key`: a request without `Authorization: Bearer <key>` gets 401. */
  apiKey?: string;
  /** The path the API is served under. @default {"/v1"} */
  prefix?: string;
  /**
   * Chat requests allowed in flight at once: one beyond it gets 429 at once, before the script
   * runs (with `retry-after` when `retryAfterS` is set). Absent: no limit.
   */
  capacity?: { limit: number; retryAfterS?: number };
}

/** A running loopback server. */
export interface LoopbackVllmServer {
  /** API root to give a client, e.g. `http://127.0.0.1:41234/v1`. */
  baseUrl: string;
  /** Every request received so far, in arrival order. */
  requests: ReceivedRequest[];
  /** Most requests that were in flight at the same time. */
  readonly maxInFlight: number;
  /** Chat requests turned away with 429 for being over `capacity`. */
  readonly overCapacity: number;
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
 * True for the one-line `hello` vlmeval sends to check an endpoint: the model's before its
 * first sample, the judge's before its first question (VLMEvalKit's `working()` prompt).
 */
export function isCheckRequest(req: ReceivedRequest): boolean {
  try {
    const messages = JSON.parse(req.body)?.messages;
    return Array.isArray(messages) && messages.length === 1 &&
      messages[0].content === "hello";
  } catch {
    return false;
  }
}

/**
 * Starts the server. Without a script every `POST /v1/chat/completions` gets a completion
 * saying "A"; `GET /v1/models` lists `options.servedModels`; other paths get vLLM's 404 JSON.
 */
export function startLoopbackVllmServer(
  script?: ReplyScript,
  options: LoopbackServerOptions = {},
): LoopbackVllmServer {
  const requests: ReceivedRequest[] = [];
  const prefix = options.prefix ?? "/v1";
  let inFlight = 0;
  let chatsInFlight = 0;
  let maxInFlight = 0;
  let overCapacity = 0;
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
    let chat = false;
    try {
      received.body = await req.text();
      if (options.apiKey && req.headers.get("authorization") !== `Bearer ${options.apiKey}`) {
        return Response.json({ error: "Unauthorized" }, { status: 401 });
      }
      if (req.method === "GET" && received.path === `${prefix}/models`) {
        return Response.json({
          object: "list",
          data: (options.servedModels ?? []).map((id) => ({
            id,
            object: "model",
            created: 0,
            owned_by: "vllm",
            root: id,
            parent: null,
            max_model_len: 32768,
          })),
        });
      }
      if (req.method !== "POST" || received.path !== `${prefix}/chat/completions`) {
        return Response.json({ detail: "Not Found" }, { status: 404 });
      }
      const model = (() => {
        try {
          return JSON.parse(received.body)?.model;
        } catch {
          return undefined;
        }
      })();
      if (options.servedModels && !options.servedModels.includes(model)) {
        if (options.unknownModel === "transformers") {
          return Response.json({
            detail: `Server is pinned to '${options.servedModels[0]}'; requested '${model}'.`,
          }, { status: 400 });
        }
        return Response.json({
          object: "error",
          message: `The model \`${model}\` does not exist.`,
          type: "NotFoundError",
          param: null,
          code: 404,
        }, { status: 404 });
      }
      chat = true;
      chatsInFlight++;
      if (options.capacity && chatsInFlight > options.capacity.limit) {
        overCapacity++;
        const { retryAfterS } = options.capacity;
        return Response.json(
          { object: "error", message: "Too many requests", type: "RateLimitError", code: 429 },
          {
            status: 429,
            headers: retryAfterS === undefined ? {} : { "retry-after": String(retryAfterS) },
          },
        );
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
      if (chat) chatsInFlight--;
    }
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}${prefix}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    get overCapacity() {
      return overCapacity;
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
