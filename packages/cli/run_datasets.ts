import { parseArgs } from "node:util";
import {
  catalogSource,
  listBenchmarks,
  type LocalState,
  localState,
  sourceUrl,
} from "@vlmeval/catalog";
import { lmuDataRoot } from "@vlmeval/datasets";
import { formatBytes } from "@vlmeval/internal";
import { formatTable } from "@vlmeval/report";
import { EXIT_CODES, exitCodeOf } from "@vlmeval/schema";
import { describeError } from "./errors.ts";

/** `vlmeval datasets --help`. */
export const DATASETS_HELP =
  `vlmeval datasets: the benchmarks vlmeval fetches by name, and what is on disk

Usage: vlmeval datasets [--json] [--data-root DIR] [--kind KIND] [NAME...]

Lists VLMEvalKit's benchmarks from the catalog (packages/catalog/catalog.json, read from
VLMEvalKit's dataset classes): name, kind, scorer (the metric family), size when known, and the
local state under the data root:
  absent         not downloaded (a "partial" size is an interrupted download, resumed by fetch)
  verified       present with the catalog's MD5 (a video benchmark: a completed, verified fetch)
  md5 mismatch   present with another MD5 (fetch downloads it again unless --keep)
  unverified     present, and the catalog has no MD5 for it
MD5s are remembered in .vlmeval-md5.json beside the files (by size and mtime), so a listing
reads each TSV once.

Options:
  --json           a JSON array of objects (name, kind, scorer, class, url, source_url, md5,
                   size, local, path, ...) on stdout
  --data-root DIR  the data root (default $LMUData, else ~/LMUData)
  --kind KIND      only mcq, yes_or_no, vqa or video benchmarks
  -h, --help       this text

Exit codes: 0 listed; 2 bad command line or unknown NAME; 1 the data root could not be read.`;

function stateText(local: LocalState): string {
  switch (local.state) {
    case "absent":
      return local.partialBytes !== undefined
        ? `absent (partial ${formatBytes(local.partialBytes)})`
        : "absent";
    case "md5_mismatch":
      return "md5 mismatch";
    default:
      return local.state;
  }
}

/** `vlmeval datasets`: returns the exit code. */
export async function runDatasetsCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        "data-root": { type: "string" },
        kind: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    console.error(`vlmeval datasets: ${(err as Error).message}\nSee vlmeval datasets --help.`);
    return EXIT_CODES.usage;
  }
  const v = parsed.values;
  if (v.help) {
    console.log(DATASETS_HELP);
    return EXIT_CODES.ok;
  }
  const kinds = ["mcq", "yes_or_no", "vqa", "video"];
  if (v.kind !== undefined && !kinds.includes(v.kind)) {
    console.error(
      `vlmeval datasets: Cannot use --kind "${v.kind}" as it is not one of ${kinds.join(", ")}`,
    );
    return EXIT_CODES.usage;
  }
  let entries = listBenchmarks().filter((e) => v.kind === undefined || e.kind === v.kind);
  if (parsed.positionals.length > 0) {
    const wanted = new Set(parsed.positionals);
    const unknown = parsed.positionals.filter((n) =>
      !entries.some((e) => e.name === n || e.aliases?.includes(n))
    );
    if (unknown.length > 0) {
      console.error(
        `vlmeval datasets: Cannot list ${unknown.join(", ")} as the catalog has no such ` +
          `benchmark${v.kind ? ` of kind ${v.kind}` : ""}`,
      );
      return EXIT_CODES.usage;
    }
    entries = entries.filter((e) => wanted.has(e.name) || e.aliases?.some((a) => wanted.has(a)));
  }
  try {
    const root = await lmuDataRoot({ dataRoot: v["data-root"] });
    const states: LocalState[] = [];
    for (const entry of entries) states.push(await localState(entry, root));
    if (v.json) {
      const rows = entries.map((e, k) => ({
        name: e.name,
        kind: e.kind,
        scorer: e.scorer,
        class: e.class,
        type: e.type,
        modality: e.modality,
        url: e.url,
        source_url: sourceUrl(e.url),
        md5: e.md5,
        size: e.size ?? states[k].size ?? null,
        aliases: e.aliases ?? [],
        local: states[k].state,
        path: states[k].path,
        local_md5: states[k].md5 ?? null,
        partial_bytes: states[k].partialBytes ?? null,
      }));
      console.log(JSON.stringify(rows, null, 2));
      return EXIT_CODES.ok;
    }
    const source = catalogSource();
    console.log(
      `${entries.length} benchmarks (VLMEvalKit ${source.commit.slice(0, 8)}); data root ${root}`,
    );
    const rows = entries.map((e, k) => {
      const size = e.size ?? states[k].size;
      return [
        e.name,
        e.kind,
        e.scorer,
        size !== undefined && size !== null ? formatBytes(size) : "",
        stateText(states[k]),
      ];
    });
    console.log(formatTable(["name", "kind", "scorer", "size", "local"], rows, { maxWidth: 100 }));
    return EXIT_CODES.ok;
  } catch (err) {
    console.error(`vlmeval datasets: ${describeError(err)}`);
    return exitCodeOf(err) ??
      (err instanceof TypeError ? EXIT_CODES.usage : EXIT_CODES.sampleFailed);
  }
}
