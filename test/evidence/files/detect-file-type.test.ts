import { describe, expect, it } from 'vitest';

import { claimContradicts, describeAccepted, detectFileType, imageSize } from '../../../src/evidence/files/detect-file-type.ts';
import type { AcceptedFile } from '../../../src/evidence/files/detect-file-type.ts';
import {
  ascii,
  concat,
  makeContentTypesOnlyZip,
  makeDocx,
  makeElf,
  makeGzip,
  makeJpeg,
  makeMachO,
  makeOds,
  makeOdt,
  makePdf,
  makePlainZip,
  makePng,
  makePngHeaderOnly,
  makePptx,
  makeTar,
  makeWindowsExecutable,
  makeXlsm,
  makeXlsx,
} from '../../fixtures/files/make-files.ts';

const OOXML = 'application/vnd.openxmlformats-officedocument';
const UTF8_BOM = [0xef, 0xbb, 0xbf];
// "Eitem,Cost\r\nCaffi,£5\r\nCafé,£3\r\n" in Windows-1252: 0xA3 is £ and 0xE9 is é, neither valid UTF-8 here.
const WINDOWS_1252_CSV = concat(ascii('Eitem,Cost\r\nCaffi,'), [0xa3], ascii('5\r\nCaf'), [0xe9], ascii(','), [0xa3], ascii('3\r\n'));

async function expectAccepted(bytes: Uint8Array, fileName: string): Promise<AcceptedFile> {
  const result = await detectFileType(bytes, fileName);
  if (!result.accepted) throw new Error(`expected ${fileName} to be accepted, but it was rejected: ${result.reason}`);
  return result;
}

describe('detectFileType accepts', () => {
  const cases: { name: string; bytes: () => Uint8Array; fileName: string; kind: string; mediaType: string; extension: string }[] = [
    { name: 'PDF', bytes: makePdf, fileName: 'report.pdf', kind: 'pdf', mediaType: 'application/pdf', extension: '.pdf' },
    { name: 'DOCX', bytes: () => makeDocx(), fileName: 'report.docx', kind: 'docx', mediaType: `${OOXML}.wordprocessingml.document`, extension: '.docx' },
    { name: 'XLSX', bytes: makeXlsx, fileName: 'visits.xlsx', kind: 'xlsx', mediaType: `${OOXML}.spreadsheetml.sheet`, extension: '.xlsx' },
    { name: 'PPTX', bytes: makePptx, fileName: 'talk.pptx', kind: 'pptx', mediaType: `${OOXML}.presentationml.presentation`, extension: '.pptx' },
    { name: 'ODT', bytes: () => makeOdt(), fileName: 'report.odt', kind: 'odt', mediaType: 'application/vnd.oasis.opendocument.text', extension: '.odt' },
    { name: 'ODT with an empty Basic library list', bytes: () => makeOdt({ 'Basic/script-lc.xml': '<library:libraries/>', 'Basic/Standard/script-lb.xml': '<library:library/>' }), fileName: 'report.odt', kind: 'odt', mediaType: 'application/vnd.oasis.opendocument.text', extension: '.odt' },
    { name: 'ODS', bytes: makeOds, fileName: 'visits.ods', kind: 'ods', mediaType: 'application/vnd.oasis.opendocument.spreadsheet', extension: '.ods' },
    { name: 'small PNG', bytes: () => makePng(3, 2), fileName: 'logo.png', kind: 'png', mediaType: 'image/png', extension: '.png' },
    { name: 'PNG header only', bytes: () => makePngHeaderOnly(10_000, 5_000), fileName: 'huge.png', kind: 'png', mediaType: 'image/png', extension: '.png' },
    { name: 'baseline JPEG', bytes: () => makeJpeg(16, 8), fileName: 'photo.jpeg', kind: 'jpeg', mediaType: 'image/jpeg', extension: '.jpg' },
    { name: 'UTF-8 CSV', bytes: () => ascii('Cangen,Ymwelwyr\nCaerdydd,120\nŴyrcwm,7\n'), fileName: 'visits.csv', kind: 'csv', mediaType: 'text/csv; charset=utf-8', extension: '.csv' },
    { name: 'UTF-8 CSV with BOM', bytes: () => concat(UTF8_BOM, ascii('Branch,Visitors\nBangor,80\n')), fileName: 'visits.csv', kind: 'csv', mediaType: 'text/csv; charset=utf-8', extension: '.csv' },
    { name: 'Windows-1252 CSV', bytes: () => WINDOWS_1252_CSV, fileName: 'costs.csv', kind: 'csv', mediaType: 'text/csv; charset=windows-1252', extension: '.csv' },
    { name: 'upper-case .CSV name', bytes: () => ascii('a,b\n1,2\n'), fileName: 'VISITS.CSV', kind: 'csv', mediaType: 'text/csv; charset=utf-8', extension: '.csv' },
    { name: 'plain text', bytes: () => ascii('Notes from the survey.\r\n\tTabbed line.\f\n'), fileName: 'notes.txt', kind: 'text', mediaType: 'text/plain; charset=utf-8', extension: '.txt' },
    { name: 'text named .csv elsewhere', bytes: () => ascii('Branch,Visitors\n'), fileName: 'visits.csv.txt', kind: 'text', mediaType: 'text/plain; charset=utf-8', extension: '.txt' },
    { name: 'CSV starting with MZ', bytes: () => ascii('MZ Books Ltd,Supplier\nBM Print,Supplier\n'), fileName: 'suppliers.csv', kind: 'csv', mediaType: 'text/csv; charset=utf-8', extension: '.csv' },
    { name: 'generic XML as text', bytes: () => ascii('<?xml version="1.0"?>\n<visits><branch name="Bangor"/></visits>\n'), fileName: 'visits.txt', kind: 'text', mediaType: 'text/plain; charset=utf-8', extension: '.txt' },
  ];

  for (const testCase of cases) {
    it(`${testCase.name}`, async () => {
      const result = await expectAccepted(testCase.bytes(), testCase.fileName);

      expect(result.kind).toBe(testCase.kind);
      expect(result.mediaType).toBe(testCase.mediaType);
      expect(result.extension).toBe(testCase.extension);
    });
  }

  it('text encoding field', async () => {
    const utf8 = await expectAccepted(ascii('Caffi, £5\n'), 'prices.csv');
    const windows1252 = await expectAccepted(WINDOWS_1252_CSV, 'prices.csv');
    const pdf = await expectAccepted(makePdf(), 'report.pdf');

    expect(utf8.textEncoding).toBe('utf-8');
    expect(windows1252.textEncoding).toBe('windows-1252');
    expect(pdf.textEncoding).toBeUndefined();
  });
});

