import { sleep } from "@vlmeval/internal";
import {
  API_FAIL_MSG,
  type CallUsage,
  type GenerateContext,
  type Message,
  type VisionLanguageModel,
} from "@vlmeval/schema";
import { AdaptiveLimit, type LimitReport } from "./adaptive_limit.ts";
import { type ApiRoot, apiRootOf, endpointUrl } from "./base_url.ts";
import { attemptChatCompletion } from "./chat_attempt.ts";
import { buildChatMessages } from "./chat_messages.ts";
import { checkEndpoint } from "./endpoint_check.ts";
import {
  type CheckedSettings,
  checkGenerationSettings,
  type GenerationSettings,
  requestFields,
} from "./generation_settings.ts";
import { redactSecret } from "./redact.ts";
import { backoffDelayMs, type BackoffOptions, resolveBackoff } from "./retry_policy.ts";

/** Settings of a model served behind an OpenAI-compatible `/chat/completions` endpoint. */
export interface OpenAIModelOptions extends GenerationSettings {
  /** Model id sent as the request's `model` field (e.g. `Qwen/Qwen2-VL-7B-Instruct`). */
  model: string;
  /**
   * API root including its version, e.g. `http://127.0.0.1:8000/v1` or
   * `https://api.openai.com/v1`; a `.../chat/completions` URL (VLMEvalKit's `api_base`) is cut
   * back to its root.
   */
  baseUrl: string;
  /** Name used in output file names. @default {the model id, see {@linkcode outputNameOf}} */
  name?: string;
  /**
   * Environment variable holding the API key (never pass a key on the command line). When it is
   * unset or empty no `Authorization` header is sent, as a local vLLM server expects.
   * @default {"OPENAI_API_KEY"}
   */
  apiKeyEnv?: string;
  /**
   * Requests in flight at once at most, however many `generate()` calls run (`--api-nproc`):
   * the starting point of the adaptive limit. @default {32}
   */
  nproc?: number;
  /**
   * Adapt the concurrency to the server (halve on 429 and 5xx, grow back by one after a round of
   * answers, never above `nproc`); `false` keeps `nproc` requests in flight. @default {true}
   */
  adaptiveConcurrency?: boolean;
  /**
   * Retries after the first attempt, so `retries + 1` attempts in all. VLMEvalKit's `--retry N`
   * counts attempts, i.e. `retries: N - 1`. @default {5}
   */
  retries?: number;
  /** Milliseconds one attempt may take, reply body included. @default {120000} */
  timeoutMs?: number;
  /** Delays between attempts (exponential, full jitter; `Retry-After` wins on 429/503). */
  backoff?: BackoffOptions;
  /** Log one line per request, reply and retry (never the key). @default {false} */
  verbose?: boolean;
  /** Where verbose lines go. @default {console.error} */
  log?: (line: string) => void;
  /** The fetch to use. @default {globalThis.fetch} */
  fetch?: typeof fetch;
}

/** A served model: a {@linkcode VisionLanguageModel} that also reports its concurrency. */
export interface OpenAIModel extends VisionLanguageModel {
  /** What the adaptive concurrency limit did so far. */
  concurrency(): LimitReport;
}

/**
 * The name a model id gets in output folders and file names: characters outside
 * `[A-Za-z0-9._-]` (a `/` above all) become `_`, so `Qwen/Qwen2-VL-7B-Instruct` is one folder,
 * `Qwen_Qwen2-VL-7B-Instruct`, never two. A name of only dots gets a leading `_`.
 *
 * @example
 * ```ts
 * import { outputNameOf } from "./openai_model.ts";
 * outputNameOf("Qwen/Qwen2-VL-7B-Instruct"); // "Qwen_Qwen2-VL-7B-Instruct"
 * ```
 */
export function outputNameOf(model: string): string {
  const name = model.replace(/[^A-Za-z0-9._-]/g, "_");
  return /^\.*$/.test(name) ? `_${name}` : name;
}

