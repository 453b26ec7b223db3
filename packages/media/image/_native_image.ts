/**
 * The native image decoder: sharp, whose prebuilt libvips (libjpeg-turbo, libspng, libwebp,
 * cgif) comes inside its npm packages. Loaded once, on first use; when it cannot load (no
 * prebuilt binary for the platform, `--allow-ffi` missing, or `VLMEVAL_IMAGE_DECODER=js`), the
 * reason is kept and callers use the TypeScript decoders.
 *
 * @module
 */
import type { Sharp } from "./_sharp_api.d.ts";

/** Which decoder decodes images in this process, and why. */
export interface ImageDecoderInfo {
  /** `native` (sharp and libvips) or `js` (the TypeScript decoders). */
  kind: "native" | "js";
  /** The libvips and sharp versions, when native. */
  versions?: string;
  /** Why the TypeScript decoders are used, when they are. */
  reason?: string;
}

/** Environment variable choosing the decoder: `native` (default, with fallback) or `js`. */
export const DECODER_ENV = "VLMEVAL_IMAGE_DECODER";

let loading: Promise<{ sharp?: Sharp; info: ImageDecoderInfo }> | undefined;

function requested(): string {
  try {
    return Deno.env.get(DECODER_ENV) ?? "native";
  } catch {
    return "native";
  }
}

async function load(): Promise<{ sharp?: Sharp; info: ImageDecoderInfo }> {
  const choice = requested();
  if (choice === "js") return { info: { kind: "js", reason: `${DECODER_ENV}=js` } };
  try {
    const { nativeSharp: sharp } = await import("./_sharp_module.ts");
    // No operation cache: every image is decoded once, and memory must stay flat.
    sharp.cache(false);
    return {
      sharp,
      info: {
        kind: "native",
        versions: `sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}`,
      },
    };
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { info: { kind: "js", reason: `sharp could not be loaded: ${message}` } };
  }
}

/** sharp, or undefined with the reason in {@link imageDecoderInfo}. */
export async function nativeDecoder(): Promise<Sharp | undefined> {
  loading ??= load();
  return (await loading).sharp;
}

/** Which decoder this process uses (loading sharp if it was not loaded yet). */
export async function imageDecoderInfo(): Promise<ImageDecoderInfo> {
  loading ??= load();
  return (await loading).info;
}
