import { createInflateRaw } from 'node:zlib';

import { readZipDirectory } from '../files/detect-file-type.ts';
import type { ZipDirectory, ZipEntry } from '../files/detect-file-type.ts';
import { MatrixFileError } from './matrix-types.ts';

/**
 * Maximum total size of a workbook's ZIP entries once inflated. exceljs 4.4 inflates each entry whole into
 * memory (through JSZip) and keeps what it parses, while the upload limit bounds only the compressed size, so
 * without this limit a small crafted file (a ZIP bomb) could exhaust memory. An exported matrix of 300 rows
 * inflates to about 220 kB.
 *
 * NOTE: this bounds the inflated XML, not the memory exceljs then uses. Loading a 26 MB sheet of 60 000 rows
 * kept about 160 MB of heap (exceljs 4.4.0, Node 24, measured once), so by that ratio a workbook at this limit
 * could need about 1.2 GB of heap. That is an estimate, and the limit may need lowering for small servers.
 */
export const XLSX_MAX_INFLATED_BYTES = 200_000_000;

/** Maximum number of ZIP entries, because JSZip and exceljs keep an object for each entry, even an empty one. */
export const XLSX_MAX_ENTRIES = 10_000;

const SAVE_AGAIN = 'Save the evidence matrix again from the spreadsheet program, or as CSV, and upload the new file.';
const sizeFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/**
 * Checks an XLSX file against the limits above before exceljs reads it. The sizes that the ZIP central
 * directory declares are checked first. Because a crafted directory can understate them, every entry is then
 * inflated as a stream that is counted and discarded, so the check itself uses little memory.
 *
 * @throws MatrixFileError when the ZIP directory cannot be read or a limit is passed.
 */
export async function checkXlsxLimits(bytes: Uint8Array): Promise<void> {
  const directory = readZipDirectory(bytes);
  if (directory === null || !fillsDirectory(directory)) {
    throw new MatrixFileError(`The XLSX workbook is damaged: its ZIP directory is missing or inconsistent, or in the ZIP64 form, which is not supported. ${SAVE_AGAIN}`);
  }

  const { entries } = directory;
  if (entries.length > XLSX_MAX_ENTRIES) {
    throw new MatrixFileError(
      `The XLSX workbook contains ${sizeFormat.format(entries.length)} files (ZIP entries), more than the ${sizeFormat.format(XLSX_MAX_ENTRIES)} allowed for an evidence matrix. ${SAVE_AGAIN}`,
    );
  }

  const declared = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (declared > XLSX_MAX_INFLATED_BYTES) {
    throw new MatrixFileError(
      `The XLSX workbook unpacks to ${describeSize(declared)}, more than the ${describeSize(XLSX_MAX_INFLATED_BYTES)} allowed for an evidence matrix. ` +
        'Remove pictures and other sheets from the workbook, or save the matrix as CSV, and upload the new file.',
    );
  }

  let inflated = 0;
  for (const entry of entries) {
    inflated += await measureEntry(bytes, entry, XLSX_MAX_INFLATED_BYTES - inflated);
    if (inflated > XLSX_MAX_INFLATED_BYTES) {
      throw new MatrixFileError(
        `The XLSX workbook unpacks to more than ${describeSize(XLSX_MAX_INFLATED_BYTES)}, although its ZIP directory declares ${describeSize(declared)}, ` +
          `so the file is damaged or was made to look smaller than it is. ${SAVE_AGAIN}`,
      );
    }
  }
}

/**
 * True when the directory's entries fill exactly the bytes between its start and the end record. JSZip reads
 * central-directory entries for as long as their signature repeats, and moves every offset when the end record
 * does not follow the directory, so an archive that fails this test could hide entries from this check.
 */
function fillsDirectory(directory: ZipDirectory): boolean {
  return directory.directoryOffset + directory.declaredDirectorySize === directory.endRecordOffset && directory.directoryEnd === directory.endRecordOffset;
}

/** Measures the inflated size of one entry, counting no further than just past `budget` bytes. */
async function measureEntry(bytes: Uint8Array, entry: ZipEntry, budget: number): Promise<number> {
  // JSZip 3.10 replaces the data of an entry that declares size 0 with an empty string and never inflates it.
  if (entry.uncompressedSize === 0) return 0;

  const data = entryData(bytes, entry);
  if (entry.method === 0) return data.byteLength;
  // JSZip rejects every other method while it reads the directory, before it inflates anything.
  if (entry.method !== 8) return 0;

  const inflater = createInflateRaw();
  inflater.end(data);
  let size = 0;
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      // Leaving the loop destroys the stream, so no more is inflated.
      if (size > budget) break;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MatrixFileError(`The XLSX workbook is damaged: its part ${entry.name} could not be unpacked (${reason}). ${SAVE_AGAIN}`, { cause: error });
  }
  return size;
}

/** Returns the compressed data of an entry, found as JSZip finds it: after the local header, name and extra field. */
function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = entry.localHeaderOffset;
  if (header + 30 > bytes.byteLength || view.getUint32(header, true) !== 0x04034b50) {
    throw new MatrixFileError(`The XLSX workbook is damaged: the local header of its part ${entry.name} is missing. ${SAVE_AGAIN}`);
  }

  const start = header + 30 + view.getUint16(header + 26, true) + view.getUint16(header + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.byteLength) {
    throw new MatrixFileError(`The XLSX workbook is damaged: its part ${entry.name} runs past the end of the file. ${SAVE_AGAIN}`);
  }
  return bytes.subarray(start, end);
}

function describeSize(bytes: number): string {
  const scaled = bytes >= 1_000_000 ? `${sizeFormat.format(bytes / 1_000_000)} MB` : `${sizeFormat.format(bytes / 1_000)} kB`;
  return `${scaled} (${sizeFormat.format(bytes)} bytes)`;
}
