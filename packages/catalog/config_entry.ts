import { type BenchmarkKind, type CatalogEntry, findBenchmark } from "./catalog.ts";

/** One entry of the `data` section of VLMEvalKit's `--config` JSON, with our `url` and `md5`. */
export interface ConfigDataEntry {
  /** VLMEvalKit's dataset class (`ImageMCQDataset`, ...). */
  class?: string;
  /** The dataset name (default: the entry's key). */
  dataset?: string;
  /** Where its TSV is downloaded from (a benchmark outside the catalog, or another copy). */
  url?: string;
  /** MD5 of that TSV. */
  md5?: string;
  /** Other fields (`nframe`, `fps`, ...) for the dataset class. */
  [key: string]: unknown;
}

const KIND_BY_CLASS: Record<string, BenchmarkKind> = {
  ImageMCQDataset: "mcq",
  MMMUDataset: "mcq",
  ImageYORNDataset: "yes_or_no",
  ImageVQADataset: "vqa",
  OCRBench: "vqa",
  MathVista: "vqa",
  MMVet: "vqa",
};

const TYPE_BY_KIND: Record<string, string> = { mcq: "MCQ", yes_or_no: "Y/N", vqa: "VQA" };

const has = (words: string[], text: string) => words.some((w) => text.includes(w));

/**
 * The metric family VLMEvalKit's `evaluate` uses for dataset `name` of class `className`
 * (image_mcq.py `evaluate_heuristic`, image_yorn.py and image_vqa.py `evaluate`, at the commit
 * the catalog names), or undefined for a class or report outside these families. The catalog's
 * own entries are written by the same rules (scripts/extract_catalog.py `scorer_for`).
 */
export function scorerFor(className: string, name: string): string | undefined {
  switch (className) {
    case "MMMUDataset":
      return "mmmu";
    case "ImageMCQDataset": {
      const mapped: Record<string, string> = {
        MMBench_TEST_EN: "MMBench",
        MMBench_TEST_EN_V11: "MMBench_V11",
        MMBench_TEST_CN: "MMBench_CN",
        MMBench_TEST_CN_V11: "MMBench_CN_V11",
      };
      const dataset = mapped[name] ?? name;
      if (dataset.includes("MMT") || dataset.includes("MMSci") || dataset === "MMVP") {
        return undefined;
      }
      return has(["mmbench", "ccbench", "circular", "mmcr"], dataset.toLowerCase())
        ? "mcq_circular"
        : "mcq";
    }
    case "ImageYORNDataset": {
      const ratings: [string, string][] = [
        ["MME", "mme"],
        ["Hallusion", "hallusion"],
        ["POPE", "pope"],
        ["AMBER", "amber"],
        ["VSR-zeroshot", "vsr"],
      ];
      return `yes_no:${ratings.find(([word]) => name.includes(word))?.[1] ?? "default"}`;
    }
    case "ImageVQADataset":
      if (name.includes("TextVQA")) return "vqa_acc";
      if (name.includes("ChartQA")) return "relaxed_accuracy";
      if (has(["OCRVQA", "GQA"], name)) return "accuracy";
      if (has(["DocVQA", "InfoVQA"], name)) return "anls";
      return "vqa_acc";
  }
  return {
    OCRBench: "ocrbench",
    MathVista: "mathvista",
    MMVet: "mmvet",
    VideoMME: "video_mcq",
    MVBench: "mvbench",
    MMBenchVideo: "mmbench_video",
  }[className];
}

function checkName(key: string, name: string): void {
  if (
    name === "" || name === "." || name === ".." || /[/\\\0]/.test(name) || name.startsWith(".")
  ) {
    throw new TypeError(
      `Cannot use config data entry "${key}" as its dataset name must be a plain file name ` +
        `(no slash, no leading dot): current value is ${JSON.stringify(name)}`,
    );
  }
}

/**
 * Turns a `data` entry of a `--config` file into a catalog entry. A name in the catalog keeps
 * its kind and scorer and takes the entry's `url` and `md5` when given; another name needs
 * `class` (an image class vlmeval scores) and `url`, and gets the scorer VLMEvalKit's class
 * picks for that name.
 *
 * @throws {TypeError} naming the entry and the field at fault
 *
 * @example
 * ```ts
 * import { catalogEntryFromConfig } from "@vlmeval/catalog";
 * const entry = catalogEntryFromConfig("MyBench", {
 *   class: "ImageMCQDataset",
 *   url: "https://example.org/MyBench.tsv",
 *   md5: "0123456789abcdef0123456789abcdef",
 * });
 * entry.scorer; // "mcq"
 * ```
 */
export function catalogEntryFromConfig(key: string, data: ConfigDataEntry): CatalogEntry {
  const name = typeof data.dataset === "string" ? data.dataset : key;
  checkName(key, name);
  const fail = (field: string, why: string, value: unknown) => {
    throw new TypeError(
      `Cannot use config data entry "${key}" as its ${field} ${why}: current value is ` +
        JSON.stringify(value),
    );
  };
  if (data.url !== undefined) {
    let url: URL | undefined;
    try {
      url = typeof data.url === "string" ? new URL(data.url) : undefined;
    } catch { /* reported below */ }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      fail("url", "must be an http or https URL", data.url);
    }
  }
  if (
    data.md5 !== undefined && !(typeof data.md5 === "string" && /^[0-9a-f]{32}$/i.test(data.md5))
  ) {
    fail("md5", "must be 32 hexadecimal digits", data.md5);
  }
  const md5 = data.md5?.toLowerCase();
  const known = findBenchmark(name);
  if (known) {
    if (known.video && data.url !== undefined) {
      fail("url", "cannot replace a video benchmark's repository", data.url);
    }
    const changedUrl = data.url !== undefined && data.url !== known.url;
    return {
      ...known,
      url: data.url ?? known.url,
      // Another file's MD5 is unknown unless given: never check it against the catalog's.
      md5: md5 ?? (changedUrl ? null : known.md5),
      size: changedUrl ? null : known.size,
    };
  }
  if (typeof data.class !== "string") {
    fail("class", "is needed for a benchmark outside the catalog", data.class);
  }
  const className = data.class as string;
  const kind = KIND_BY_CLASS[className];
  const scorer = kind ? scorerFor(className, name) : undefined;
  if (!kind || !scorer) {
    fail(
      "class",
      `is not one vlmeval scores (${Object.keys(KIND_BY_CLASS).join(", ")}; for ` +
        `ImageMCQDataset not the MMT, MMSci and MMVP reports)`,
      data.class,
    );
  }
  if (data.url === undefined) {
    fail("url", `is needed for "${name}", which is not in the catalog`, data.url);
  }
  return {
    name,
    kind: kind!,
    scorer: scorer!,
    class: className,
    type: TYPE_BY_KIND[kind!],
    modality: "IMAGE",
    url: data.url as string,
    md5: md5 ?? null,
    size: null,
  };
}
