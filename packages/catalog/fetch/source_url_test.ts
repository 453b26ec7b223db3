import assert from "node:assert/strict";
import { authHeaders, isHuggingFaceUrl, sourceUrl } from "./source_url.ts";

const OC = "https://opencompass.openxlab.space/utils/VLMEval/MMStar.tsv";
const HF = "https://huggingface.co/datasets/yifanzhang114/AMBER_base64/resolve/main/AMBER.tsv";

Deno.test("sourceUrl() replaces scheme, host and port with VLMEVAL_DATA_MIRROR, keeping the path", () => {
  const env = { VLMEVAL_DATA_MIRROR: "http://10.0.0.5:8080" };
  assert.equal(sourceUrl(OC, env), "http://10.0.0.5:8080/utils/VLMEval/MMStar.tsv");
  assert.equal(
    sourceUrl(HF, { ...env, HF_ENDPOINT: "https://hf-mirror.com" }),
    "http://10.0.0.5:8080/datasets/yifanzhang114/AMBER_base64/resolve/main/AMBER.tsv",
    "the mirror wins over HF_ENDPOINT",
  );
  assert.equal(
    sourceUrl(OC, { VLMEVAL_DATA_MIRROR: "https://files.lab/vlm/" }),
    "https://files.lab/vlm/utils/VLMEval/MMStar.tsv",
    "a path prefix is kept in front",
  );
});

Deno.test("sourceUrl() sends Hugging Face URLs to HF_ENDPOINT and leaves the others", () => {
  const env = { HF_ENDPOINT: "https://hf-mirror.com" };
  assert.equal(
    sourceUrl(HF, env),
    "https://hf-mirror.com/datasets/yifanzhang114/AMBER_base64/resolve/main/AMBER.tsv",
  );
  assert.equal(sourceUrl(OC, env), OC);
  assert.equal(sourceUrl(OC, {}), OC);
});

Deno.test("sourceUrl() refuses a mirror that is not an http(s) base URL", () => {
  assert.throws(
    () => sourceUrl(OC, { VLMEVAL_DATA_MIRROR: "ftp://x" }),
    /Cannot use VLMEVAL_DATA_MIRROR as it must be an http or https URL: current value is "ftp:\/\/x"/,
  );
  assert.throws(() => sourceUrl(OC, { VLMEVAL_DATA_MIRROR: "mirror.local" }), /is not a URL/);
  assert.throws(() => sourceUrl(HF, { HF_ENDPOINT: "https://h/?x=1" }), /no query/);
});

Deno.test("authHeaders() gives HF_TOKEN to Hugging Face hosts only", () => {
  const env = { HF_TOKEN: "t" };
  assert.deepEqual(authHeaders(HF, env), { authorization: "Bearer t" });
  assert.deepEqual(authHeaders(OC, env), {});
  const viaEndpoint = { HF_TOKEN: "t", HF_ENDPOINT: "http://127.0.0.1:9" };
  assert.deepEqual(authHeaders(sourceUrl(HF, viaEndpoint), viaEndpoint), {
    authorization: "Bearer t",
  });
  const viaMirror = { HUGGINGFACE_TOKEN: "t", VLMEVAL_DATA_MIRROR: "http://127.0.0.1:9" };
  assert.deepEqual(authHeaders(sourceUrl(HF, viaMirror), viaMirror), {});
  assert.equal(isHuggingFaceUrl(OC, {}), false);
});
