/**
 * Test helpers: a real HTTP server on 127.0.0.1 (port 0) that records every request, file
 * responses with Range support and injected faults (a connection cut after N bytes, a stall),
 * a loopback Hugging Face Hub, and the command `deno task eval` runs the CLI with. Used by this
 * package's tests only.
 */
import { createHash } from "node:crypto";

/** A request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  range: string | null;
  authorization: string | null;
  /** The absolute URL when the request came through a proxy (absolute-form target). */
  url: string;
}

/** A running loopback server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1, a free port, recording every request. */
export function startServer(
  handler: (req: Request, seen: SeenRequest) => Response | Promise<Response>,
): TestServer {
  const requests: SeenRequest[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    const seen: SeenRequest = {
      method: req.method,
      path: decodeURIComponent(url.pathname),
      range: req.headers.get("range"),
      authorization: req.headers.get("authorization"),
      url: req.url,
    };
    requests.push(seen);
    return handler(req, seen);
  });
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: async () => {
      await server.shutdown();
    },
  };
}

/** Ways a file response goes wrong. */
export interface FileFaults {
  /** Send this many bytes of the body, then break the connection. */
  cutAfter?: number;
  /** Send this many bytes, then nothing more until the client gives up. */
  stallAfter?: number;
  /** Answer a Range request with the whole file (200). */
  ignoreRange?: boolean;
  /** Extra headers (an ETag). */
  headers?: Record<string, string>;
}

/** A response serving `data`, honouring `Range: bytes=N-` with 206 and Content-Range. */
export function fileResponse(req: Request, data: Uint8Array, faults: FileFaults = {}): Response {
  const range = req.headers.get("range")?.match(/^bytes=(\d+)-$/);
  let start = 0;
  let status = 200;
  const headers: Record<string, string> = { ...faults.headers };
  if (range && !faults.ignoreRange) {
    start = Number(range[1]);
    if (start >= data.length) {
      return new Response(null, {
        status: 416,
        headers: { "content-range": `bytes */${data.length}` },
      });
    }
    status = 206;
    headers["content-range"] = `bytes ${start}-${data.length - 1}/${data.length}`;
  }
  const body = data.slice(start);
  headers["content-length"] = String(body.length);
  if (faults.cutAfter === undefined && faults.stallAfter === undefined) {
    return new Response(body, { status, headers });
  }
  const limit = faults.cutAfter ?? faults.stallAfter!;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(body.slice(0, limit));
      if (faults.cutAfter !== undefined) {
        // Let the first bytes go out, then break the connection mid-body.
        timer = setTimeout(() => controller.error(new Error("cut by the test")), 50);
      }
    },
    cancel() {
      clearTimeout(timer);
    },
  });
  return new Response(stream, { status, headers });
}

/** Deterministic bytes of a given length. */
export function testBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** MD5 hex of bytes or text. */
export function md5Hex(data: Uint8Array | string): string {
  return createHash("md5").update(data).digest("hex");
}

/** SHA-256 hex of bytes. */
export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * How `deno task eval` runs the CLI (its permissions, no `-A`), for `runCli` of
 * `@vlmeval/cli/testing`: a fetch that needs a permission the task does not grant fails here.
 */
export function evalTaskCommand(cliMain: string): string[] {
  const permissions = ["read", "write", "env", "net", "sys", "ffi", "run"];
  return [Deno.execPath(), "run", ...permissions.map((p) => `--allow-${p}`), cliMain];
}

/** Makes a temporary folder for a test and removes it afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-catalog-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Git's blob SHA-1 of `data`, as the Hub lists small files. */
export function gitBlobSha1(data: Uint8Array): string {
  return createHash("sha1").update(`blob ${data.length}\0`).update(data).digest("hex");
}

/** Options of {@link startHubServer}. */
export interface HubOptions {
  /** Paths listed and served as LFS files (SHA-256); the others get a git blob SHA-1. */
  lfs?: (path: string) => boolean;
  /** Answer a file request with this status instead (403 for a gated file, say). */
  statusFor?: (path: string, req: Request) => number | undefined;
  /** Serve this content instead of the listed one (a file changed behind the listing). */
  bodyFor?: (path: string) => Uint8Array | undefined;
  /** Wait for this before answering a file request (to let another process arrive). */
  holdFor?: (path: string) => Promise<void> | undefined;
}

/**
 * A loopback stand-in for the Hugging Face Hub's two endpoints a snapshot uses: the recursive
 * tree listing `/api/datasets/<repo>/tree/<rev>` (split into pages of 2 with `Link: rel="next"`)
 * and `/datasets/<repo>/resolve/<rev>/<path>`. Requests are recorded.
 */
export function startHubServer(
  repo: string,
  files: Record<string, Uint8Array>,
  options: HubOptions = {},
): TestServer {
  const lfs = options.lfs ?? ((path: string) => /\.(zip|pkl|parquet)$/.test(path));
  const listing = Object.entries(files).map(([path, data]) =>
    lfs(path)
      ? {
        type: "file",
        path,
        size: data.length,
        oid: gitBlobSha1(data).slice(0, 40),
        lfs: { oid: sha256Hex(data), size: data.length, pointerSize: 134 },
      }
      : { type: "file", path, size: data.length, oid: gitBlobSha1(data) }
  );
  const dirs = [
    ...new Set(Object.keys(files).flatMap((p) => p.includes("/") ? [p.split("/")[0]] : [])),
  ];
  const items = [
    ...dirs.map((d) => ({ type: "directory", path: d, oid: "0".repeat(40), size: 0 })),
    ...listing,
  ];
  const server: TestServer = startServer(async (req, seen) => {
    const url = new URL(req.url);
    const tree = `/api/datasets/${repo}/tree/main`;
    if (seen.path === tree) {
      const page = Number(url.searchParams.get("cursor") ?? "0");
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (page + 2 < items.length) {
        headers.link = `<${server.origin}${tree}?recursive=true&cursor=${page + 2}>; rel="next"`;
      }
      return Response.json(items.slice(page, page + 2), { headers });
    }
    const prefix = `/datasets/${repo}/resolve/main/`;
    if (seen.path.startsWith(prefix)) {
      const path = seen.path.slice(prefix.length);
      await options.holdFor?.(path);
      const status = options.statusFor?.(path, req);
      if (status) return new Response("refused", { status });
      const data = options.bodyFor?.(path) ?? files[path];
      if (data) return fileResponse(req, data);
    }
    return new Response("not found", { status: 404 });
  });
  return server;
}

/** A zip archive of `members` (name -> bytes), written with zip.js. */
export async function makeZip(members: Record<string, Uint8Array>): Promise<Uint8Array> {
  const { BlobWriter, Uint8ArrayReader, ZipWriter } = await import("@zip.js/zip.js");
  const writer = new ZipWriter(new BlobWriter("application/zip"), { useWebWorkers: false });
  for (const [name, data] of Object.entries(members)) {
    await writer.add(name, new Uint8ArrayReader(data));
  }
  return new Uint8Array(await (await writer.close()).arrayBuffer());
}