/**
 * A vision-language model behind an OpenAI-compatible chat-completions API (OpenAI, vLLM,
 * SGLang, LMDeploy ...). `generate()` may be called concurrently; at most `nproc` requests are
 * in flight, fewer while the server answers 429 or 5xx (see {@linkcode AdaptiveLimit}). Failed
 * attempts (429, 5xx, network errors, timeouts, malformed replies) are retried with backoff;
 * 400/401/403/404 are not. When no attempt succeeds, `generate()` returns VLMEvalKit's
 * `Failed to obtain answer via API.` followed by the reason (HTTP status and a short body
 * excerpt, or the network failure named from its cause chain), so the next run retries that
 * sample. Each call reports its cost (tokens, requests, latency, concurrency) to the context's
 * `onUsage`. It throws only when the prompt cannot be built (unreadable image, video item), the
 * context's `temperature` is not a number >= 0 or its `maxTokens` not an integer >= 1, or the
 * context's signal aborts. A context `temperature` or `maxTokens` replaces the model's for that
 * request. The API key is read from the
 * environment once. Answers are returned exactly as the server sent them; the key is redacted
 * (see {@linkcode redactSecret}) from failure reasons, error messages, URLs shown and logs. No
 * request is sent here: {@linkcode connectOpenAIModel} checks the endpoint first.
 *
 * @example Ask a local vLLM server
 * ```ts ignore
 * const model = createOpenAIModel({ model: "Qwen/Qwen2-VL-7B-Instruct", baseUrl: "http://127.0.0.1:8000/v1", nproc: 8 });
 * const answer = await model.generate([{ type: "text", value: "Say A" }], { dataset: "demo", index: "0" });
 * ```
 */
export function createOpenAIModel(opts: OpenAIModelOptions): OpenAIModel {
  const client = checkClientOptions(opts);
  const settings = checkGenerationSettings(opts);
  const apiKey = Deno.env.get(client.apiKeyEnv) || undefined;
  const redact = (text: string) => redactSecret(text, apiKey);
  const api = apiRootOf(opts.baseUrl, redact);
  const url = endpointUrl(api, "chat/completions");
  const shownUrl = redact(url);
  const backoff = resolveBackoff(opts.backoff);
  const limit = new AdaptiveLimit(client.nproc, { adaptive: opts.adaptiveConcurrency });
  const attempts = client.retries + 1;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const sink = opts.log ?? ((line: string) => console.error(line));
  const log = (line: string) => {
    if (opts.verbose) sink(redact(`[api ${client.name}] ${line}`));
  };
  const disposed = new AbortController();

  log(
    `endpoint ${shownUrl}, model ${opts.model}, key ${
      apiKey ? `from $${client.apiKeyEnv}` : "none"
    }`,
  );

  async function generate(message: Message, ctx: GenerateContext): Promise<string> {
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, disposed.signal]) : disposed.signal;
    signal.throwIfAborted();
    const body = await chatRequestBody(opts.model, client.name, settings, message, ctx);
    const sample = `${ctx.dataset}/${ctx.index}`;
    const started = performance.now();
    const usage = (
      requests: number,
      tokens: Omit<CallUsage, "requests" | "retries" | "latencyMs">,
    ) =>
      ctx.onUsage?.({
        ...tokens,
        requests,
        retries: requests - 1,
        latencyMs: performance.now() - started,
        concurrency: limit.limit,
      });
    let reason = "no attempt made";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const permit = await limit.acquire(signal);
      const t0 = performance.now();
      let outcome;
      try {
        log(`${sample} attempt ${attempt}/${attempts}: POST ${shownUrl} (${body.length} bytes)`);
        outcome = await attemptChatCompletion({
          url,
          body,
          apiKey,
          timeoutMs: client.timeoutMs,
          signal,
          fetch: doFetch,
        });
      } finally {
        permit.release(
          outcome?.kind === "answer"
            ? "ok"
            : outcome?.kind === "retry" && outcome.overloaded
            ? "overloaded"
            : "other",
        );
      }
      const ms = Math.round(performance.now() - t0);
      if (outcome.kind === "answer") {
        log(`${sample} HTTP ${outcome.status} in ${ms} ms, ${outcome.content.length} chars`);
        usage(attempt, outcome.usage);
        return outcome.content;
      }
      reason = redact(outcome.reason);
      if (outcome.kind === "fatal") {
        log(`${sample} ${reason} in ${ms} ms; not retried`);
        usage(attempt, {});
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
      log(
        `${sample} ${reason} in ${ms} ms; retrying in ${waitMs} ms (${why}; ${limit.limit} ` +
          `requests in flight allowed)`,
      );
      await sleep(waitMs, signal);
    }
    usage(attempts, {});
    return `${API_FAIL_MSG} ${reason} (${attempts} attempt${attempts === 1 ? "" : "s"})`;
  }

  return {
    name: client.name,
    supportsPack: false,
    generate,
    concurrency: () => limit.report(),
    dispose() {
      disposed.abort(new DOMException(`Model ${client.name} was disposed`, "AbortError"));
    },
  };
}

