import { parseRetryAfter, sleep } from "@vlmeval/internal";
import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";
import { type ApiRoot, apiRootOf, endpointUrl, withV1 } from "./base_url.ts";
import { exchange, type HttpExchange } from "./chat_attempt.ts";
import { excerpt } from "./chat_reply.ts";
import type { NetworkFailureKind } from "./network_error.ts";

/** Why an endpoint failed its check. */
export type EndpointProblem =
  /** The server refused the key (401, 403). */
  | "auth"
  /** The server does not serve the model asked for. */
  | "model"
  /** Nothing answers chat completions at the URL (404, or a reply that is not one). */
  | "path"
  /** The request never got a reply: see {@link NetworkFailureKind}. */
  | NetworkFailureKind;

/**
 * A served model's endpoint failed its check before the first sample: the message names the
 * URL (any key in it redacted), what went wrong and what to fix. Exit code 7.
 */
export class EndpointCheckError extends Error {
  /** An endpoint that fails its check ends the run before any sample: exit code 7. */
  readonly exitCode: ExitCode = EXIT_CODES.endpoint;
  /** Always `"EndpointCheckError"`. */
  override name = "EndpointCheckError";
  /** What went wrong. */
  readonly problem: EndpointProblem;
  /** The message says what went wrong and what to fix. */
  constructor(message: string, problem: EndpointProblem) {
    super(message);
    this.problem = problem;
  }
}

/** What {@linkcode checkEndpoint} needs. */
export interface EndpointCheckOptions {
  /** The model id asked. */
  model: string;
  /** The base URL as the user gave it. */
  baseUrl: string;
  /** The key, or undefined when none is sent. */
  apiKey?: string;
  /** The environment variable the key is read from (named in messages). */
  apiKeyEnv: string;
  /** The request fields besides `model` and `messages` (the model's own settings). */
  fields: Record<string, unknown>;
  /** Milliseconds each check request may take. */
  timeoutMs: number;
  /** The fetch to use. */
  fetch: typeof fetch;
  /** Keeps the key out of anything shown. */
  redact: (text: string) => string;
  /** Delay before asking again after a 429 or 5xx, when no Retry-After says. @default {1000} */
  retryDelayMs?: number;
}

/** A checked endpoint. */
export interface EndpointCheck {
  /** The API root to send requests to (maybe not the one given: see `notes`). */
  api: ApiRoot;
  /** Model ids the server lists at `/models`, when it serves that list. */
  served?: string[];
  /** What the user should know: a URL cut or completed, a check request the server refused. */
  notes: string[];
}

const CHECK_PROMPT = "hello";
const CHECK_MAX_TOKENS = 16;
/** Attempts of the check request when the server answers 429 or 5xx. */
const CHECK_ATTEMPTS = 3;

/**
 * Checks a served model's endpoint before any sample, as a user would by hand: lists the
 * models at `<root>/models` where the server serves that list, then sends one small chat
 * request (`hello`, VLMEvalKit's `working()` prompt, with the model's own settings and at most
 * 16 tokens). A `.../chat/completions` URL is cut to its root, and a root without a version
 * segment that answers 404 is tried again with `/v1` added; both are said in `notes`.
 *
 * The run cannot go on, and this throws {@linkcode EndpointCheckError}, when: the base URL is not
 * an http(s) URL; the request gets
 * no reply (connection refused, DNS, TLS, timeout: named from the error's cause chain); the
 * server refuses the key (401, 403); it does not serve the model (404, 400 or 422 whose body
 * says so, or that answers a model missing from the server's own list: the served ids are
 * listed with the closest one); nothing answers chat completions at the URL
 * (404, or a 2xx that is not a chat completion). A check request refused for another reason
 * (another 4xx, or 429/5xx after 3 attempts) is only noted: the samples will tell.
 */
export async function checkEndpoint(opts: EndpointCheckOptions): Promise<EndpointCheck> {
  const notes: string[] = [];
  let api: ApiRoot;
  try {
    api = apiRootOf(opts.baseUrl, opts.redact);
  } catch (err) {
    throw new EndpointCheckError((err as Error).message, "path");
  }
  if (api.note) notes.push(api.note);
  let served = await listModels(api, opts);
  let chat = await askChat(api, opts);
  const v1 = withV1(api);
  if (v1 && chat.kind === "response" && chat.status === 404 && !namesUnknownModel(chat.text)) {
    const retried = await askChat(v1, opts);
    if (retried.kind === "response" && retried.status !== 404) {
      notes.push(
        `${opts.redact(api.root)} does not serve /chat/completions but ` +
          `${opts.redact(v1.root)} does: using it (add /v1 to --base-url to silence this note)`,
      );
      api = v1;
      chat = retried;
      served = await listModels(api, opts);
    }
  }
  const where = `model "${opts.model}" at ${opts.redact(endpointUrl(api, "chat/completions"))}`;
  if (chat.kind === "network") {
    throw new EndpointCheckError(
      `Cannot evaluate ${where} as the check request failed: ${opts.redact(chat.failure.text)}` +
        `: ${NETWORK_HINTS[chat.failure.kind]}`,
      chat.failure.kind,
    );
  }
  const { status } = chat;
  const body = opts.redact(excerpt(chat.text));
  if (status === 401 || status === 403) {
    const key = opts.apiKey
      ? `set $${opts.apiKeyEnv} to a key this server accepts (vLLM: the value of its --api-key)`
      : `no key was sent as $${opts.apiKeyEnv} is unset or empty: set it, or name another ` +
        `variable with --api-key-env`;
    throw new EndpointCheckError(
      `Cannot evaluate ${where} as the server refused the key (HTTP ${status}: ${body}): ${key}`,
      "auth",
    );
  }
  if (
    (status === 404 || status === 400 || status === 422) &&
    (namesUnknownModel(chat.text) || isUnlisted(opts.model, served))
  ) {
    throw new EndpointCheckError(
      `Cannot evaluate ${where} as the server does not serve it (HTTP ${status}: ${body})` +
        servedHint(opts.model, served),
      "model",
    );
  }
  if (status === 404 || status === 405) {
    throw new EndpointCheckError(
      `Cannot evaluate ${where} as nothing answers chat completions there (HTTP ${status}: ` +
        `${body}): --base-url must be the API root that serves /chat/completions, e.g. ` +
        `http://127.0.0.1:8000/v1`,
      "path",
    );
  }
  if (status >= 200 && status < 300 && !isChatCompletion(chat.text)) {
    throw new EndpointCheckError(
      `Cannot evaluate ${where} as it answered HTTP ${status} with something other than a chat ` +
        `completion (${body}): --base-url must be the API root of an OpenAI-compatible server`,
      "path",
    );
  }
  if (status < 200 || status >= 300) {
    notes.push(
      `the check request to ${where} got HTTP ${status} (${body}); going on, but samples may ` +
        `fail the same way`,
    );
  }
  return { api, served, notes };
}

