/**
 * transformers.js, imported only when a Hugging Face model is built (this module is itself
 * imported lazily). Typed by `_transformers_api.d.ts`.
 */
// @ts-types="./_transformers_api.d.ts"
import * as transformers from "@huggingface/transformers";

/** The transformers.js module. */
export const tf: typeof transformers = transformers;
