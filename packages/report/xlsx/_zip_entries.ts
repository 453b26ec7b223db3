/**
 * Just enough of the zip format to read the xlsx files our own writer makes: the central
 * directory of a single-disk, non-zip64 archive, and entries that are stored or deflated.
 * Anything else is refused with {@linkcode UnsupportedZipError}, so that the caller can hand
 * the file to a complete reader instead.
 *
 * @module
 */
import { crc32 } from "node:zlib";

/** The archive is not one this reader handles (or is damaged); use a complete reader. */
export class UnsupportedZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedZipError";
  }
}

/** One file in the archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: 0 | 8;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Where the entry's local header starts. */
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
/**
 * Compressed bytes read at a time while streaming an entry. Each read is inflated at once into
 * one chunk, which for repetitive text can be 20 times larger: this keeps those chunks small.
 */
const READ_CHUNK = 1 << 16;

function refuse(message: string): never {
  throw new UnsupportedZipError(message);
}

async function readAt(
  file: Deno.FsFile,
  offset: number,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(bytes.subarray(filled));
    if (n === null) refuse(`the file ends ${length - filled} bytes early`);
    filled += n;
  }
  return bytes;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads the central directory of the zip file open as `file` (`size` bytes long). The end
 * record must close the file and the directory must end where it starts, which rules out
 * zip64, split archives and data before or after the archive.
 *
 * @throws {UnsupportedZipError} For anything else, including a truncated file.
 */
export async function readZipDirectory(
  file: Deno.FsFile,
  size: number,
): Promise<Map<string, ZipEntry>> {
  const tailLength = Math.min(size, EOCD_SIZE + 0xffff);
  const tail = await readAt(file, size - tailLength, tailLength);
  const tailView = new DataView(tail.buffer);
  let eocd = -1;
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (
      tailView.getUint32(i, true) === EOCD_SIGNATURE &&
      i + EOCD_SIZE + tailView.getUint16(i + 20, true) === tailLength
    ) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) refuse("no end of central directory record closes the file");
  const disk = tailView.getUint16(eocd + 4, true);
  const directoryDisk = tailView.getUint16(eocd + 6, true);
  const entriesHere = tailView.getUint16(eocd + 8, true);
  const entryCount = tailView.getUint16(eocd + 10, true);
  const directorySize = tailView.getUint32(eocd + 12, true);
  const directoryOffset = tailView.getUint32(eocd + 16, true);
  const eocdOffset = size - tailLength + eocd;
  if (disk !== 0 || directoryDisk !== 0 || entriesHere !== entryCount) {
    refuse("the archive spans several disks");
  }
  if (directoryOffset + directorySize !== eocdOffset) {
    refuse("the central directory does not end at its end record (zip64 or extra data)");
  }
  const directory = await readAt(file, directoryOffset, directorySize);
  const view = new DataView(directory.buffer);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let n = 0; n < entryCount; n++) {
    if (at + CENTRAL_SIZE > directorySize || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      refuse(`central directory entry ${n + 1} is damaged`);
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const entryCrc = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const entrySize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const startDisk = view.getUint16(at + 34, true);
    const localHeaderOffset = view.getUint32(at + 42, true);
    const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > directorySize) refuse(`central directory entry ${n + 1} is damaged`);
    if (flags & 0x0001) refuse("an entry is encrypted");
    if (method !== 0 && method !== 8) refuse(`an entry uses compression method ${method}`);
    if (startDisk !== 0) refuse("the archive spans several disks");
    if (
      compressedSize === 0xffffffff || entrySize === 0xffffffff ||
      localHeaderOffset === 0xffffffff
    ) {
      refuse("an entry needs zip64");
    }
    if (localHeaderOffset + LOCAL_SIZE + compressedSize > directoryOffset) {
      refuse("an entry lies outside the archive");
    }
    let name: string;
    try {
      name = utf8.decode(directory.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength));
    } catch {
      refuse("an entry name is not UTF-8");
    }
    if (entries.has(name)) refuse(`entry ${name} appears twice`);
    entries.set(name, {
      name,
      method,
      crc32: entryCrc,
      compressedSize,
      size: entrySize,
      localHeaderOffset,
    });
    at = next;
  }
  if (at !== directorySize) refuse("the central directory has trailing bytes");
  return entries;
}

