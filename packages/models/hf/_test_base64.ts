import { Buffer } from "node:buffer";

/** Bytes of a base64 string (tests). */
export function decodeBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}
