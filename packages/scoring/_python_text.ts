/**
 * Python `str` behaviour the scoring rules depend on (`split()`, `strip()`, `len()`, string
 * order). Its one implementation is in `@vlmeval/internal`; this file names it for the scoring
 * rules.
 */
export { compareCodePoints, PY_WHITESPACE, pyLen, pySplit, pyStrip } from "@vlmeval/internal";
