import { sleep } from "@vlmeval/internal";
import {
  API_FAIL_MSG,
  type GenerateContext,
  type Message,
  type VisionLanguageModel,
} from "@vlmeval/schema";
import { attemptChatCompletion } from "./chat_attempt.ts";
import { buildChatMessages } from "./chat_messages.ts";
import { redactSecret } from "./redact.ts";
import { backoffDelayMs, type BackoffOptions, resolveBackoff } from "./retry_policy.ts";
import { Semaphore } from "./semaphore.ts";

/** Settings of a model served behind an OpenAI-compatible `/chat/completions` endpoint. */
export interface OpenAIModelOptions {
  /** Model id sent as the request's `model` field (e.g. `Qwen/Qwen2-VL-7B-Instruct`). */
  model: string;
  /** API root including its version, e.g. `http://127.0.0.1:8000/v1` or `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Name used in output file names. @default {`model` with characters outside `[A-Za-z0-9._-]` replaced by `_`} */
  name?: string;
  /**
   * Environment variable holding the API key (never pass a key on the command line). When it is
   * unset or empty no `Authorization` header is sent, as a local vLLM server expects.
   * @default {"OPENAI_API_KEY"}
   */
  apiKeyEnv?: string;
  /** Requests in flight at once, however many `generate()` calls run (`--api-nproc`). @default {32} */
  nproc?: number;
  /**
   * Retries after the first attempt, so `retries + 1` attempts in all. VLMEvalKit's `--retry N`
   * counts attempts, i.e. `retries: N - 1`. @default {5}
   */
  retries?: number;
  /** Milliseconds one attempt may take, reply body included. @default {120000} */
  timeoutMs?: number;
  /** `max_tokens` of each request. @default {2048} */
  maxTokens?: number;
  /** `temperature` of each request, unless the call's context sets its own. @default {0} */
  temperature?: number;
  /** Delays between attempts (exponential, full jitter; `Retry-After` wins on 429/503). */
  backoff?: BackoffOptions;
  /** Log one line per request, reply and retry (never the key). @default {false} */
  verbose?: boolean;
  /** Where verbose lines go. @default {console.error} */
  log?: (line: string) => void;
  /** The fetch to use. @default {globalThis.fetch} */
  fetch?: typeof fetch;
}

/**
 * A vision-language model behind an OpenAI-compatible chat-completions API (OpenAI, vLLM,
 * SGLang, LMDeploy ...). `generate()` may be called concurrently; at most `nproc` requests are
 * in flight. Failed attempts (429, 5xx, network errors, timeouts, malformed replies) are retried
 * with backoff; 400/401/403/404 are not. When no attempt succeeds, `generate()` returns
 * VLMEvalKit's `Failed to obtain answer via API.` followed by the reason (HTTP status and a
 * short body excerpt), so the next run retries that sample. It throws only when the prompt
 * cannot be built (unreadable image, video item), the context's `temperature` is not a number
 * >= 0 or its `maxTokens` not an integer >= 1, or the context's signal aborts. A context
 * `temperature` or `maxTokens` replaces the model's for that request. The API key is read from the environment once. Answers are returned exactly as the
 * server sent them; the key is redacted (see {@linkcode redactSecret}) from failure reasons, error
 * messages, URLs shown and logs.
 *
 * @example Ask a local vLLM server
 * ```ts ignore
 * const model = createOpenAIModel({ model: "Qwen/Qwen2-VL-7B-Instruct", baseUrl: "http://127.0.0.1:8000/v1", nproc: 8 });
 * const answer = await model.generate([{ type: "text", value: "Say A" }], { dataset: "demo", index: "0" });
 * ```
 */
