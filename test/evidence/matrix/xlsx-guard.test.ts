import { Buffer } from 'node:buffer';
import { crc32, deflateRawSync } from 'node:zlib';

import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';

import { exportXlsx } from '../../../src/evidence/matrix/export-matrix.ts';
import { MatrixFileError } from '../../../src/evidence/matrix/matrix-types.ts';
import { parseMatrix } from '../../../src/evidence/matrix/parse-matrix.ts';
import { checkXlsxLimits, XLSX_MAX_ENTRIES, XLSX_MAX_INFLATED_BYTES } from '../../../src/evidence/matrix/xlsx-guard.ts';
import { cseMatrixCheck, makeCseAssessments, makeCseMatrix } from '../../fixtures/matrix/make-cse-matrix.ts';

const SHEET = 'xl/worksheets/sheet1.xml';

/**
 * One ZIP entry as the builder writes it. `declaredSize` is the uncompressed size written in the headers, which
 * a crafted file may set to anything. With `zip64`, both sizes sit in a ZIP64 extra field and the 32-bit fields
 * are set to 0xFFFFFFFF.
 */
type ZipPart = { name: string; data: Uint8Array; method: 0 | 8; crc: number; declaredSize: number; zip64?: boolean };

function deflatedPart(name: string, content: Uint8Array): ZipPart {
  return { name, data: deflateRawSync(content), method: 8, crc: crc32(content), declaredSize: content.byteLength };
}

/**
 * Writes a ZIP archive byte by byte: local headers and data, the central directory and its end record. With
 * `declaredCount`, the end record counts fewer or more entries than the directory contains.
 */
function buildZip(parts: ZipPart[], declaredCount = parts.length): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;

  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const extra = Buffer.alloc(part.zip64 === true ? 20 : 0);
    if (part.zip64 === true) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(part.declaredSize), 4);
      extra.writeBigUInt64LE(BigInt(part.data.byteLength), 12);
    }
    const compressedField = part.zip64 === true ? 0xffffffff : part.data.byteLength;
    const sizeField = part.zip64 === true ? 0xffffffff : part.declaredSize;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(part.zip64 === true ? 45 : 20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(part.method, 8);
    local.writeUInt16LE(0x0021, 12);
    local.writeUInt32LE(part.crc >>> 0, 14);
    local.writeUInt32LE(compressedField, 18);
    local.writeUInt32LE(sizeField, 22);
    local.writeUInt16LE(name.byteLength, 26);
    local.writeUInt16LE(extra.byteLength, 28);
    chunks.push(local, name, extra, Buffer.from(part.data));

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(part.zip64 === true ? 45 : 20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(part.method, 10);
    header.writeUInt16LE(0x0021, 14);
    header.writeUInt32LE(part.crc >>> 0, 16);
    header.writeUInt32LE(compressedField, 20);
    header.writeUInt32LE(sizeField, 24);
    header.writeUInt16LE(name.byteLength, 28);
    header.writeUInt16LE(extra.byteLength, 30);
    header.writeUInt32LE(offset, 42);
    central.push(header, name, extra);

    offset += local.byteLength + name.byteLength + extra.byteLength + part.data.byteLength;
  }

  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(declaredCount, 8);
  end.writeUInt16LE(declaredCount, 10);
  end.writeUInt32LE(directory.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...chunks, directory, end]));
}

/** Rebuilds a real exported workbook with its sheet entry replaced by `sheet`. */
function workbookWithSheet(entries: Record<string, Uint8Array>, sheet: ZipPart): Uint8Array {
  const parts = Object.entries(entries).map(([name, content]) => (name === SHEET ? sheet : deflatedPart(name, content)));
  return buildZip(parts);
}

async function rejection(bytes: Uint8Array): Promise<MatrixFileError> {
  const error = await parseMatrix(bytes, 'xlsx', cseMatrixCheck()).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof MatrixFileError)) throw new Error(`expected a MatrixFileError, got ${String(error)}`);
  return error;
}

