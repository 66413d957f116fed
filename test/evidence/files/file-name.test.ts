import { describe, expect, it } from 'vitest';

import { contentDisposition, sanitiseFileName } from '../../../src/evidence/files/file-name.ts';

function codePoints(text: string): number {
  return Array.from(text).length;
}

describe('sanitiseFileName', () => {
  const cases: [string, string, string][] = [
    ['Unix path traversal', '../../etc/passwd', 'passwd'],
    ['Windows path', 'C:\\Users\\x\\report.docx', 'report.docx'],
    ['drive-relative name', 'C:report.docx', 'report.docx'],
    ['mixed separators', 'uploads\\..//..\\secret.pdf', 'secret.pdf'],
    ['dot-dot runs inside a name', 'report..final...pdf', 'report.final.pdf'],
    ['only dots', '..', 'file'],
    ['C0 controls and DEL', 'rep\u0000or\u0007t\r\n\u007F.pdf', 'report.pdf'],
    ['C1 controls', 'rep\u0085ort\u009B.pdf', 'report.pdf'],
    ['bidi override hiding an extension', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['bidi isolates', '\u2066report\u2069.pdf', 'report.pdf'],
    ['spaces and dots at the ends', '  . report.pdf . ', 'report.pdf'],
    ['Welsh letters', 'Adroddiad ŵyr.pdf', 'Adroddiad ŵyr.pdf'],
    ['Welsh ŷ', 'Tŷ Coch.csv', 'Tŷ Coch.csv'],
    ['Arabic', 'تقرير المكتبة.pdf', 'تقرير المكتبة.pdf'],
    ['emoji', 'Storytime 📚🎉.png', 'Storytime 📚🎉.png'],
    ['decomposed accents', 'Cafe\u0301.txt', 'Café.txt'],
    ['empty', '', 'file'],
    ['only a path', 'folder/', 'file'],
    ['only control characters', '\u0000\u0001\u202E', 'file'],
  ];

  for (const [name, raw, expected] of cases) {
    it(`${name}`, () => {
      expect(sanitiseFileName(raw)).toBe(expected);
    });
  }

  it('long name keeps extension', () => {
    const result = sanitiseFileName(`${'a'.repeat(396)}.pdf`);

    expect(codePoints(result)).toBeLessThanOrEqual(180);
    expect(result.endsWith('.pdf')).toBe(true);
    expect(result).toBe(`${'a'.repeat(176)}.pdf`);
  });

  it('long emoji name never splits a pair', () => {
    const result = sanitiseFileName(`${'📚'.repeat(400)}.png`, 20);

    expect(codePoints(result)).toBeLessThanOrEqual(20);
    expect(result).toBe(`${'📚'.repeat(16)}.png`);
    expect(result.isWellFormed()).toBe(true);
  });

  it('long name keeps grapheme clusters', () => {
    // A family emoji is five code points joined by zero-width joiners, and half of one shows as a different picture.
    const family = '👩\u200D👩\u200D👧';
    const result = sanitiseFileName(`${family.repeat(3)}.pdf`, 13);

    expect(result).toBe(`${family}.pdf`);
  });

  it('long name without extension', () => {
    const result = sanitiseFileName('x'.repeat(400));

    expect(result).toBe('x'.repeat(180));
  });

  it('long extension is not kept', () => {
    const result = sanitiseFileName(`report.${'y'.repeat(30)}`, 12);

    expect(result).toBe('report.yyyyy');
  });

  it('shortened stem drops trailing spaces', () => {
    const result = sanitiseFileName(`${'a'.repeat(5)}     ${'b'.repeat(20)}.pdf`, 12);

    expect(result).toBe('aaaaa.pdf');
  });

  it('lone surrogate replaced', () => {
    const result = sanitiseFileName('report\uD83D.pdf');

    expect(result.isWellFormed()).toBe(true);
    expect(result).toBe('report\uFFFD.pdf');
  });

  it('invalid maxLength', () => {
    expect(() => sanitiseFileName('report.pdf', 0)).toThrow(RangeError);
  });
});

describe('contentDisposition', () => {
  it('Welsh name with quotes', () => {
    expect(contentDisposition('Adroddiad ŵyr "final".pdf')).toBe(
      `attachment; filename="Adroddiad _yr final.pdf"; filename*=UTF-8''Adroddiad%20%C5%B5yr%20%22final%22.pdf`,
    );
  });

  it('backslash and RFC 5987 specials', () => {
    expect(contentDisposition("it's (v2)*\\.txt")).toBe(`attachment; filename="it's (v2)*.txt"; filename*=UTF-8''it%27s%20%28v2%29%2A%5C.txt`);
  });

  it('emoji becomes one underscore', () => {
    expect(contentDisposition('📚.png')).toBe(`attachment; filename="_.png"; filename*=UTF-8''%F0%9F%93%9A.png`);
  });

  it('control characters never reach the header', () => {
    const header = contentDisposition('a\r\nSet-Cookie: x.pdf');

    expect(header).not.toMatch(/[\r\n]/u);
    expect(header).toContain('filename="a__Set-Cookie: x.pdf"');
  });

  it('name of only quotes', () => {
    expect(contentDisposition('""')).toBe(`attachment; filename="file"; filename*=UTF-8''%22%22`);
  });
});
