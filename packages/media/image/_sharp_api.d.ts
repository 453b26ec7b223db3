/**
 * The part of sharp's API that vlmeval uses. sharp's own declarations reference Node's types
 * (`/// <reference types="node" />`), which would replace Deno's `node:` module types in every
 * program importing them; these declarations stand in for them.
 */

/** What `raw().toBuffer({ resolveWithObject: true })` returns. */
export interface RawOutput {
  data: Uint8Array;
  info: { width: number; height: number; channels: number };
}

/** A sharp pipeline. */
export interface Pipeline {
  removeAlpha(): Pipeline;
  flatten(options: { background: { r: number; g: number; b: number } }): Pipeline;
  toColourspace(space: "srgb"): Pipeline;
  resize(
    width: number,
    height: number,
    options: { fit: "fill"; kernel: "linear" | "lanczos3" | "nearest" },
  ): Pipeline;
  raw(options: { depth: "uchar" }): Pipeline;
  toBuffer(options: { resolveWithObject: true }): Promise<RawOutput>;
}

/** Input options of `sharp(input, options)`. */
export interface InputOptions {
  pages?: number;
  failOn?: "none" | "truncated" | "error" | "warning";
  raw?: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/** The sharp function and its module-level settings. */
export interface Sharp {
  (input: Uint8Array, options?: InputOptions): Pipeline;
  cache(enabled: boolean): unknown;
  concurrency(threads?: number): number;
  versions: { sharp: string; vips: string };
}

declare const sharp: Sharp;
export default sharp;
