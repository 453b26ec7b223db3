/**
 * Shared by the benchmarks-by-name end-to-end tests: synthetic benchmark TSVs, a loopback file
 * server standing in for the catalog's hosts (reached through `VLMEVAL_DATA_MIRROR`), a served
 * model that answers each question by the `Q-<id>` token in its prompt, and readers of the
 * score files.
 */
import { createHash } from "node:crypto";
import {
  type ReceivedRequest,
  startLoopbackVllmServer,
  vllmChatCompletion,
} from "@vlmeval/models/testing";

/** A 2x2 PNG, every synthetic row's image. */
export const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==";

/** A benchmark file in VLMEvalKit's TSV format (no cell holds a tab, newline or `"`). */
export function tsv(header: string[], rows: string[][]): Uint8Array {
  const lines = [header, ...rows].map((cells) => cells.join("\t"));
  return new TextEncoder().encode(lines.join("\n") + "\n");
}

/** MD5 of `bytes`, in hex. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** A loopback HTTP server serving `files` by path (GET), recording every path asked. */
export interface FileServer {
  /** `http://127.0.0.1:<port>`: the mirror's origin. */
  origin: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts a {@linkcode FileServer}; a path it does not hold gets 404. */
export function startFileServer(files: Record<string, Uint8Array>): FileServer {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    requests.push(path);
    const body = files[path];
    if (!body) return new Response("not found", { status: 404 });
    return new Response(body.slice(), {
      headers: { "content-type": "text/tab-separated-values", "content-length": `${body.length}` },
    });
  });
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}

/** The text parts of a chat request, joined, and the request's body. */
export function requestText(req: ReceivedRequest): { text: string; body: Record<string, unknown> } {
  // The endpoint check lists the models first (GET, no body).
  if (req.method !== "POST") return { text: "", body: {} };
  const body = JSON.parse(req.body);
  const content = body.messages.at(-1).content;
  const parts: { type: string; text?: string }[] = typeof content === "string"
    ? [{ type: "text", text: content }]
    : content;
  return { text: parts.filter((p) => p.type === "text").map((p) => p.text).join(""), body };
}

/** The answer that makes the served model fail a sample (HTTP 400, not retried). */
export const FAIL = "<fail>";

/**
 * A served model (loopback, vLLM-shaped) answering each prompt by the `Q-<id>` token of its
 * question: `answers[id]`, or HTTP 400 for {@linkcode FAIL}.
 */
export function startServedModel(answers: Record<string, string>) {
  return startLoopbackVllmServer((req) => {
    const id = requestText(req).text.match(/\bQ-([A-Za-z0-9]+)\b/)?.[1];
    const answer = id === undefined ? undefined : answers[id];
    if (answer === undefined) return { body: vllmChatCompletion("no idea") };
    if (answer === FAIL) return { status: 400, body: { error: "bad request" } };
    return { body: vllmChatCompletion(answer) };
  });
}

/** A score csv as VLMEvalKit writes it (QUOTE_ALL): header and rows of cells. */
export async function readCsv(path: string): Promise<string[][]> {
  const text = await Deno.readTextFile(path);
  return text.trim().split("\n").map((line) =>
    [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replaceAll('""', '"'))
  );
}

/** A csv's cells by row label (first cell) and column name. */
export async function csvByRow(path: string): Promise<Map<string, Record<string, string>>> {
  const [header, ...rows] = await readCsv(path);
  return new Map(
    rows.map((cells) => [cells[0], Object.fromEntries(header.map((h, k) => [h, cells[k]]))]),
  );
}

/** The environment of a run: data root, mirror, catalog file, and no proxy or OpenAI endpoint. */
export function runEnv(
  dir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    LMUData: `${dir}/LMUData`,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    HTTP_PROXY: "",
    http_proxy: "",
    HTTPS_PROXY: "",
    https_proxy: "",
    OPENAI_API_BASE: "",
    LOCAL_LLM: "",
    VLMEVAL_FETCH_RETRIES: "0",
    ...extra,
  };
}

/** Runs `fn` in a fresh temporary folder, removed after. */
export async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-by-name-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
