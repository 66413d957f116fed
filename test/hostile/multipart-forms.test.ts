import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makePdf } from '../fixtures/files/make-files.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const encoder = new TextEncoder();
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((part) => (typeof part === 'string' ? encoder.encode(part) : part));
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Writes one file part byte by byte, with its header lines exactly as given and `eol` between them. */
function filePart(boundary: string, headers: string[], body: Uint8Array, eol = '\r\n'): Uint8Array {
  return concat(`--${boundary}${eol}`, headers.join(eol), eol, eol, body, eol);
}

function closing(boundary: string, eol = '\r\n'): string {
  return `--${boundary}--${eol}`;
}

describe('multipart header forms', () => {
  let app: TestApp;
  let staff: TestPerson;
  let draft: string;
  const pdf = makePdf();

  const evidenceUrl = () => `/api/applications/${draft}/evidence`;
  const count = async () => (await app.call('GET', `${evidenceUrl()}?includeDeleted=true`, staff.token)).body.total as number;
  const post = async (body: Uint8Array, contentType: string) => {
    const response = await app.raw('POST', evidenceUrl(), staff.token, body, { 'content-type': contentType });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), body: text === '' ? null : JSON.parse(text) };
  };
  /** Checks the rule for every odd form: a 201 or a 4xx problem, never a 5xx. */
  const expectHandled = (response: { status: number; contentType: string | null }) => {
    expect(response.status).toBeLessThan(500);
    if (response.status >= 400) expect(response.contentType).toBe('application/problem+json');
  };

  beforeAll(async () => {
    app = await createTestApp();
    const library = await app.library();
    staff = await app.person(['library_staff'], library);
    draft = (await app.call('POST', '/api/applications', staff.token, { libraryId: library, standardId: 'cse', cycle: 'initial' })).body.id;
  });

  afterAll(async () => {
    await app?.dispose();
  });

  it('reads a quoted boundary', async () => {
    const boundary = 'quoted boundary:with/odd=chars';
    const body = concat(filePart(boundary, ['Content-Disposition: form-data; name="file"; filename="quoted.pdf"'], pdf), closing(boundary));

    const response = await post(body, `multipart/form-data; boundary="${boundary}"`);

    expect(response.status).toBe(201);
    expect(response.body[0].fileName).toBe('quoted.pdf');
  });

  it('reads a boundary after other parameters', async () => {
    const boundary = 'after-charset';
    const body = concat(filePart(boundary, ['Content-Disposition: form-data; name="file"; filename="later.pdf"'], pdf), closing(boundary));

    const response = await post(body, `Multipart/Form-Data; charset=UTF-8; boundary=${boundary}`);

    expect(response.status).toBe(201);
  });

  it('skips a preamble and an epilogue', async () => {
    const boundary = 'framed';
    const body = concat('This is a preamble that clients may send.\r\n', filePart(boundary, ['Content-Disposition: form-data; name="file"; filename="framed.pdf"'], pdf), closing(boundary), 'and an epilogue');

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expect(response.status).toBe(201);
    expect(response.body[0].sha256).toBe(sha256(pdf));
  });

  it('reads lower-case header names', async () => {
    const boundary = 'lower';
    const body = concat(filePart(boundary, ['content-disposition: form-data; name="file"; filename="lower.pdf"', 'content-type: application/pdf'], pdf), closing(boundary));

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expect(response.status).toBe(201);
    expect(response.body[0].fileName).toBe('lower.pdf');
  });

  it('folded header: no 5xx', async () => {
    const before = await count();
    const boundary = 'folded';
    // An obsolete line fold (RFC 5322): the header continues on a line that starts with a space.
    const body = concat(filePart(boundary, ['Content-Disposition: form-data; name="file";', ' filename="folded.pdf"'], pdf), closing(boundary));

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expectHandled(response);
    if (response.status === 201) {
      expect(response.body).toHaveLength(1);
      expect(await count()).toBe(before + 1);
    } else {
      expect(await count()).toBe(before);
    }
  });

  it('takes a part without filename as a field', async () => {
    const before = await count();
    const boundary = 'no-filename';
    const body = concat(filePart(boundary, ['Content-Disposition: form-data; name="file"', 'Content-Type: application/pdf'], pdf), closing(boundary));

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expect(response.status).toBe(422);
    expect(response.contentType).toBe('application/problem+json');
    expect(await count()).toBe(before);
  });

  it('names a file with an empty filename', async () => {
    const boundary = 'empty-filename';
    const body = concat(filePart(boundary, ['Content-Disposition: form-data; name="file"; filename=""'], pdf), closing(boundary));

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expectHandled(response);
    if (response.status === 201) expect(response.body[0].fileName).toBe('file');
  });

  it('prefers filename* over filename', async () => {
    const boundary = 'both-names';
    const body = concat(filePart(boundary, [`Content-Disposition: form-data; name="file"; filename="Adroddiad.pdf"; filename*=UTF-8''Adroddiad%20%C5%B5yr.pdf`], pdf), closing(boundary));

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expect(response.status).toBe(201);
    expect(response.body[0].fileName).toBe('Adroddiad ŵyr.pdf');
  });

  it('reads a Latin-1 filename*', async () => {
    const boundary = 'latin1-name';
    const body = concat(filePart(boundary, [`Content-Disposition: form-data; name="file"; filename*=iso-8859-1''caf%E9.pdf`], pdf), closing(boundary));

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expect(response.status).toBe(201);
    expect(response.body[0].fileName).toBe('café.pdf');
  });

  it.each([
    ['bad percent escape', `filename*=UTF-8''%ZZ%C3.pdf`],
    ['unknown charset', `filename*=x-klingon''abc.pdf`],
    ['no charset', `filename*=''abc.pdf`],
    ['unterminated quote', 'filename="open.pdf'],
  ])('filename* with %s: no 5xx', async (_case, parameter) => {
    const boundary = 'odd-name';
    const body = concat(filePart(boundary, [`Content-Disposition: form-data; name="file"; ${parameter}`], pdf), closing(boundary));

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expectHandled(response);
    if (response.status === 201) expect(response.body[0].fileName).not.toMatch(/[\u0000-\u001f]/u);
  });

  it('keeps one value of a duplicated field', async () => {
    const boundary = 'duplicates';
    const body = concat(
      filePart(boundary, ['Content-Disposition: form-data; name="title"'], encoder.encode('First title')),
      filePart(boundary, ['Content-Disposition: form-data; name="title"'], encoder.encode('Second title')),
      filePart(boundary, ['Content-Disposition: form-data; name="elements"'], encoder.encode('1.1.1')),
      filePart(boundary, ['Content-Disposition: form-data; name="elements"'], encoder.encode('2.1.1')),
      filePart(boundary, ['Content-Disposition: form-data; name="file"; filename="dup.pdf"'], pdf),
      closing(boundary),
    );

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expect(response.status).toBe(201);
    expect(response.body).toHaveLength(1);
    expect(['First title', 'Second title']).toContain(response.body[0].title);
    expect(response.body[0].elements).toHaveLength(1);
  });

  it('stores duplicated file parts as two items', async () => {
    const boundary = 'two-files';
    const body = concat(
      filePart(boundary, ['Content-Disposition: form-data; name="file"; filename="same.pdf"'], pdf),
      filePart(boundary, ['Content-Disposition: form-data; name="file"; filename="same.pdf"'], pdf),
      closing(boundary),
    );

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expect(response.status).toBe(201);
    expect(response.body.map((item: { sha256: string }) => item.sha256)).toEqual([sha256(pdf), sha256(pdf)]);
  });

  it('LF line ends: no 5xx', async () => {
    const before = await count();
    const boundary = 'lf-only';
    const body = concat(filePart(boundary, ['Content-Disposition: form-data; name="file"; filename="lf.pdf"'], pdf, '\n'), closing(boundary, '\n'));

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expectHandled(response);
    expect(await count()).toBe(response.status === 201 ? before + response.body.length : before);
  });

  it('mixed CRLF and LF: no 5xx', async () => {
    const boundary = 'mixed-eol';
    const body = concat(`--${boundary}\r\n`, 'Content-Disposition: form-data; name="file"; filename="mixed.pdf"\n\r\n', pdf, `\r\n--${boundary}--\n`);

    expectHandled(await post(body, `multipart/form-data; boundary=${boundary}`));
  });

  it('unclosed boundary: no 5xx', async () => {
    const before = await count();
    const boundary = 'never-closed';
    const body = filePart(boundary, ['Content-Disposition: form-data; name="file"; filename="open.pdf"'], pdf);

    const response = await post(body, `multipart/form-data; boundary=${boundary}`);

    expectHandled(response);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await count()).toBe(before);
  });

  it('empty boundary: no 5xx', async () => {
    expectHandled(await post(encoder.encode('--\r\n\r\n'), 'multipart/form-data; boundary=""'));
  });

  it('200-character boundary: no 5xx', async () => {
    const boundary = 'b'.repeat(200);
    const body = concat(filePart(boundary, ['Content-Disposition: form-data; name="file"; filename="long.pdf"'], pdf), closing(boundary));

    expectHandled(await post(body, `multipart/form-data; boundary=${boundary}`));
  });
});