/** What {@linkcode connectOpenAIModel} tells besides the model. */
export interface ConnectOptions {
  /** Hears the notes of the endpoint check (a URL cut or completed, a refused check request). */
  warn?: (message: string) => void;
}

/**
 * Checks the endpoint (see `checkEndpoint`: the model list, one small chat request) and
 * returns the model on the API root that answered. Use this before a run: a wrong key, model
 * or path, or a server that cannot be reached, fails here, before any sample is recorded.
 *
 * @throws {EndpointCheckError} (exit code 7) when the endpoint cannot serve the run; the
 * message names the URL (key redacted) and what to fix.
 */
export async function connectOpenAIModel(
  opts: OpenAIModelOptions,
  connect: ConnectOptions = {},
): Promise<OpenAIModel> {
  const client = checkClientOptions(opts);
  const settings = checkGenerationSettings(opts);
  const apiKey = Deno.env.get(client.apiKeyEnv) || undefined;
  const checked = await checkEndpoint({
    model: opts.model,
    baseUrl: opts.baseUrl,
    apiKey,
    apiKeyEnv: client.apiKeyEnv,
    fields: requestFields(opts.model, settings),
    timeoutMs: client.timeoutMs,
    fetch: opts.fetch ?? globalThis.fetch,
    redact: (text) => redactSecret(text, apiKey),
  });
  for (const note of checked.notes) connect.warn?.(note);
  return createOpenAIModel({ ...opts, baseUrl: rootWithQuery(checked.api) });
}

function rootWithQuery(api: ApiRoot): string {
  return `${api.root}${api.query}`;
}

/**
 * The JSON body of one chat completion request for `message`.
 *
 * @throws {RangeError} when the context's `temperature` is not a number >= 0, or its `maxTokens`
 * not an integer >= 1.
 */
async function chatRequestBody(
  model: string,
  name: string,
  settings: CheckedSettings,
  message: Message,
  ctx: GenerateContext,
): Promise<string> {
  const temperature = ctx.temperature ?? settings.temperature;
  if (!Number.isFinite(temperature) || temperature < 0) {
    throw new RangeError(
      `Cannot ask ${name} for ${ctx.dataset}/${ctx.index} as the call's 'temperature' must be a number >= 0: current value is ${temperature}`,
    );
  }
  const maxTokens = ctx.maxTokens ?? settings.maxTokens;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new RangeError(
      `Cannot ask ${name} for ${ctx.dataset}/${ctx.index} as the call's 'maxTokens' must be an integer >= 1: current value is ${maxTokens}`,
    );
  }
  const messages = await buildChatMessages(message, settings);
  return JSON.stringify({
    model,
    messages,
    ...requestFields(model, { ...settings, maxTokens }, temperature),
  });
}

interface ClientOptions {
  name: string;
  apiKeyEnv: string;
  nproc: number;
  retries: number;
  timeoutMs: number;
}

function checkClientOptions(opts: OpenAIModelOptions): ClientOptions {
  if (typeof opts.model !== "string" || opts.model.trim() === "") {
    throw new TypeError(`Cannot create an OpenAI-compatible model as 'model' is empty`);
  }
  const checked: ClientOptions = {
    name: opts.name ?? outputNameOf(opts.model),
    apiKeyEnv: opts.apiKeyEnv ?? "OPENAI_API_KEY",
    nproc: opts.nproc ?? 32,
    retries: opts.retries ?? 5,
    timeoutMs: opts.timeoutMs ?? 120_000,
  };
  const integers = { nproc: 1, retries: 0, timeoutMs: 1 } as const;
  for (const [key, min] of Object.entries(integers)) {
    const value = checked[key as keyof typeof integers];
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(
        `Cannot create an OpenAI-compatible model as '${key}' must be an integer >= ${min}: current value is ${value}`,
      );
    }
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(checked.apiKeyEnv)) {
    throw new TypeError(
      `Cannot create an OpenAI-compatible model as 'apiKeyEnv' must name an environment variable: current value is "${checked.apiKeyEnv}"`,
    );
  }
  return checked;
}
