import assert from "node:assert/strict";
import { cspHash, escapeHtml, html, jsonScript, relativeUrl, scriptSafeJson } from "./html.ts";

Deno.test("html`` escapes every interpolated value, in text and in quoted attributes", () => {
  const hostile = `"><script>alert('x')</script><img src=x onerror=alert(1)>`;
  const out = html`<td title="${hostile}">${hostile}</td>`.text;
  const escaped = "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" +
    "&lt;img src=x onerror=alert(1)&gt;";
  assert.equal(out, `<td title="${escaped}">${escaped}</td>`);
  assert.equal(
    escapeHtml(`<a href='x'>&</a>`),
    "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;",
  );
});

Deno.test("html`` keeps nested templates as markup and leaves out nullish values", () => {
  const inner = html`<b>${"<i>"}</b>`;
  assert.equal(
    html`<p>${inner}${null}${undefined}${false}${[1, "<"]}</p>`.text,
    "<p><b>&lt;i&gt;</b>1&lt;</p>",
  );
});

Deno.test("scriptSafeJson() cannot end its script block or open a comment, and parses back", () => {
  const value = {
    a: "</script><script>alert(1)</script>",
    b: "<!-- x -->",
    c: "line\u2028sep\u2029para",
    d: "A & B > C",
  };
  const text = scriptSafeJson(value);
  assert.ok(!/<\/script/i.test(text));
  assert.ok(!text.includes("<!--"));
  assert.ok(!text.includes("\u2028") && !text.includes("\u2029"));
  assert.deepEqual(JSON.parse(text), value);
  const block = jsonScript("data", value).text;
  assert.equal(block.match(/<\/script/gi)?.length, 1, "only the block's own end tag");
});

Deno.test("jsonScript() escapes its id like any attribute", () => {
  assert.match(
    jsonScript(`x"><b`, 1).text,
    /^<script type="application\/json" id="x&quot;&gt;&lt;b">/,
  );
});

Deno.test("relativeUrl() percent-encodes each segment of a file name", () => {
  assert.equal(relativeUrl("images/a b/1#2?.png"), "images/a%20b/1%232%3F.png");
  assert.equal(relativeUrl(`x/javascript:alert(1)"<>`), "x/javascript%3Aalert(1)%22%3C%3E");
});

Deno.test("cspHash() is the CSP sha256 source of the exact text", async () => {
  // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
  assert.equal(await cspHash("alert(1)"), "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
});
