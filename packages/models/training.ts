/**
 * @vlmeval/models/training: ShapesVLM's input encoding (bag-of-words text, stacked image
 * channels, the video frames its head reads), for `scripts/train_bundled_model.ts`. Training and
 * inference share this one implementation, so a retrained model reads its inputs exactly as
 * the bundled one is served.
 *
 * @module
 */
export { buildVocabulary, vocabularyIndex, writeBagOfWords } from "./_shapes_text.ts";
export { videoFramePositions, writeStackedImages } from "./_shapes_input.ts";
