import { Buffer } from "node:buffer";

/** Standard base64 (with padding) of some bytes. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}
