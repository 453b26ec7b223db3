import assert from "node:assert/strict";
import { join } from "node:path";
import { HubDownloadError, HubOfflineError } from "./hub.ts";
import { resolveHfModel } from "./resolve_model.ts";
import { createHfModel } from "./hf_model.ts";
import { startTestHub } from "./_test_hub_server.ts";
import { HF_TESTDATA } from "./_testdata.ts";
import { PARITY } from "./_parity_cases.ts";

const REPO = "tiny-org/tiny-smolvlm";
const CUT = "onnx/decoder_model_merged.onnx";

Deno.test("a repository downloads from the hub into its cache, resuming a cut transfer, then runs", async () => {
  const home = await Deno.makeTempDir({ prefix: "vlmeval-hf-home-" });
  const hub = startTestHub({ repo: REPO, dir: join(HF_TESTDATA, "smolvlm"), cutOnce: CUT });
  const lines: string[] = [];
  try {
    const env = { HF_ENDPOINT: hub.endpoint, HF_HOME: home };
    const source = await resolveHfModel(REPO, { env, onProgress: (l) => lines.push(l) });
    assert.equal(
      source.dir,
      join(home, "hub", "models--tiny-org--tiny-smolvlm", "snapshots", hub.commit),
    );
    assert.equal(source.dtype, "fp32");
    assert.equal(source.name, "tiny-smolvlm");
    // Every file is there, byte for byte, through the hub's layout (refs, blobs, snapshot links).
    for (const f of ["config.json", "tokenizer.json", CUT, "onnx/vision_encoder.onnx"]) {
      assert.deepEqual(
        await Deno.readFile(join(source.dir, f)),
        await Deno.readFile(join(HF_TESTDATA, "smolvlm", f)),
        f,
      );
    }
    assert.equal(
      (await Deno.readTextFile(join(home, "hub", "models--tiny-org--tiny-smolvlm", "refs", "main")))
        .trim(),
      hub.commit,
    );
    assert.ok((await Deno.lstat(join(source.dir, CUT))).isSymlink);
    // The cut transfer was resumed from where it stopped, not restarted.
    const gets = hub.requests.filter((r) => r.method === "GET" && r.path.startsWith("/cdn/"));
    const resumed = gets.find((r) => r.range !== undefined);
    assert.ok(resumed, `no Range request among ${JSON.stringify(gets)}`);
    const size = (await Deno.stat(join(HF_TESTDATA, "smolvlm", CUT))).size;
    const from = Number(/bytes=(\d+)-/.exec(resumed.range!)![1]);
    assert.ok(from > 0 && from < size, `resumed from ${from} of ${size}`);
    assert.ok(
      lines.some((l) => l.includes(`${REPO}/${CUT}`) && l.includes("100%")),
      lines.join("\n"),
    );

    // The downloaded model answers as PyTorch did.
    const c = PARITY.cases.find((x) => x.family === "smolvlm" && x.split !== false)!;
    const model = await createHfModel({
      model: REPO,
      env,
      generation: { max_new_tokens: c.expected.token_ids.length },
      onProgress: () => {},
    });
    try {
      assert.equal(model.name, "tiny-smolvlm");
      const message = c.message.map((m) =>
        m.type === "image" ? { ...m, value: join(HF_TESTDATA, m.value) } : m
      );
      const got = await model.generateIds(message, { dataset: c.dataset, index: "0" });
      assert.deepEqual(got.newIds, c.expected.token_ids);
    } finally {
      await model.dispose?.();
    }

    // A complete cache is used as it is: offline, and online without asking the hub.
    const before = hub.requests.length;
    const offline = await resolveHfModel(REPO, { env: { ...env, HF_HUB_OFFLINE: "1" } });
    assert.equal(offline.dir, source.dir);
    await resolveHfModel(REPO, { env });
    assert.equal(hub.requests.length, before);
  } finally {
    await hub.close();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("offline without the files: an error names them, the cache and how to fetch them", async () => {
  const home = await Deno.makeTempDir({ prefix: "vlmeval-hf-home-" });
  try {
    await assert.rejects(
      resolveHfModel("SmolVLM-256M", { env: { HF_HOME: home, HF_HUB_OFFLINE: "1" } }),
      (err: Error) => {
        assert.ok(err instanceof HubOfflineError);
        assert.match(err.message, /HuggingFaceTB\/SmolVLM-256M-Instruct/);
        assert.match(err.message, /config\.json/);
        assert.ok(
          err.message.includes(join(home, "hub", "models--HuggingFaceTB--SmolVLM-256M-Instruct")),
        );
        assert.match(err.message, /huggingface-cli download HuggingFaceTB\/SmolVLM-256M-Instruct/);
        return true;
      },
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("a dtype the repository lacks, and an unreachable hub, are clear errors", async () => {
  const home = await Deno.makeTempDir({ prefix: "vlmeval-hf-home-" });
  const hub = startTestHub({ repo: REPO, dir: join(HF_TESTDATA, "smolvlm") });
  try {
    await assert.rejects(
      resolveHfModel(REPO, {
        env: { HF_ENDPOINT: hub.endpoint, HF_HOME: home },
        dtype: "q4",
        onProgress: () => {},
      }),
      (err: Error) =>
        err instanceof HubDownloadError && /onnx\/vision_encoder_q4\.onnx/.test(err.message) &&
        /no such file/.test(err.message),
    );
    await assert.rejects(
      resolveHfModel(REPO, { env: { HF_ENDPOINT: hub.endpoint, HF_HOME: home }, dtype: "fp64" }),
      /Cannot load the ONNX variant "fp64"/,
    );
  } finally {
    await hub.close();
  }
  // Nothing listens there any more.
  await assert.rejects(
    resolveHfModel("other/model", { env: { HF_ENDPOINT: hub.endpoint, HF_HOME: home } }),
    (err: Error) =>
      err instanceof HubDownloadError && /Cannot reach the Hugging Face hub/.test(err.message),
  );
  await Deno.remove(home, { recursive: true });
});