/** Where an entry's data starts, after checking its local header against the directory. */
async function dataOffset(file: Deno.FsFile, entry: ZipEntry): Promise<number> {
  const header = await readAt(file, entry.localHeaderOffset, LOCAL_SIZE);
  const view = new DataView(header.buffer);
  if (view.getUint32(0, true) !== LOCAL_SIGNATURE) refuse(`${entry.name} has no local header`);
  if (view.getUint16(8, true) !== entry.method) {
    refuse(`${entry.name}'s local header names another compression method`);
  }
  const nameLength = view.getUint16(26, true);
  const extraLength = view.getUint16(28, true);
  const name = await readAt(file, entry.localHeaderOffset + LOCAL_SIZE, nameLength);
  if (new TextDecoder().decode(name) !== entry.name) {
    refuse(`${entry.name}'s local header names another file`);
  }
  return entry.localHeaderOffset + LOCAL_SIZE + nameLength + extraLength;
}

/**
 * The decompressed bytes of `entry`, chunk by chunk, read from the file as they are consumed
 * (64 KiB of compressed data at a time). Throws {@linkcode UnsupportedZipError} when
 * the data does not inflate, or when its length or CRC-32 differs from the directory's, so the
 * iteration only ends cleanly when the whole entry was intact. Stopping early (`break`, or an
 * exception in the loop) waits for the file reads in flight, so the file can be closed at once.
 */
export async function* entryChunks(
  file: Deno.FsFile,
  entry: ZipEntry,
): AsyncGenerator<Uint8Array, void, undefined> {
  const start = await dataOffset(file, entry);
  const end = start + entry.compressedSize;
  let crc = 0;
  let size = 0;
  const check = (chunk: Uint8Array) => {
    size += chunk.length;
    if (size > entry.size) refuse(`${entry.name} inflates past its stated size`);
    crc = crc32(chunk, crc);
  };
  if (entry.method === 0) {
    for (let at = start; at < end; at += READ_CHUNK) {
      const chunk = await readAt(file, at, Math.min(READ_CHUNK, end - at));
      check(chunk);
      yield chunk;
    }
  } else {
    const inflate = new DecompressionStream("deflate-raw");
    const writer = inflate.writable.getWriter();
    const reader = inflate.readable.getReader();
    const pump = (async () => {
      try {
        for (let at = start; at < end; at += READ_CHUNK) {
          await writer.write(await readAt(file, at, Math.min(READ_CHUNK, end - at)));
        }
        await writer.close();
      } catch (error) {
        await writer.abort(error).catch(() => {}); // so that the reading side stops waiting
        throw error;
      }
    })();
    pump.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    let finished = false;
    try {
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          refuse(`${entry.name} does not inflate (${(error as Error).message})`);
        }
        if (next.done) break;
        check(next.value);
        yield next.value;
      }
      await pump;
      finished = true;
    } finally {
      if (!finished) {
        await reader.cancel().catch(() => {});
        await pump.catch(() => {});
      }
    }
  }
  if (size !== entry.size) refuse(`${entry.name} inflates to ${size} of ${entry.size} bytes`);
  if (crc >>> 0 !== entry.crc32) refuse(`${entry.name} fails its CRC-32 check`);
}

/** The whole decompressed content of a small entry (at most `limit` bytes, else refused). */
export async function entryBytes(
  file: Deno.FsFile,
  entry: ZipEntry,
  limit: number,
): Promise<Uint8Array> {
  if (entry.size > limit) refuse(`${entry.name} is larger than expected`);
  const bytes = new Uint8Array(entry.size);
  let filled = 0;
  for await (const chunk of entryChunks(file, entry)) {
    bytes.set(chunk, filled);
    filled += chunk.length;
  }
  return bytes;
}