describe('hostile file names', () => {
  let app: TestApp;
  let staff: TestPerson;
  let draft: string;
  const pdf = makePdf();

  /** Uploads a PDF under the raw Content-Disposition bytes given, then reads the stored item and its download. */
  const uploadNamed = async (disposition: Uint8Array) => {
    const boundary = 'hostile-name';
    const body = concat(`--${boundary}\r\n`, disposition, '\r\n\r\n', pdf, '\r\n', closing(boundary));
    const response = await app.raw('POST', `/api/applications/${draft}/evidence`, staff.token, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), body: text === '' ? null : JSON.parse(text) };
  };
  const download = async (evidenceId: string) => app.raw('GET', `/api/applications/${draft}/evidence/${evidenceId}/file`, staff.token);

  beforeAll(async () => {
    app = await createTestApp();
    const library = await app.library();
    staff = await app.person(['library_staff'], library);
    draft = (await app.call('POST', '/api/applications', staff.token, { libraryId: library, standardId: 'cse', cycle: 'initial' })).body.id;
  });

  afterAll(async () => {
    await app?.dispose();
  });

  it.each([
    ['Windows path traversal', '..\\..\\Windows\\System32\\drivers\\etc\\hosts.pdf', 'hosts.pdf'],
    ['absolute Unix path', '/etc/shadow.pdf', 'shadow.pdf'],
    ['UNC path', '\\\\server\\share\\minutes.pdf', 'minutes.pdf'],
    // A percent escape in a plain filename is text, not a slash, so only the dot runs go.
    ['escaped slashes kept as text', '..%2F..%2Fsecret.pdf', '%2F.%2Fsecret.pdf'],
    ['right-to-left override', 'invoice\u202Efdp.exe.pdf', 'invoicefdp.exe.pdf'],
    ['zero-width and bidi isolates', '\u2067report\u2069.pdf', 'report.pdf'],
    ['Windows reserved name', 'CON', 'CON'],
    ['reserved name with extension', 'NUL.txt.pdf', 'NUL.txt.pdf'],
    ['reserved device in a path', 'C:\\temp\\COM1.pdf', 'COM1.pdf'],
    ['trailing dots and spaces', 'report.pdf. . ', 'report.pdf'],
  ])('%s: stored as %s', async (_case, raw, expected) => {
    const response = await uploadNamed(encoder.encode(`Content-Disposition: form-data; name="file"; filename="${raw.replaceAll('"', '\\"')}"`));

    expect(response.status).toBe(201);
    expect(response.body[0].fileName).toBe(expected);
  });

  it('strips a raw NUL byte from a name', async () => {
    const response = await uploadNamed(concat('Content-Disposition: form-data; name="file"; filename="minutes', new Uint8Array([0]), '.pdf"'));

    expect(response.status).toBeLessThan(500);
    if (response.status === 201) expect(response.body[0].fileName).not.toContain('\u0000');
  });

  it('reads invalid UTF-8 in a name as text', async () => {
    const response = await uploadNamed(concat('Content-Disposition: form-data; name="file"; filename="caf', new Uint8Array([0xe9, 0xff]), '.pdf"'));

    expect(response.status).toBe(201);
    expect(response.body[0].fileName.isWellFormed()).toBe(true);
    expect(response.body[0].fileName).toMatch(/\.pdf$/);
  });

  it('shortens a 1,000-character name', async () => {
    const response = await uploadNamed(encoder.encode(`Content-Disposition: form-data; name="file"; filename="${'Ŵ'.repeat(1_000)}.pdf"`));

    expect(response.status).toBe(201);
    expect(Array.from(response.body[0].fileName as string)).toHaveLength(180);
    expect(response.body[0].fileName).toBe(`${'Ŵ'.repeat(176)}.pdf`);
  });

  it('serves hostile names in a safe header', async () => {
    for (const raw of ['a\r\nSet-Cookie: x=1.pdf', 'CON', 'invoice\u202Efdp.exe.pdf', `${'x'.repeat(1_000)}.pdf`, 'quote"and\\slash.pdf']) {
      // filename* carries every character, line breaks included, which a quoted filename cannot.
      const uploaded = await uploadNamed(encoder.encode(`Content-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(raw)}`));
      expect(uploaded.status, raw).toBe(201);

      const response = await download(uploaded.body[0].id);
      const header = response.headers.get('content-disposition') ?? '';
      expect(response.status, raw).toBe(200);
      expect(header, raw).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%._~!$&+^`|-]*$/);
      expect(response.headers.get('set-cookie'), raw).toBeNull();
      expect(sha256(new Uint8Array(await response.arrayBuffer())), raw).toBe(sha256(pdf));
    }
  });
});
