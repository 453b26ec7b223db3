import { createHash, type Hash } from "node:crypto";

/**
 * What a downloaded file is checked against: VLMEvalKit's MD5 of a TSV, a Hugging Face LFS
 * file's SHA-256, or a small Hugging Face file's git blob SHA-1 (`sha1("blob <size>\0" + data)`).
 */
export interface Checksum {
  /** The hash function. */
  algorithm: "md5" | "sha256" | "git-sha1";
  /** Lowercase hex digest expected. */
  hex: string;
  /** File size; needed by `git-sha1`. */
  size?: number;
}

/** An incremental hash of one of the {@link Checksum} algorithms. */
export interface Hasher {
  update(bytes: Uint8Array): void;
  hex(): string;
}

/** A fresh hasher for `checksum`'s algorithm. */
export function createHasher(checksum: Checksum): Hasher {
  let hash: Hash;
  if (checksum.algorithm === "git-sha1") {
    if (checksum.size === undefined) {
      throw new TypeError("Cannot compute a git blob SHA-1 as the file size is not known");
    }
    hash = createHash("sha1");
    hash.update(`blob ${checksum.size}\0`);
  } else {
    hash = createHash(checksum.algorithm);
  }
  return {
    update: (bytes) => void hash.update(bytes),
    hex: () => hash.digest("hex"),
  };
}

/** Feeds the first `limit` bytes of a file (all of it by default) to a hasher, 1 MiB at a time. */
export async function hashFileInto(path: string, hasher: Hasher, limit = Infinity): Promise<void> {
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(1 << 20);
  let left = limit;
  while (left > 0) {
    const n = await file.read(left < buffer.length ? buffer.subarray(0, left) : buffer);
    if (n === null) break;
    hasher.update(buffer.subarray(0, n));
    left -= n;
  }
}

/** Hex digest of a whole file. */
export async function hashFile(path: string, checksum: Checksum): Promise<string> {
  const hasher = createHasher(checksum);
  await hashFileInto(path, hasher);
  return hasher.hex();
}