describe('detectFileType rejects', () => {
  const cases: { name: string; bytes: () => Uint8Array; fileName: string; detected: string; mentions: string }[] = [
    { name: 'plain ZIP', bytes: makePlainZip, fileName: 'photos.zip', detected: 'application/zip', mentions: 'ZIP archive' },
    { name: 'ZIP named .docx', bytes: makePlainZip, fileName: 'report.docx', detected: 'application/zip', mentions: 'application/zip' },
    { name: 'ZIP with only content types', bytes: makeContentTypesOnlyZip, fileName: 'report.docx', detected: 'application/zip', mentions: 'not a complete office file' },
    { name: 'gzip', bytes: makeGzip, fileName: 'notes.txt.gz', detected: 'application/gzip', mentions: 'application/gzip' },
    { name: 'tar', bytes: makeTar, fileName: 'notes.tar', detected: 'application/x-tar', mentions: 'application/x-tar' },
    { name: 'XLSM', bytes: makeXlsm, fileName: 'visits.xlsm', detected: 'macro-enabled office file', mentions: 'application/vnd.ms-excel.sheet.macroenabled.12' },
    { name: 'XLSM renamed .xlsx', bytes: makeXlsm, fileName: 'visits.xlsx', detected: 'macro-enabled office file', mentions: 'macro-enabled office file' },
    {
      name: 'DOCX carrying a VBA project',
      bytes: () => makeDocx({ 'word/vbaProject.bin': new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]) }),
      fileName: 'report.docx',
      detected: 'macro-enabled office file',
      mentions: 'with macros',
    },
    {
      name: 'ODT with a Basic macro',
      bytes: () => makeOdt({ 'Basic/script-lc.xml': '<library:libraries/>', 'Basic/Standard/script-lb.xml': '<library:library/>', 'Basic/Standard/Module1.xml': '<script:module/>' }),
      fileName: 'report.odt',
      detected: 'macro-enabled office file',
      mentions: 'application/vnd.oasis.opendocument.text with macros',
    },
    { name: 'DOCX missing its central directory', bytes: () => makeDocx().slice(0, -22), fileName: 'report.docx', detected: 'application/zip', mentions: 'damaged' },
    { name: 'PE executable', bytes: makeWindowsExecutable, fileName: 'report.pdf', detected: 'application/x-msdownload', mentions: 'Windows program' },
    { name: 'ELF executable', bytes: makeElf, fileName: 'notes.txt', detected: 'application/x-executable', mentions: 'application/x-executable' },
    { name: 'Mach-O executable', bytes: makeMachO, fileName: 'notes.txt', detected: 'application/x-mach-binary', mentions: 'Mach-O' },
    { name: 'shell script', bytes: () => ascii('#!/bin/sh\nrm -rf ~\n'), fileName: 'notes.txt', detected: 'text/x-shellscript', mentions: '#!' },
    { name: 'HTML named .txt', bytes: () => ascii('<!DOCTYPE html>\n<html><body>Hi</body></html>\n'), fileName: 'notes.txt', detected: 'text/html', mentions: 'text/html' },
    { name: 'HTML after comment and BOM', bytes: () => concat(UTF8_BOM, ascii('  <!-- saved page -->\n<BODY onload="x()">')), fileName: 'notes.txt', detected: 'text/html', mentions: 'HTML' },
    { name: 'HTML fragment tag', bytes: () => ascii('<p>Opening hours</p>'), fileName: 'hours.txt', detected: 'text/html', mentions: 'HTML' },
    { name: 'script tag near start', bytes: () => ascii('name,comment\nx,<script>alert(1)</script>\n'), fileName: 'data.csv', detected: 'text/html', mentions: 'HTML' },
    { name: 'SVG named .csv', bytes: () => ascii('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), fileName: 'data.csv', detected: 'image/svg+xml', mentions: 'image/svg+xml' },
    {
      name: 'SVG after XML prolog',
      bytes: () => ascii('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg/>'),
      fileName: 'logo.txt',
      detected: 'image/svg+xml',
      mentions: 'SVG',
    },
    { name: 'SVG after prolog without doctype', bytes: () => ascii('<?xml version="1.0"?>\n<!-- logo -->\n<svg width="10"/>'), fileName: 'logo.csv', detected: 'image/svg+xml', mentions: 'SVG' },
    { name: 'text with NUL', bytes: () => ascii('Branch,Visitors\n\u0000Bangor,80\n'), fileName: 'visits.csv', detected: 'application/octet-stream (unknown binary)', mentions: 'application/octet-stream' },
    { name: 'byte undefined in Windows-1252', bytes: () => concat(ascii('Caf'), [0xe9, 0x81], ascii('\n')), fileName: 'notes.txt', detected: 'application/octet-stream (unknown binary)', mentions: 'application/octet-stream' },
    { name: 'text with escape control', bytes: () => ascii('Report\u001B[31m red\n'), fileName: 'notes.txt', detected: 'application/octet-stream (unknown binary)', mentions: 'application/octet-stream' },
    { name: 'text with C1 control', bytes: () => ascii('Report\u0085 next line\n'), fileName: 'notes.txt', detected: 'application/octet-stream (unknown binary)', mentions: 'application/octet-stream' },
    { name: 'unknown binary', bytes: () => new Uint8Array([0x01, 0x02, 0x03, 0xfe, 0x00, 0x10]), fileName: 'data.bin', detected: 'application/octet-stream (unknown binary)', mentions: 'application/octet-stream' },
    { name: 'GIF image', bytes: () => concat(ascii('GIF89a'), [1, 0, 1, 0, 0x80, 0, 0]), fileName: 'logo.gif', detected: 'image/gif', mentions: 'GIF' },
    { name: 'legacy Office file', bytes: () => concat([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], new Uint8Array(504)), fileName: 'report.doc', detected: 'application/x-cfb', mentions: 'password-protected' },
  ];

  for (const testCase of cases) {
    it(`${testCase.name}`, async () => {
      const result = await detectFileType(testCase.bytes(), testCase.fileName);
      if (result.accepted) throw new Error(`expected ${testCase.name} to be rejected, but it was accepted as ${result.mediaType}`);

      expect(result.detected).toBe(testCase.detected);
      expect(result.reason).toContain(testCase.mentions);
      expect(result.reason).toContain(describeAccepted());
    });
  }

  it('empty bytes', async () => {
    const result = await detectFileType(new Uint8Array(), 'empty.pdf');

    expect(result.accepted).toBe(false);
    expect(result).toMatchObject({ reason: 'empty' });
  });
});

