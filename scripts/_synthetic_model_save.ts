import type * as tfTypes from "@tensorflow/tfjs";

type Tf = typeof tfTypes;

/**
 * Saves a layers model as `<dir>/model.json` (topology, weights manifest and `metadata` as
 * `userDefinedMetadata`) plus `<dir>/weights.bin`, the layout `tf.loadLayersModel` reads.
 * Returns the byte size of the weights.
 */
export async function saveModelFiles(
  tf: Tf,
  model: tfTypes.LayersModel,
  dir: string,
  metadata: Record<string, unknown>,
): Promise<number> {
  await Deno.mkdir(dir, { recursive: true });
  let size = 0;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
    size = weights.byteLength;
    const json = {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: "vlmeval scripts/train_bundled_model.ts",
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      userDefinedMetadata: metadata,
    };
    await Deno.writeFile(`${dir}/weights.bin`, weights);
    await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(json));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
  return size;
}
