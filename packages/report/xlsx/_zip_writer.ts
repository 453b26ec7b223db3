/**
 * A streaming zip writer for the xlsx files vlmeval writes: entries deflated chunk by chunk
 * (`node:zlib`, synchronously), sizes and CRC-32 in a data descriptor after each entry; a single-disk, non-zip64 archive (entries under 4 GiB), which the central
 * directory reader in `_zip_entries.ts`, Excel, openpyxl and exceljs all read.
 *
 * @module
 */
import zlib from "node:zlib";

interface Written {
  name: Uint8Array;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

const encoder = new TextEncoder();
/** Version needed to extract: 2.0 (deflate). */
const VERSION = 20;
/** General purpose flags: bit 3 (sizes in a data descriptor), bit 11 (UTF-8 names). */
const FLAGS = 0x0808;
const DEFLATE = 8;
/** 1980-01-01 00:00 in MS-DOS time and date: no clock in the archive, so equal inputs give equal files. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const LIMIT = 0xffffffff;
/** zlib's fastest level: prediction sheets are repetitive markup, and time matters more here. */
const LEVEL = 1;
const SYNC_FLUSH = zlib.constants.Z_SYNC_FLUSH;

/** Writes a zip archive to an open file, one entry at a time. */
export class ZipWriter {
  #file: Deno.FsFile;
  #offset = 0;
  #entries: Written[] = [];

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /**
   * Writes synchronously: an asynchronous write waits for a thread-pool turn, and a sheet is
   * written in many small pieces (the idle time of issue 19's profile).
   */
  #write(bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length;) done += this.#file.writeSync(bytes.subarray(done));
    this.#offset += bytes.length;
  }

  /**
   * Adds an entry whose content comes in chunks (strings as UTF-8): deflated as it arrives,
   * never held whole.
   */
  async add(
    name: string,
    chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  ): Promise<void> {
    const nameBytes = encoder.encode(name);
    const offset = this.#offset;
    const header = new Uint8Array(30 + nameBytes.length);
    const view = new DataView(header.buffer);
    view.setUint32(0, 0x04034b50, true);
    view.setUint16(4, VERSION, true);
    view.setUint16(6, FLAGS, true);
    view.setUint16(8, DEFLATE, true);
    view.setUint16(10, DOS_TIME, true);
    view.setUint16(12, DOS_DATE, true);
    // crc, sizes: 0 here, in the data descriptor after the data.
    view.setUint16(26, nameBytes.length, true);
    header.set(nameBytes, 30);
    this.#write(header);

    let crc = 0;
    let size = 0;
    let compressed = 0;
    for await (const chunk of chunks) {
      const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      if (bytes.length === 0) continue;
      crc = zlib.crc32(bytes, crc);
      size += bytes.length;
      // Each chunk is deflated on its own and ends on a byte boundary without closing the
      // stream (a sync flush), so the pieces join into one valid deflate stream.
      const piece = zlib.deflateRawSync(bytes, { level: LEVEL, finishFlush: SYNC_FLUSH });
      compressed += piece.length;
      this.#write(piece);
    }
    const last = zlib.deflateRawSync(new Uint8Array(0), { level: LEVEL });
    compressed += last.length;
    this.#write(last);
    if (size > LIMIT || compressed > LIMIT || this.#offset > LIMIT) {
      throw new RangeError(`Cannot write ${name} as it is over 4 GiB, which needs zip64`);
    }
    const descriptor = new Uint8Array(16);
    const d = new DataView(descriptor.buffer);
    d.setUint32(0, 0x08074b50, true);
    d.setUint32(4, crc >>> 0, true);
    d.setUint32(8, compressed, true);
    d.setUint32(12, size, true);
    this.#write(descriptor);
    this.#entries.push({ name: nameBytes, crc: crc >>> 0, compressed, size, offset });
  }

  /** Writes the central directory and the end record; the file is then complete. */
  finish(): void {
    const start = this.#offset;
    for (const e of this.#entries) {
      const record = new Uint8Array(46 + e.name.length);
      const v = new DataView(record.buffer);
      v.setUint32(0, 0x02014b50, true);
      v.setUint16(4, (3 << 8) | VERSION, true); // made by: Unix, 2.0
      v.setUint16(6, VERSION, true);
      v.setUint16(8, FLAGS, true);
      v.setUint16(10, DEFLATE, true);
      v.setUint16(12, DOS_TIME, true);
      v.setUint16(14, DOS_DATE, true);
      v.setUint32(16, e.crc, true);
      v.setUint32(20, e.compressed, true);
      v.setUint32(24, e.size, true);
      v.setUint16(28, e.name.length, true);
      v.setUint32(38, (0o100644 << 16) >>> 0, true); // a regular file, rw-r--r--
      v.setUint32(42, e.offset, true);
      record.set(e.name, 46);
      this.#write(record);
    }
    const end = new Uint8Array(22);
    const v = new DataView(end.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, this.#entries.length, true);
    v.setUint16(10, this.#entries.length, true);
    v.setUint32(12, this.#offset - start, true);
    v.setUint32(16, start, true);
    this.#write(end);
  }
}