describe('claimContradicts', () => {
  const accepted = async (bytes: Uint8Array, fileName: string) => expectAccepted(bytes, fileName);

  it('PDF claimed as PNG', async () => {
    expect(claimContradicts('image/png', await accepted(makePdf(), 'report.pdf'))).toBe(true);
  });

  it('PNG claimed as JPEG', async () => {
    expect(claimContradicts('image/jpeg', await accepted(makePng(3, 2), 'logo.png'))).toBe(true);
  });

  it('CSV claimed as HTML', async () => {
    expect(claimContradicts('text/html', await accepted(ascii('a,b\n'), 'data.csv'))).toBe(true);
  });

  it('CSV browser variants', async () => {
    const csv = await accepted(ascii('a,b\n'), 'data.csv');
    for (const claim of ['application/vnd.ms-excel', 'text/csv', 'text/comma-separated-values', 'application/csv', 'text/x-csv', 'text/plain', 'TEXT/CSV; charset=UTF-8']) {
      expect(claimContradicts(claim, csv), claim).toBe(false);
    }
  });

  it('no claim', async () => {
    const pdf = await accepted(makePdf(), 'report.pdf');
    for (const claim of ['application/octet-stream', 'Application/Octet-Stream; name="x"', '', null, undefined]) {
      expect(claimContradicts(claim, pdf), String(claim)).toBe(false);
    }
  });

  it('XLSX claimed as vnd.ms-excel', async () => {
    expect(claimContradicts('application/vnd.ms-excel', await accepted(makeXlsx(), 'visits.xlsx'))).toBe(false);
  });

  it('DOCX claimed as an Excel file', async () => {
    expect(claimContradicts('application/vnd.ms-excel', await accepted(makeDocx(), 'report.docx'))).toBe(true);
  });

  it('JPEG and PDF variants', async () => {
    const jpeg = await accepted(makeJpeg(8, 8), 'photo.jpg');
    const pdf = await accepted(makePdf(), 'report.pdf');

    expect(claimContradicts('image/jpg', jpeg)).toBe(false);
    expect(claimContradicts('image/pjpeg', jpeg)).toBe(false);
    expect(claimContradicts('application/x-pdf', pdf)).toBe(false);
  });
});