describe('XLSX guard', () => {
  let entries: Record<string, Uint8Array>;
  // A sheet of spaces 1 MB over the limit, deflated to about 200 kB: a real ZIP bomb.
  let bomb: ZipPart;
  let atLimit: ZipPart;

  beforeAll(async () => {
    entries = unzipSync(await exportXlsx(makeCseMatrix().slice(0, 20), makeCseAssessments()));
    const spaces = Buffer.alloc(XLSX_MAX_INFLATED_BYTES + 1_000_000, 0x20);
    bomb = deflatedPart(SHEET, spaces);
    const otherBytes = Object.entries(entries).reduce((sum, [name, content]) => (name === SHEET ? sum : sum + content.byteLength), 0);
    atLimit = deflatedPart(SHEET, spaces.subarray(0, XLSX_MAX_INFLATED_BYTES - otherBytes));
  });

  it('passes an exported workbook', async () => {
    const bytes = await exportXlsx(makeCseMatrix(300), makeCseAssessments());

    await expect(checkXlsxLimits(bytes)).resolves.toBeUndefined();
  });

  it('passes a rebuilt workbook', async () => {
    const parsed = await parseMatrix(workbookWithSheet(entries, deflatedPart(SHEET, entries[SHEET])), 'xlsx', cseMatrixCheck());

    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toBe(20);
  });

  it('passes a workbook at the size limit', async () => {
    await expect(checkXlsxLimits(workbookWithSheet(entries, atLimit))).resolves.toBeUndefined();
  });

  it('rejects a declared 4 GB sheet', async () => {
    const sheet = { ...deflatedPart(SHEET, entries[SHEET]), declaredSize: 0xfffffffe };
    const error = await rejection(workbookWithSheet(entries, sheet));

    expect(error.message).toMatch(/^The XLSX workbook unpacks to 4,295 MB \(4,29\d,\d{3},\d{3} bytes\)/);
    expect(error.message).toContain('more than the 200 MB (200,000,000 bytes) allowed for an evidence matrix');
    expect(error.message).toContain('save the matrix as CSV');
  });

  it('rejects a real ZIP bomb', async () => {
    const bytes = workbookWithSheet(entries, bomb);
    const error = await rejection(bytes);

    expect(bytes.byteLength).toBeLessThan(1_000_000);
    expect(error.message).toMatch(/^The XLSX workbook unpacks to 201 MB/);
  });

  it('rejects an understated size', async () => {
    const error = await rejection(workbookWithSheet(entries, { ...bomb, declaredSize: 1_000 }));

    expect(error.message).toContain('unpacks to more than 200 MB (200,000,000 bytes)');
    expect(error.message).toMatch(/although its ZIP directory declares [\d.]+ kB \([\d,]+ bytes\)/);
    expect(error.message).toContain('damaged or was made to look smaller than it is');
  });

  it('reads a ZIP64 extra field', async () => {
    const sheet = { ...deflatedPart(SHEET, entries[SHEET]), declaredSize: 8_000_000_000, zip64: true };
    const error = await rejection(workbookWithSheet(entries, sheet));

    expect(error.message).toMatch(/^The XLSX workbook unpacks to 8,000(\.\d)? MB/);
  });

  it('rejects too many entries', async () => {
    const empty = (index: number): ZipPart => ({ name: `xl/media/empty${index}.bin`, data: new Uint8Array(), method: 0, crc: 0, declaredSize: 0 });
    const error = await rejection(buildZip(Array.from({ length: XLSX_MAX_ENTRIES + 1 }, (_, index) => empty(index))));

    expect(error.message).toBe(
      'The XLSX workbook contains 10,001 files (ZIP entries), more than the 10,000 allowed for an evidence matrix. ' +
        'Save the evidence matrix again from the spreadsheet program, or as CSV, and upload the new file.',
    );
  });

  it('passes the entry limit exactly', async () => {
    const empty = (index: number): ZipPart => ({ name: `xl/media/empty${index}.bin`, data: new Uint8Array(), method: 0, crc: 0, declaredSize: 0 });

    await expect(checkXlsxLimits(buildZip(Array.from({ length: XLSX_MAX_ENTRIES }, (_, index) => empty(index))))).resolves.toBeUndefined();
  });

  it('rejects entries the count hides', async () => {
    const parts = Object.entries(entries).map(([name, content]) => deflatedPart(name, content));
    const error = await rejection(buildZip([...parts, bomb], parts.length));

    expect(error.message).toContain('The XLSX workbook is damaged: its ZIP directory is missing or inconsistent');
  });

  it('rejects a truncated workbook', async () => {
    const bytes = await exportXlsx(makeCseMatrix().slice(0, 20), []);
    const error = await rejection(bytes.subarray(0, bytes.byteLength - 10));

    expect(error.message).toContain('The XLSX workbook is damaged');
  });

  it('rejects a corrupt deflate stream', async () => {
    const sheet = { ...deflatedPart(SHEET, entries[SHEET]), data: new Uint8Array([0xff, 0xff, 0xff, 0xff]) };
    const error = await rejection(workbookWithSheet(entries, sheet));

    expect(error.message).toContain(`its part ${SHEET} could not be unpacked`);
  });
});
