import { createHash } from "node:crypto";
import { join, relative } from "node:path";

/** A request the test hub saw. */
export interface HubRequest {
  method: string;
  path: string;
  range?: string;
}

/** Options of {@link startTestHub}. */
export interface TestHubOptions {
  /** Repository id served. */
  repo: string;
  /** Folder whose files the repository holds. */
  dir: string;
  /** Cut the first GET of this repository path after half its bytes (connection reset). */
  cutOnce?: string;
}

/** A loopback server speaking the hub's resolve API: HEAD with commit and ETag, LFS redirects, Range. */
export interface TestHub {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** Every request, in order. */
  requests: HubRequest[];
  /** The commit id it reports. */
  commit: string;
  /** Stops the server. */
  close(): Promise<void>;
}

function* walk(dir: string): Generator<string> {
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* walk(p);
    else if (e.isFile) yield p;
  }
}

/** Starts the test hub on an ephemeral loopback port. */
export function startTestHub(opts: TestHubOptions): TestHub {
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const p of walk(opts.dir)) files.set(relative(opts.dir, p), Deno.readFileSync(p));
  const etagOf = (b: Uint8Array<ArrayBuffer>) => createHash("sha256").update(b).digest("hex");
  const byEtag = new Map([...files.values()].map((b) => [etagOf(b), b]));
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const requests: HubRequest[] = [];
  let cut = opts.cutOnce;
  const body = (bytes: Uint8Array<ArrayBuffer>, req: Request, name: string): Response => {
    const range = req.headers.get("range");
    let start = 0;
    if (range) start = Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0);
    const part = bytes.subarray(start);
    const headers = { "content-length": String(part.length), "accept-ranges": "bytes" };
    if (cut === name && req.method === "GET") {
      cut = undefined;
      const half = part.subarray(0, Math.floor(part.length / 2));
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(half);
          setTimeout(() => c.error(new Error("connection cut by the test hub")), 50);
        },
      });
      return new Response(stream, { status: range ? 206 : 200, headers });
    }
    return new Response(req.method === "HEAD" ? null : part, {
      status: range ? 206 : 200,
      headers: range
        ? { ...headers, "content-range": `bytes ${start}-${bytes.length - 1}/${bytes.length}` }
        : headers,
    });
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    requests.push({
      method: req.method,
      path: decodeURIComponent(url.pathname),
      range: req.headers.get("range") ?? undefined,
    });
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    if (cdn) {
      const bytes = byEtag.get(cdn[1]);
      if (!bytes) return new Response("no such blob", { status: 404 });
      const name = [...files.entries()].find(([, b]) => b === bytes)![0];
      return body(bytes, req, name);
    }
    const prefix = `/${opts.repo}/resolve/main/`;
    const path = decodeURIComponent(url.pathname);
    if (!path.startsWith(prefix)) return new Response("not found", { status: 404 });
    const name = path.slice(prefix.length);
    const bytes = files.get(name);
    if (!bytes) return new Response("Entry not found", { status: 404 });
    const etag = etagOf(bytes);
    if (name.endsWith(".onnx")) {
      // Large files live in LFS: the hub redirects, naming the blob in x-linked-* headers.
      return new Response(null, {
        status: 302,
        headers: {
          location: `/cdn/${etag}`,
          "x-repo-commit": commit,
          "x-linked-etag": `"${etag}"`,
          "x-linked-size": String(bytes.length),
        },
      });
    }
    const res = body(bytes, req, name);
    res.headers.set("x-repo-commit", commit);
    res.headers.set("etag", `"${etag}"`);
    return res;
  });
  const addr = server.addr as Deno.NetAddr;
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    requests,
    commit,
    close: async () => {
      await server.shutdown();
    },
  };
}
