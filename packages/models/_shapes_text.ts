/**
 * Text encoding of ShapesVLM: questions and option texts become bags of words over the
 * vocabulary stored with the model. Training (scripts/train_bundled_model.ts) and inference use
 * this one implementation.
 */

const SPELLING: Record<string, string> = {
  color: "colour",
  colors: "colours",
  colored: "coloured",
};

/** Lower-case words and numbers of a text, with US spellings mapped to the model's. */
export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).map((w) => SPELLING[w] ?? w);
}

/** The sorted distinct words of some texts. */
export function buildVocabulary(texts: Iterable<string>): string[] {
  const words = new Set<string>();
  for (const text of texts) for (const w of tokenize(text)) words.add(w);
  return [...words].sort();
}

/** Word to position in a vocabulary. */
export function vocabularyIndex(vocabulary: readonly string[]): Map<string, number> {
  return new Map(vocabulary.map((w, i) => [w, i]));
}

/**
 * Writes the bag of words of `text` (1 where a vocabulary word occurs, else 0) into `out` at
 * `offset`; words outside the vocabulary are ignored. Returns how many words were known.
 */
export function writeBagOfWords(
  text: string,
  index: Map<string, number>,
  out: Float32Array,
  offset: number,
): number {
  let known = 0;
  for (const w of tokenize(text)) {
    const i = index.get(w);
    if (i !== undefined) {
      out[offset + i] = 1;
      known++;
    }
  }
  return known;
}
