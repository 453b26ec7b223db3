import assert from "node:assert/strict";
import { catalogEntryFromConfig } from "./config_entry.ts";

const MD5 = "0123456789abcdef0123456789abcdef";

Deno.test("catalogEntryFromConfig() makes an entry for a benchmark outside the catalog", () => {
  const e = catalogEntryFromConfig("MyBench", {
    class: "ImageYORNDataset",
    url: "https://example.org/MyPOPE.tsv",
    md5: MD5.toUpperCase(),
  });
  assert.deepEqual(e, {
    name: "MyBench",
    kind: "yes_or_no",
    scorer: "yes_no:default",
    class: "ImageYORNDataset",
    type: "Y/N",
    modality: "IMAGE",
    url: "https://example.org/MyPOPE.tsv",
    md5: MD5,
    size: null,
  });
  const circular = catalogEntryFromConfig("x", {
    class: "ImageMCQDataset",
    dataset: "MyBench_circular",
    url: "https://example.org/c.tsv",
  });
  assert.equal(circular.name, "MyBench_circular");
  assert.equal(circular.scorer, "mcq_circular");
  assert.equal(circular.md5, null);
});

Deno.test("catalogEntryFromConfig() keeps a catalog benchmark's scorer and takes the given copy", () => {
  const e = catalogEntryFromConfig("MMStar", { url: "https://mirror.lab/MMStar.tsv", md5: MD5 });
  assert.equal(e.scorer, "mcq");
  assert.equal(e.url, "https://mirror.lab/MMStar.tsv");
  assert.equal(e.md5, MD5);
  const other = catalogEntryFromConfig("MMStar", { url: "https://mirror.lab/other.tsv" });
  assert.equal(other.md5, null, "another file is not checked against the catalog's MD5");
  assert.equal(catalogEntryFromConfig("MMStar", {}).md5, "e1ecd2140806c1b1bbf54b43372efb9e");
});

Deno.test("catalogEntryFromConfig() names the entry and field at fault", () => {
  assert.throws(
    () => catalogEntryFromConfig("B", { class: "ImageMCQDataset", url: "file:///etc/passwd" }),
    /config data entry "B" as its url must be an http or https URL/,
  );
  assert.throws(
    () =>
      catalogEntryFromConfig("B", { class: "ImageMCQDataset", url: "https://x/b.tsv", md5: "abc" }),
    /its md5 must be 32 hexadecimal digits: current value is "abc"/,
  );
  assert.throws(
    () => catalogEntryFromConfig("../B", { class: "ImageMCQDataset", url: "https://x/b.tsv" }),
    /its dataset name must be a plain file name/,
  );
  assert.throws(
    () => catalogEntryFromConfig("B", { class: "Foo", url: "https://x/b.tsv" }),
    /its class is not one vlmeval scores/,
  );
  assert.throws(
    () => catalogEntryFromConfig("B", { url: "https://x/b.tsv" }),
    /its class is needed/,
  );
  assert.throws(
    () => catalogEntryFromConfig("B", { class: "ImageVQADataset" }),
    /its url is needed for "B"/,
  );
  assert.throws(
    () => catalogEntryFromConfig("MVBench", { url: "https://x/m.tsv" }),
    /cannot replace a video benchmark's repository/,
  );
});
