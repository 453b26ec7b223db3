import { dirname, join } from "node:path";
import { configure, Reader, ZipReader } from "@zip.js/zip.js";
import { writeAtomically } from "@vlmeval/internal";
import { DatasetLayoutError } from "../errors.ts";

configure({ useWebWorkers: false });

/** Random access to a zip file on disk, without reading it into memory. */
class FsFileReader extends Reader<Deno.FsFile> {
  #file: Deno.FsFile;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(file: Deno.FsFile) {
    super(file);
    this.#file = file;
  }

  override async init(): Promise<void> {
    this.size = (await this.#file.stat()).size;
  }

  override readUint8Array(offset: number, length: number): Promise<Uint8Array> {
    const result = this.#queue.then(async () => {
      await this.#file.seek(offset, Deno.SeekMode.Start);
      const data = new Uint8Array(length);
      let read = 0;
      while (read < length) {
        const n = await this.#file.read(data.subarray(read));
        if (n === null) return data.subarray(0, read);
        read += n;
      }
      return data;
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

/** Where an archive member goes: its base name (`flat`) or its path, checked to stay inside. */
function memberTarget(archive: string, name: string, into: string, flat: boolean): string {
  const segments = name.split("/").filter((s) => s !== "");
  const bad = name.includes("\\") || name.includes("\0") || name.startsWith("/") ||
    /^[a-zA-Z]:/.test(name) || segments.some((s) => s === "." || s === "..") ||
    segments.length === 0;
  if (bad) {
    throw new DatasetLayoutError(
      archive,
      `Cannot unpack ${archive} as its member ${JSON.stringify(name)} would be written outside ` +
        `${into}`,
    );
  }
  return flat ? join(into, segments[segments.length - 1]) : join(into, ...segments);
}

/**
 * Extracts every file of a zip archive into `into`: under its base name when `flat` (Video-MME's
 * `unzip_hf_zip`, which writes `os.path.basename(member)`), else with its folders (MVBench's
 * `extractall`). Each member is written to a temporary file, flushed and renamed, so a present
 * member is complete; one present with the size the archive gives is kept (a rerun after an
 * interruption goes on where it stopped). CRC-32s are checked. A member name that would leave
 * `into` (absolute, `..`) is an error and nothing more is extracted.
 *
 * @returns the number of files written and kept
 * @throws {DatasetLayoutError} naming the archive and the member
 */
export async function unzipArchive(
  archive: string,
  into: string,
  flat: boolean,
): Promise<{ written: number; kept: number }> {
  using file = await Deno.open(archive, { read: true });
  const reader = new ZipReader(new FsFileReader(file), { checkSignature: true });
  let written = 0;
  let kept = 0;
  try {
    let entries;
    try {
      entries = await reader.getEntries();
    } catch (error) {
      throw new DatasetLayoutError(
        archive,
        `Cannot read ${archive} as a zip archive: ${(error as Error).message}`,
        { cause: error },
      );
    }
    for (const entry of entries) {
      if (entry.directory) continue;
      const target = memberTarget(archive, entry.filename, into, flat);
      const present = await Deno.stat(target).catch(() => undefined);
      if (present?.isFile && present.size === entry.uncompressedSize) {
        kept++;
        continue;
      }
      await Deno.mkdir(dirname(target), { recursive: true });
      try {
        await writeAtomically(target, async (temp) => {
          const out = await Deno.open(temp, { write: true, createNew: true });
          await entry.getData(out.writable);
        });
      } catch (error) {
        throw new DatasetLayoutError(
          archive,
          `Cannot extract ${entry.filename} from ${archive}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      written++;
    }
  } finally {
    await reader.close();
  }
  return { written, kept };
}
