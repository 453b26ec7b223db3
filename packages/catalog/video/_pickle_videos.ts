import { join } from "node:path";
import { commitFile } from "@vlmeval/internal";
import { DatasetLayoutError } from "../errors.ts";

/** A buffered sequential reader over a file, for the pickle opcodes. */
class ByteReader {
  #file: Deno.FsFile;
  #buffer = new Uint8Array(1 << 20);
  #start = 0;
  #end = 0;
  offset = 0;

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  async #fill(): Promise<boolean> {
    if (this.#start < this.#end) return true;
    const n = await this.#file.read(this.#buffer);
    if (n === null) return false;
    this.#start = 0;
    this.#end = n;
    return true;
  }

  async byte(): Promise<number> {
    if (!(await this.#fill())) throw new RangeError("the file ends inside the pickle");
    this.offset++;
    return this.#buffer[this.#start++];
  }

  async bytes(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    await this.copy(n, (chunk, at) => void out.set(chunk, at));
    return out;
  }

  /** Hands `n` bytes to `sink` chunk by chunk (a video goes to its file without being held). */
  async copy(n: number, sink: (chunk: Uint8Array, at: number) => void | Promise<void>) {
    let done = 0;
    while (done < n) {
      if (!(await this.#fill())) throw new RangeError("the file ends inside the pickle");
      const take = Math.min(n - done, this.#end - this.#start);
      await sink(this.#buffer.subarray(this.#start, this.#start + take), done);
      this.#start += take;
      this.offset += take;
      done += take;
    }
  }

  async uint(n: 1 | 2 | 4 | 8): Promise<number> {
    const b = await this.bytes(n);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + b[i];
    if (!Number.isSafeInteger(v)) throw new RangeError("a length in the pickle is too large");
    return v;
  }
}

const MARK = Symbol("mark");
type Item = string | { file: string; size: number } | typeof MARK | "dict";

/** Checks a video name from a pickle key: a plain file name, no folder, no dot names. */
function checkKey(pickle: string, key: string): void {
  if (key === "" || key === "." || key === ".." || /[/\\\0]/.test(key)) {
    throw new DatasetLayoutError(
      pickle,
      `Cannot unpack ${pickle} as it names a video ${JSON.stringify(key)} that is not a plain ` +
        `file name`,
    );
  }
}

/**
 * Writes the videos of a pickled `{name: bytes}` dict (MMBench-Video's `video_pkl/*.pkl`, read by
 * VLMEvalKit's `unwrap_hf_pkl` with `pickle.load`) as `into/<name><suffix>`. The pickle is parsed
 * opcode by opcode and never executed: only a dict of strings to bytes is accepted (protocols
 * 2 to 5); any other opcode is an error naming it and its offset. Each video is streamed to a
 * temporary file, flushed and renamed, so memory stays small and a present video is complete.
 *
 * @returns the number of videos written
 * @throws {DatasetLayoutError} naming the file, the offset and the problem
 */
export async function unpickleVideos(
  pickle: string,
  into: string,
  suffix: string,
): Promise<number> {
  await Deno.mkdir(into, { recursive: true });
  using file = await Deno.open(pickle, { read: true });
  const reader = new ByteReader(file);
  const stack: Item[] = [];
  const memo = new Map<number, Item>();
  const temps: string[] = [];
  let written = 0;
  const fail = (why: string): never => {
    throw new DatasetLayoutError(
      pickle,
      `Cannot unpack ${pickle} at byte ${reader.offset} as ${why}; only a pickled dict of ` +
        `video names to bytes is read (nothing in it is executed)`,
    );
  };
  const text = async (n: number) =>
    new TextDecoder("utf-8", { fatal: true }).decode(await reader.bytes(n));
  const bytesToFile = async (n: number) => {
    const temp = join(into, `.unpickle-${crypto.randomUUID().slice(0, 8)}.tmp`);
    temps.push(temp);
    using out = await Deno.open(temp, { write: true, createNew: true });
    await reader.copy(n, async (chunk) => {
      let done = 0;
      while (done < chunk.length) done += await out.write(chunk.subarray(done));
    });
    stack.push({ file: temp, size: n });
  };
  const setItems = async (pairs: Item[]) => {
    if (pairs.length % 2 !== 0) fail("a dict is given an odd number of items");
    for (let i = 0; i < pairs.length; i += 2) {
      const key = pairs[i];
      const value = pairs[i + 1];
      if (typeof key !== "string") return fail("a dict key is not a string");
      if (typeof value !== "object") return fail("a dict value is not bytes");
      checkKey(pickle, key);
      await commitFile(value.file, join(into, `${key}${suffix}`));
      written++;
    }
  };
  try {
    while (true) {
      const op = await reader.byte().catch(() => fail("the file ends before the pickle's STOP"));
      switch (op) {
        case 0x80: // PROTO
          await reader.byte();
          break;
        case 0x95: // FRAME: a length hint; the stream is read in order anyway
          await reader.uint(8);
          break;
        case 0x7d: // EMPTY_DICT
          stack.push("dict");
          break;
        case 0x28: // MARK
          stack.push(MARK);
          break;
        case 0x94: // MEMOIZE
          memo.set(memo.size, stack[stack.length - 1]);
          break;
        case 0x71: // BINPUT
          memo.set(await reader.uint(1), stack[stack.length - 1]);
          break;
        case 0x72: // LONG_BINPUT
          memo.set(await reader.uint(4), stack[stack.length - 1]);
          break;
        case 0x68: // BINGET
        case 0x6a: { // LONG_BINGET
          const item = memo.get(await reader.uint(op === 0x68 ? 1 : 4));
          if (typeof item !== "string") fail("it refers back to something other than a name");
          stack.push(item as string);
          break;
        }
        case 0x8c: // SHORT_BINUNICODE
          stack.push(await text(await reader.uint(1)));
          break;
        case 0x58: // BINUNICODE
          stack.push(await text(await reader.uint(4)));
          break;
        case 0x8d: // BINUNICODE8
          stack.push(await text(await reader.uint(8)));
          break;
        case 0x43: // SHORT_BINBYTES
          await bytesToFile(await reader.uint(1));
          break;
        case 0x42: // BINBYTES
          await bytesToFile(await reader.uint(4));
          break;
        case 0x8e: // BINBYTES8
          await bytesToFile(await reader.uint(8));
          break;
        case 0x73: // SETITEM
          await setItems(stack.splice(stack.length - 2, 2));
          break;
        case 0x75: { // SETITEMS
          const mark = stack.lastIndexOf(MARK);
          if (mark < 0) fail("SETITEMS has no MARK");
          const pairs = stack.splice(mark);
          await setItems(pairs.slice(1));
          break;
        }
        case 0x2e: // STOP
          if (stack.length !== 1 || stack[0] !== "dict") fail("the pickle is not one dict");
          return written;
        default:
          fail(`it holds pickle opcode 0x${op.toString(16).padStart(2, "0")}`);
      }
    }
  } catch (error) {
    if (error instanceof RangeError) fail(error.message);
    throw error;
  } finally {
    for (const temp of temps) await Deno.remove(temp).catch(() => {});
  }
}