const NETWORK_HINTS: Record<NetworkFailureKind, string> = {
  refused: "is the server running, and on this host and port? (vLLM and SGLang take minutes to " +
    "load a model before they listen)",
  dns: "check the host name in --base-url",
  tls: "check the scheme (http or https) in --base-url, and the server's certificate",
  reset: "the server closed the connection: check its log",
  timeout: "the server did not answer in time: check that it is not stuck, or raise --timeout",
  network: "check --base-url and the network",
};

/** The model ids at `<root>/models`, or undefined when the server does not list them. */
async function listModels(
  api: ApiRoot,
  opts: EndpointCheckOptions,
): Promise<string[] | undefined> {
  const listed = await exchange({
    url: endpointUrl(api, "models"),
    method: "GET",
    apiKey: opts.apiKey,
    timeoutMs: opts.timeoutMs,
    fetch: opts.fetch,
  });
  if (listed.kind !== "response" || listed.status !== 200) return undefined;
  try {
    const data = JSON.parse(listed.text)?.data;
    if (!Array.isArray(data)) return undefined;
    return data.map((m) => m?.id).filter((id): id is string => typeof id === "string");
  } catch {
    return undefined;
  }
}

/** The check request, asked again after a 429 or 5xx (Retry-After honoured up to 10 s). */
async function askChat(api: ApiRoot, opts: EndpointCheckOptions): Promise<HttpExchange> {
  const body = JSON.stringify({
    model: opts.model,
    messages: [{ role: "user", content: CHECK_PROMPT }],
    ...opts.fields,
    ...("max_completion_tokens" in opts.fields
      ? { max_completion_tokens: CHECK_MAX_TOKENS }
      : { max_tokens: CHECK_MAX_TOKENS }),
  });
  let reply: HttpExchange | undefined;
  for (let attempt = 1; attempt <= CHECK_ATTEMPTS; attempt++) {
    reply = await exchange({
      url: endpointUrl(api, "chat/completions"),
      body,
      apiKey: opts.apiKey,
      timeoutMs: opts.timeoutMs,
      fetch: opts.fetch,
    });
    if (reply.kind !== "response" || (reply.status !== 429 && reply.status < 500)) break;
    if (attempt === CHECK_ATTEMPTS) break;
    const wait = parseRetryAfter(reply.headers.get("retry-after")) ?? opts.retryDelayMs ?? 1000;
    await sleep(Math.min(wait, 10_000));
  }
  return reply!;
}

/**
 * True when the server lists the models it serves and `model` is not among them: a 4xx to the
 * check request then means the model, whatever words the server chose (`transformers serve
 * MODEL` answers 400 `Server is pinned to 'MODEL'; requested 'other'.`, naming no "model").
 */
function isUnlisted(model: string, served: string[] | undefined): boolean {
  return served !== undefined && served.length > 0 && !served.includes(model);
}

/** True for an error body that says the model asked for is unknown (vLLM, OpenAI, Ollama). */
function namesUnknownModel(body: string): boolean {
  return /model/i.test(body) &&
    /does not exist|not found|not exist|unknown model|invalid model|model_not_found|no such model/i
      .test(body);
}

function isChatCompletion(body: string): boolean {
  try {
    return Array.isArray(JSON.parse(body)?.choices);
  } catch {
    return false;
  }
}

/** `: served models: a, b; did you mean "b"?`, or how to list them when the server did not. */
function servedHint(model: string, served: string[] | undefined): string {
  if (!served || served.length === 0) {
    return ": pass the model id the server serves (vLLM: its --served-model-name, or the path " +
      "or repository it was started with; GET /v1/models lists them)";
  }
  const shown = served.slice(0, 20).join(", ") + (served.length > 20 ? ", ..." : "");
  return `: it serves ${shown}; did you mean --model ${closest(model, served)}?`;
}

/** The served id closest to `model` by edit distance, ignoring case. */
export function closest(model: string, served: readonly string[]): string {
  let best = served[0];
  let bestDistance = Infinity;
  for (const id of served) {
    const d = editDistance(model.toLowerCase(), id.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [id, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}
