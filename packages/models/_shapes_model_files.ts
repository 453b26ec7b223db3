import type { Tf } from "./backends/backend_info.ts";

type LayersModel = Awaited<ReturnType<Tf["loadLayersModel"]>>;

/** What `userDefinedMetadata` of a ShapesVLM model.json holds. */
export interface ShapesModelMetadata {
  kind: "image" | "video";
  inputSize: number;
  channels: number;
  vocabulary: string[];
}

/** A loaded ShapesVLM network with its metadata. */
export interface ShapesModelFiles {
  model: LayersModel;
  metadata: ShapesModelMetadata;
}

interface ModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  weightsManifest: { paths: string[]; weights: unknown[] }[];
  userDefinedMetadata?: Partial<ShapesModelMetadata>;
}

function checkMetadata(
  dir: string,
  m: Partial<ShapesModelMetadata> | undefined,
): ShapesModelMetadata {
  const ok = m !== undefined && (m.kind === "image" || m.kind === "video") &&
    Number.isInteger(m.inputSize) && Number.isInteger(m.channels) && Array.isArray(m.vocabulary);
  if (!ok) {
    throw new Error(
      `Cannot load the ShapesVLM model in "${dir}" as model.json lacks userDefinedMetadata {kind, inputSize, channels, vocabulary}`,
    );
  }
  return m as ShapesModelMetadata;
}

/**
 * Loads `<dir>/model.json` and the weight files it names (plain file names in `dir`) as a tfjs
 * layers model, with an IOHandler reading the files from disk.
 *
 * @throws {Error} naming the directory when a file is missing, model.json is not valid, or a
 * weight file name would leave the directory.
 */
export async function loadShapesModelFiles(tf: Tf, dir: string): Promise<ShapesModelFiles> {
  let json: ModelJson;
  try {
    json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
  } catch (err) {
    throw new Error(`Cannot load the ShapesVLM model in "${dir}": ${(err as Error).message}`, {
      cause: err,
    });
  }
  const metadata = checkMetadata(dir, json.userDefinedMetadata);
  const paths = json.weightsManifest.flatMap((group) => group.paths);
  const bad = paths.find((p) => !/^[\w.-]+$/.test(p) || p.startsWith("."));
  if (bad !== undefined) {
    throw new Error(
      `Cannot load the ShapesVLM model in "${dir}" as weight file "${bad}" is not a plain file name in that folder`,
    );
  }
  const parts: Uint8Array[] = [];
  for (const p of paths) {
    try {
      parts.push(await Deno.readFile(`${dir}/${p}`));
    } catch (err) {
      throw new Error(
        `Cannot load the ShapesVLM weights "${dir}/${p}": ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  const weightData = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.byteLength;
  }
  const model = await tf.loadLayersModel({
    load: () =>
      Promise.resolve({
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights) as never,
        weightData: weightData.buffer,
        userDefinedMetadata: json.userDefinedMetadata as Record<string, never>,
      }),
  });
  return { model, metadata };
}