export function createOpenAIModel(opts: OpenAIModelOptions): VisionLanguageModel {
  const settings = checkOptions(opts);
  const apiKey = Deno.env.get(settings.apiKeyEnv) || undefined;
  const redact = (text: string) => redactSecret(text, apiKey);
  const url = chatCompletionsUrl(opts.baseUrl, redact);
  const shownUrl = redact(url);
  const backoff = resolveBackoff(opts.backoff);
  const semaphore = new Semaphore(settings.nproc);
  const attempts = settings.retries + 1;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const sink = opts.log ?? ((line: string) => console.error(line));
  const log = (line: string) => {
    if (opts.verbose) sink(redact(`[api ${settings.name}] ${line}`));
  };
  const disposed = new AbortController();

  if (opts.verbose) {
    log(
      `endpoint ${shownUrl}, model ${opts.model}, key ${
        apiKey ? `from $${settings.apiKeyEnv}` : "none"
      }`,
    );
  }

  async function generate(message: Message, ctx: GenerateContext): Promise<string> {
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, disposed.signal]) : disposed.signal;
    signal.throwIfAborted();
    const body = await chatRequestBody(opts.model, settings, message, ctx);
    const sample = `${ctx.dataset}/${ctx.index}`;
    let reason = "no attempt made";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const release = await semaphore.acquire(signal);
      const t0 = performance.now();
      let outcome;
      try {
        log(`${sample} attempt ${attempt}/${attempts}: POST ${shownUrl} (${body.length} bytes)`);
        outcome = await attemptChatCompletion({
          url,
          body,
          apiKey,
          timeoutMs: settings.timeoutMs,
          signal,
          fetch: doFetch,
        });
      } finally {
        release();
      }
      const ms = Math.round(performance.now() - t0);
      if (outcome.kind === "answer") {
        log(`${sample} HTTP ${outcome.status} in ${ms} ms, ${outcome.content.length} chars`);
        return outcome.content;
      }
      reason = redact(outcome.reason);
      if (outcome.kind === "fatal") {
        log(`${sample} ${reason} in ${ms} ms; not retried`);
        return `${API_FAIL_MSG} ${reason} (not retried)`;
      }
      if (attempt === attempts) {
        log(`${sample} ${reason} in ${ms} ms; no attempts left`);
        break;
      }
      const waitMs = outcome.retryAfterMs !== undefined
        ? Math.min(outcome.retryAfterMs, backoff.retryAfterCapMs)
        : backoffDelayMs(attempt, backoff);
      const why = outcome.retryAfterMs !== undefined ? "Retry-After" : "backoff";
      log(`${sample} ${reason} in ${ms} ms; retrying in ${waitMs} ms (${why})`);
      await sleep(waitMs, signal);
    }
    return `${API_FAIL_MSG} ${reason} (${attempts} attempts)`;
  }

  return {
    name: settings.name,
    supportsPack: false,
    generate,
    dispose() {
      disposed.abort(new DOMException(`Model ${settings.name} was disposed`, "AbortError"));
    },
  };
}

/**
 * The JSON body of one chat completion request for `message`.
 *
 * @throws {RangeError} when the context's `temperature` is not a number >= 0, or its `maxTokens`
 * not an integer >= 1.
 */
async function chatRequestBody(
  model: string,
  settings: CheckedOptions,
  message: Message,
  ctx: GenerateContext,
): Promise<string> {
  const temperature = ctx.temperature ?? settings.temperature;
  if (!Number.isFinite(temperature) || temperature < 0) {
    throw new RangeError(
      `Cannot ask ${settings.name} for ${ctx.dataset}/${ctx.index} as the call's 'temperature' must be a number >= 0: current value is ${temperature}`,
    );
  }
  const maxTokens = ctx.maxTokens ?? settings.maxTokens;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new RangeError(
      `Cannot ask ${settings.name} for ${ctx.dataset}/${ctx.index} as the call's 'maxTokens' must be an integer >= 1: current value is ${maxTokens}`,
    );
  }
  const messages = await buildChatMessages(message);
  return JSON.stringify({ model, messages, max_tokens: maxTokens, temperature });
}

interface CheckedOptions {
  name: string;
  apiKeyEnv: string;
  nproc: number;
  retries: number;
  timeoutMs: number;
  maxTokens: number;
  temperature: number;
}

function checkOptions(opts: OpenAIModelOptions): CheckedOptions {
  if (typeof opts.model !== "string" || opts.model.trim() === "") {
    throw new TypeError(`Cannot create an OpenAI-compatible model as 'model' is empty`);
  }
  const checked: CheckedOptions = {
    name: opts.name ?? opts.model.replace(/[^A-Za-z0-9._-]/g, "_"),
    apiKeyEnv: opts.apiKeyEnv ?? "OPENAI_API_KEY",
    nproc: opts.nproc ?? 32,
    retries: opts.retries ?? 5,
    timeoutMs: opts.timeoutMs ?? 120_000,
    maxTokens: opts.maxTokens ?? 2048,
    temperature: opts.temperature ?? 0,
  };
  const integers = { nproc: 1, retries: 0, timeoutMs: 1, maxTokens: 1 } as const;
  for (const [key, min] of Object.entries(integers)) {
    const value = checked[key as keyof typeof integers];
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(
        `Cannot create an OpenAI-compatible model as '${key}' must be an integer >= ${min}: current value is ${value}`,
      );
    }
  }
  if (!Number.isFinite(checked.temperature) || checked.temperature < 0) {
    throw new RangeError(
      `Cannot create an OpenAI-compatible model as 'temperature' must be a number >= 0: current value is ${checked.temperature}`,
    );
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(checked.apiKeyEnv)) {
    throw new TypeError(
      `Cannot create an OpenAI-compatible model as 'apiKeyEnv' must name an environment variable: current value is "${checked.apiKeyEnv}"`,
    );
  }
  return checked;
}

function chatCompletionsUrl(baseUrl: string, redact: (text: string) => string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new TypeError(
      `Cannot create an OpenAI-compatible model as 'baseUrl' is not a URL: current value is "${
        redact(baseUrl)
      }"`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(
      `Cannot create an OpenAI-compatible model as 'baseUrl' must use http or https: current value is "${
        redact(baseUrl)
      }"`,
    );
  }
  return `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
}
