import assert from "node:assert/strict";
import { describeNetworkError } from "./network_error.ts";

async function fetchError(url: string): Promise<unknown> {
  try {
    await (await fetch(url)).body?.cancel();
  } catch (err) {
    return err;
  }
  throw new Error(`fetch ${url} did not fail`);
}

Deno.test("describeNetworkError() names a refused connection from Deno's cause chain", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(),
  );
  const port = server.addr.port;
  await server.shutdown();
  const failure = describeNetworkError(await fetchError(`http://127.0.0.1:${port}/v1/models`));
  assert.equal(failure.kind, "refused");
  assert.match(
    failure.text,
    /^connection refused \(TypeError: fetch failed; caused by .*Connection refused/,
  );
});

Deno.test("describeNetworkError() names a host that does not resolve", async () => {
  const failure = describeNetworkError(await fetchError("http://no-such-host.invalid/v1/models"));
  assert.equal(failure.kind, "dns", failure.text);
  assert.match(failure.text, /^host name not found \(DNS\)/);
});

Deno.test("describeNetworkError() names https spoken to a plain http port as TLS", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(),
  );
  try {
    const failure = describeNetworkError(
      await fetchError(`https://127.0.0.1:${server.addr.port}/`),
    );
    assert.equal(failure.kind, "tls", failure.text);
  } finally {
    await server.shutdown();
  }
});

Deno.test("describeNetworkError() keeps an unknown failure's whole chain", () => {
  const err = new TypeError("fetch failed", { cause: new Error("something odd") });
  assert.deepEqual(describeNetworkError(err), {
    kind: "network",
    text: "network error (TypeError: fetch failed; caused by something odd)",
  });
  assert.equal(describeNetworkError(new Error("ECONNRESET")).kind, "reset");
});