describe('imageSize', () => {
  it('small PNG', () => {
    expect(imageSize(makePng(3, 2), 'png')).toEqual({ width: 3, height: 2 });
  });

  it('PNG header over pixel limits', () => {
    expect(imageSize(makePngHeaderOnly(10_000, 5_000), 'png')).toEqual({ width: 10_000, height: 5_000 });
  });

  it('baseline JPEG', () => {
    expect(imageSize(makeJpeg(16, 8), 'jpeg')).toEqual({ width: 16, height: 8 });
  });

  it('PNG inside a larger buffer', () => {
    // A pooled Buffer is a view into a bigger ArrayBuffer, and bytes after the view must not count as the header.
    const pool = new Uint8Array(4096);
    pool.set(makePng(3, 2));
    expect(imageSize(pool.subarray(0, 18), 'png')).toBeNull();
  });

  it('truncated PNG header', () => {
    expect(imageSize(makePng(3, 2).slice(0, 18), 'png')).toBeNull();
  });

  it('JPEG without a frame header', () => {
    expect(imageSize(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xd9]), 'jpeg')).toBeNull();
  });

  it('PNG bytes asked for as JPEG', () => {
    expect(imageSize(makePng(3, 2), 'jpeg')).toBeNull();
  });
});

describe('describeAccepted', () => {
  it('lists every accepted kind', () => {
    expect(describeAccepted()).toBe('PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument text (ODT) and spreadsheet (ODS), PNG, JPEG, CSV and plain text');
  });
});
