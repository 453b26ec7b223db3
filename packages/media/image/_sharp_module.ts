/**
 * sharp, imported only through `_native_image.ts`'s lazy import, so that a platform without its
 * prebuilt binary falls back instead of failing at import. Typed by `_sharp_api.d.ts`.
 */
// @ts-types="./_sharp_api.d.ts"
import sharp from "sharp";
import type { Sharp } from "./_sharp_api.d.ts";

/** The sharp function. */
export const nativeSharp: Sharp = sharp;
