/**
 * A streaming reader for the xlsx files that `_xlsx_write.ts` makes, and for nothing else: the
 * sheet XML is inflated and scanned one `<row>` at a time, so memory holds the rows' text and
 * not exceljs' object model (about 13 KB a row) or the whole sheet.
 *
 * It accepts only what our writer produces (through exceljs' streaming writer: inline strings,
 * one sheet, no styles on cells) and decodes it exactly as exceljs' reader would. Any other
 * workbook, and anything unexpected found on the way (a damaged or truncated zip, a shared
 * string, a number, a style, a CRC mismatch), makes {@linkcode readOwnXlsx} return `undefined`
 * without partial rows, so that the caller reads the file with exceljs instead, which also gives
 * the usual errors for damaged files.
 *
 * @module
 */
import { entryBytes, entryChunks, readZipDirectory, type ZipEntry } from "./_zip_entries.ts";
import { SheetScanner } from "./_xlsx_sheet_scanner.ts";
import { MalformedFileError } from "../malformed_file_error.ts";
import { type XlsxTable, XlsxTableBuilder } from "./_xlsx_table.ts";

/** Something this reader does not handle; the caller falls back to exceljs. */
class NotOurs extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotOurs";
  }
}

function notOurs(message: string): never {
  throw new NotOurs(message);
}

const SHEET = "xl/worksheets/sheet1.xml";

/**
 * The parts exceljs 4.4.0's streaming writer makes for our one-sheet, style-free workbook,
 * with their length and CRC-32: identical in every file. `docProps/core.xml` (which holds the
 * time of writing) is checked by {@linkcode CORE_PROPERTIES} instead.
 */
const FIXED_PARTS: ReadonlyMap<string, { size: number; crc32: number }> = new Map([
  ["[Content_Types].xml", { size: 1128, crc32: 0xc331fee1 }],
  ["_rels/.rels", { size: 587, crc32: 0xda499ff2 }],
  ["docProps/app.xml", { size: 784, crc32: 0x0725cb18 }],
  ["xl/_rels/workbook.xml.rels", { size: 556, crc32: 0x3a6ee34e }],
  ["xl/workbook.xml", { size: 625, crc32: 0xbb2fada3 }],
  ["xl/styles.xml", { size: 1539, crc32: 0xcfa762fa }],
  ["xl/theme/theme1.xml", { size: 7961, crc32: 0xdf309b76 }],
]);
const CORE = "docProps/core.xml";
const W3CDTF = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
const CORE_PROPERTIES = new RegExp(
  '^<\\?xml version="1\\.0" encoding="UTF-8" standalone="yes"\\?>\n' +
    '<cp:coreProperties xmlns:cp="http://schemas\\.openxmlformats\\.org/package/2006/metadata/' +
    'core-properties" xmlns:dc="http://purl\\.org/dc/elements/1\\.1/" ' +
    'xmlns:dcterms="http://purl\\.org/dc/terms/" xmlns:dcmitype="http://purl\\.org/dc/dcmitype/" ' +
    'xmlns:xsi="http://www\\.w3\\.org/2001/XMLSchema-instance"><dc:creator>ExcelJS</dc:creator>' +
    "<cp:lastModifiedBy>ExcelJS</cp:lastModifiedBy>" +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${W3CDTF}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${W3CDTF}</dcterms:modified>` +
    "</cp:coreProperties>$",
);

/** Checks, from the central directory and the small parts, that this is a file of ours. */
async function checkParts(file: Deno.FsFile, entries: Map<string, ZipEntry>): Promise<ZipEntry> {
  if (entries.size !== FIXED_PARTS.size + 2) notOurs("the archive has other parts");
  for (const [name, expected] of FIXED_PARTS) {
    const entry = entries.get(name);
    if (entry === undefined) notOurs(`${name} is missing`);
    if (entry.size !== expected.size || entry.crc32 !== expected.crc32) {
      notOurs(`${name} is not the one our writer makes`);
    }
    // Read it all the same, so that damaged data falls back as exceljs would reject it.
    await entryBytes(file, entry, expected.size);
  }
  const core = entries.get(CORE);
  if (core === undefined) notOurs(`${CORE} is missing`);
  const coreText = new TextDecoder("utf-8", { fatal: true }).decode(
    await entryBytes(file, core, 4096),
  );
  if (!CORE_PROPERTIES.test(coreText)) notOurs(`${CORE} is not the one our writer makes`);
  const sheet = entries.get(SHEET);
  if (sheet === undefined) notOurs(`${SHEET} is missing`);
  return sheet;
}

/**
 * Reads an xlsx prediction file that our writer made, streaming its sheet; `undefined` when the
 * file is anything else or anything about it is unexpected (then read it with exceljs, which
 * handles every workbook and reports damaged ones). `onFallback` hears why, for tests and
 * debugging.
 */
export async function readOwnXlsx(
  path: string,
  onFallback?: (reason: unknown) => void,
): Promise<XlsxTable | undefined> {
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path, { read: true });
    const entries = await readZipDirectory(file, (await file.stat()).size);
    const sheet = await checkParts(file, entries);
    const table = new XlsxTableBuilder(path);
    const scanner = new SheetScanner((row, cells) => {
      if (row === 1) table.header(cells);
      else table.row(row, cells);
    });
    for await (const chunk of entryChunks(file, sheet)) scanner.push(chunk);
    scanner.finish();
    return table.table();
  } catch (reason) {
    // The table itself is wrong (a bad header, a value beyond it): exceljs would build the
    // same table only to say the same, so say it now.
    if (reason instanceof MalformedFileError) throw reason;
    // Not ours, or damaged: exceljs reads it or says why.
    onFallback?.(reason);
    return undefined;
  } finally {
    file?.close();
  }
}
