import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { exportCsv, exportXlsx } from '../../../src/evidence/matrix/export-matrix.ts';
import type { ExportItem } from '../../../src/evidence/matrix/export-matrix.ts';

const ITEM: ExportItem = {
  elements: ['1.1.1', '2.1.3'],
  title: 'Survey, "headline" results',
  link: 'https://example.org/survey?year=2026&part=1',
  reference: 'S:\\CSE\\survey.xlsx',
  owner: '@mention',
  date: '2026-11-05',
  notes: 'Line one\nLine two',
  evidenceType: '-5% change',
};

const BARE: ExportItem = { elements: ['3.1.1'], title: '=SUM(A1)', link: null, reference: null, owner: null, date: null, notes: null, evidenceType: '+1' };

describe('exportCsv', () => {
  it('writes BOM, header and CRLF rows', () => {
    const csv = exportCsv([BARE]);

    expect(csv.startsWith('\uFEFFElement(s),Title,Link,Reference,Owner,Date,Notes,Evidence type\r\n')).toBe(true);
    expect(csv.endsWith("\r\n3.1.1,'=SUM(A1),,,,,,'+1\r\n")).toBe(true);
  });

  it('quotes and guards cells', () => {
    const lines = exportCsv([ITEM]).split('\r\n');

    expect(lines[1]).toBe(
      '"1.1.1; 2.1.3","Survey, ""headline"" results",https://example.org/survey?year=2026&part=1,S:\\CSE\\survey.xlsx,' +
        `'@mention,2026-11-05,"Line one\nLine two",'-5% change`,
    );
    expect(lines).toHaveLength(3);
  });

  it('writes only the header for no items', () => {
    expect(exportCsv([])).toBe('\uFEFFElement(s),Title,Link,Reference,Owner,Date,Notes,Evidence type\r\n');
  });
});

describe('exportXlsx', () => {
  async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes.slice().buffer);
    return workbook;
  }

  it('writes Evidence and Self-assessment sheets', async () => {
    const workbook = await load(await exportXlsx([ITEM], [{ code: '1.1.1', rating: 'compliance', statement: '=cmd' }]));

    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Evidence', 'Self-assessment']);
    const evidence = workbook.getWorksheet('Evidence')!;
    expect(evidence.getRow(1).values).toEqual([undefined, 'Element(s)', 'Title', 'Link', 'Reference', 'Owner', 'Date', 'Notes', 'Evidence type']);
    expect(evidence.getCell('A2').value).toBe('1.1.1; 2.1.3');
    expect(evidence.getCell('C2').value).toEqual({ text: ITEM.link, hyperlink: ITEM.link });
    expect(evidence.getCell('F2').value).toBe('2026-11-05');

    const selfAssessment = workbook.getWorksheet('Self-assessment')!;
    expect(selfAssessment.getRow(1).values).toEqual([undefined, 'Element', 'Rating', 'Statement']);
    expect(selfAssessment.getRow(2).values).toEqual([undefined, '1.1.1', 'compliance', "'=cmd"]);
  });

  it('writes formula-like text as a guarded string', async () => {
    const workbook = await load(await exportXlsx([BARE], []));
    const title = workbook.getWorksheet('Evidence')!.getCell('B2');

    expect(title.value).toBe("'=SUM(A1)");
    expect(title.type).toBe(ExcelJS.ValueType.String);
    expect(title.formula).toBeUndefined();
  });

  it('removes characters that XML forbids', async () => {
    const item = { ...BARE, title: 'Word\u000bline break', notes: 'Bell\u0007 and tab\tkept' };
    const workbook = await load(await exportXlsx([item], []));
    const evidence = workbook.getWorksheet('Evidence')!;

    expect(evidence.getCell('B2').value).toBe('Word\nline break');
    expect(evidence.getCell('G2').value).toBe('Bell and tab\tkept');
  });

  it('formats element and date columns as text', async () => {
    const workbook = await load(await exportXlsx([ITEM], []));
    const evidence = workbook.getWorksheet('Evidence')!;

    expect(evidence.getCell('A2').numFmt).toBe('@');
    expect(evidence.getCell('F2').numFmt).toBe('@');
    expect(evidence.getCell('A2').type).toBe(ExcelJS.ValueType.String);
  });
});
