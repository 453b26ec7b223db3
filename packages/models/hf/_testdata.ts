import { fileURLToPath } from "node:url";

/** The Hugging Face adapter's test data folder (models made by scripts/make_hf_fixtures.py). */
export const HF_TESTDATA: string = fileURLToPath(new URL("./testdata", import.meta.url));
