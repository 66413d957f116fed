import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ascii, makeDocx, makeElf, makeJpeg, makeOds, makeOdt, makePdf, makePlainZip, makePng, makePngHeaderOnly, makePptx, makeWindowsExecutable, makeXlsm, makeXlsx } from '../fixtures/files/make-files.ts';
import { completeEvidence, elementCodes, reviewAll } from '../support/lifecycle.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('evidence file uploads', () => {
  let app: TestApp;
  let staff: TestPerson;
  let mentor: TestPerson;
  let quality: TestPerson;
  let draft: string;

  const evidenceUrl = (id: string) => `/api/applications/${id}/evidence`;
  const count = async (id: string) => (await app.call('GET', `${evidenceUrl(id)}?includeDeleted=true`, staff.token)).body.total as number;
  const blobCount = async () => Number((await app.db.em.getConnection().execute<{ n: string }[]>('select count(*) as n from content_blob'))[0].n);
  const newDraft = async () => (await app.call('POST', '/api/applications', staff.token, { libraryId: staff.libraryId, standardId: 'cse', cycle: 'initial' })).body.id as string;
  const send = async (id: string, token: string, event: object) => {
    const response = await app.call('POST', `/api/applications/${id}/events`, token, event);
    if (response.status !== 200) throw new Error(`${JSON.stringify(event)} failed: ${JSON.stringify(response.body)}`);
  };

  beforeAll(async () => {
    // Small limits, so that the limit cases need no large files.
    app = await createTestApp({ UPLOAD_MAX_BYTES: '200000', APPLICATION_MAX_BYTES: '400000', IMAGE_MAX_PIXELS: '1000000' });
    staff = await app.person(['library_staff'], await app.library());
    mentor = await app.person(['mentor'], await app.library());
    quality = await app.person(['quality_group']);
    draft = await newDraft();
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('stores each file as its own item', async () => {
    const pdf = makePdf();
    const png = makePng(40, 30);
    const response = await app.upload(evidenceUrl(draft), staff.token, [
      { name: 'title', body: 'Service standards' },
      { name: 'elements', body: '4.1.1, 4.1.2' },
      { name: 'file', fileName: 'standards.pdf', type: 'application/pdf', body: pdf },
      { name: 'file', fileName: 'chart.png', type: 'image/png', body: png },
    ]);

    expect(response.status).toBe(201);
    expect(response.body).toHaveLength(2);
    expect(response.body.map((item: { sha256: string }) => item.sha256)).toEqual([sha256(pdf), sha256(png)]);
    expect(response.body[0]).toMatchObject({ kind: 'file', title: 'Service standards: standards.pdf', fileName: 'standards.pdf', size: pdf.byteLength, mediaType: 'application/pdf', revision: 1 });
    expect(response.body[1].elements.map((mapping: { code: string }) => mapping.code)).toEqual(['4.1.1', '4.1.2']);
  });

  it.each([
    ['report.docx', makeDocx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['figures.xlsx', makeXlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['slides.pptx', makePptx(), 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    ['minutes.odt', makeOdt(), 'application/vnd.oasis.opendocument.text'],
    ['budget.ods', makeOds(), 'application/vnd.oasis.opendocument.spreadsheet'],
    ['photo.jpg', makeJpeg(16, 16), 'image/jpeg'],
  ])('accepts %s', async (fileName, bytes, mediaType) => {
    const response = await app.upload(evidenceUrl(draft), staff.token, [{ name: 'file', fileName, type: 'application/octet-stream', body: bytes }]);

    expect(response.status).toBe(201);
    expect(response.body[0].mediaType).toBe(mediaType);
  });

  it('accepts a CSV sent as vnd.ms-excel', async () => {
    const response = await app.upload(evidenceUrl(draft), staff.token, [{ name: 'file', fileName: 'visits.csv', type: 'application/vnd.ms-excel', body: 'month,visits\r\nJanuary,1204\r\n' }]);

    expect(response.status).toBe(201);
    expect(response.body[0].mediaType).toMatch(/^text\/csv/);
  });

  it('serves the file back as an attachment', async () => {
    const pdf = makePdf();
    const [item] = (await app.upload(evidenceUrl(draft), staff.token, [{ name: 'file', fileName: 'Adroddiad ŵyr.pdf', body: pdf }])).body;

    const response = await app.raw('GET', `${evidenceUrl(draft)}/${item.id}/file`, quality.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toContain("filename*=UTF-8''Adroddiad%20%C5%B5yr.pdf");
    expect(response.headers.get('etag')).toBe(`"${sha256(pdf)}"`);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(pdf);

    const cached = await app.raw('GET', `${evidenceUrl(draft)}/${item.id}/file`, quality.token, undefined, { 'if-none-match': `"${sha256(pdf)}"` });
    expect(cached.status).toBe(304);
  });

  it('stores the same content once', async () => {
    const bytes = ascii('Opening hours survey, identical upload\n');
    const before = await blobCount();
    await app.upload(evidenceUrl(draft), staff.token, [{ name: 'file', fileName: 'a.txt', body: bytes }]);
    await app.upload(evidenceUrl(draft), staff.token, [{ name: 'file', fileName: 'b.txt', body: bytes }]);

    expect(await blobCount()).toBe(before + 1);
  });

  describe('bad files', () => {
    it.each([
      ['empty file', 400, 'empty.pdf', undefined, new Uint8Array(), 'empty'],
      ['HTML', 415, 'page.txt', undefined, ascii('<!doctype html><html><body>x</body></html>'), 'text/html'],
      ['SVG', 415, 'logo.csv', undefined, ascii('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'image/svg+xml'],
      ['Windows program', 415, 'setup.pdf', undefined, makeWindowsExecutable(), 'application/x-msdownload'],
      ['ELF program', 415, 'tool', undefined, makeElf(), 'application/x-executable'],
      ['plain archive', 415, 'bundle.zip', undefined, makePlainZip(), 'application/zip'],
      ['macro workbook', 415, 'macros.xlsm', undefined, makeXlsm(), 'macro'],
      ['contradicted claim', 415, 'chart.png', 'image/png', makePdf(), 'not really a PNG image: its content is a PDF'],
      ['image over the pixel limit', 422, 'huge.png', 'image/png', makePngHeaderOnly(2000, 1000), '2000×1000'],
      ['file over the upload limit', 413, 'big.txt', undefined, ascii('x'.repeat(250_000)), 'UPLOAD_MAX_BYTES'],
    ])('%s: %i', async (_case, status, fileName, type, bytes, named) => {
      const before = await count(draft);
      const response = await app.upload(evidenceUrl(draft), staff.token, [{ name: 'file', fileName, type, body: bytes }]);

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.detail).toContain(named);
      expect(await count(draft)).toBe(before);
    });

    it('stops reading an oversized file early', async () => {
      const boundary = 'early-stop';
      const head = new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n`);
      const chunk = new TextEncoder().encode('y'.repeat(16_384));
      const totalChunks = 2_000;
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled === 0) controller.enqueue(head);
          if (pulled < totalChunks) controller.enqueue(chunk);
          else controller.close();
          pulled++;
        },
      });

      const response = await app.app.request(evidenceUrl(draft), {
        method: 'POST',
        body,
        duplex: 'half',
        headers: { authorization: `Bearer ${staff.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      } as RequestInit);

      expect(response.status).toBe(413);
      // The limit is 200 000 bytes, about 13 chunks; the stream offers about 32 MB.
      expect(pulled).toBeLessThan(totalChunks / 10);
    });

    it('rejects all when one file is bad', async () => {
      const before = await count(draft);
      const response = await app.upload(evidenceUrl(draft), staff.token, [
        { name: 'file', fileName: 'good.pdf', body: makePdf() },
        { name: 'file', fileName: 'bad.html', body: ascii('<html><script>alert(1)</script></html>') },
      ]);

      expect(response.status).toBe(415);
      expect(await count(draft)).toBe(before);
    });

    it('rejects an application over its total', async () => {
      const id = await newDraft();
      for (let index = 0; index < 2; index++) {
        const accepted = await app.upload(evidenceUrl(id), staff.token, [{ name: 'file', fileName: `part${index}.txt`, body: ascii(`${index}`.repeat(180_000)) }]);
        expect(accepted.status).toBe(201);
      }

      const response = await app.upload(evidenceUrl(id), staff.token, [{ name: 'file', fileName: 'part2.txt', body: ascii('2'.repeat(60_000)) }]);
      expect(response.status).toBe(413);
      expect(response.body.detail).toContain('APPLICATION_MAX_BYTES');
      expect(await count(id)).toBe(2);
    });

    it('counts a larger replacement against the total', async () => {
      const id = await newDraft();
      const sizes = [150_000, 150_000, 90_000];
      const items = [];
      for (const [index, size] of sizes.entries()) {
        items.push(await app.upload(evidenceUrl(id), staff.token, [{ name: 'file', fileName: `part${index}.txt`, body: ascii(`${index}`.repeat(size)) }]));
      }
      const replaceUrl = `${evidenceUrl(id)}/${items[2].body[0].id}/file`;

      const tooLarge = await app.upload(replaceUrl, staff.token, [{ name: 'file', fileName: 'part2.txt', body: ascii('2'.repeat(199_000)) }], 'PUT');
      const fits = await app.upload(replaceUrl, staff.token, [{ name: 'file', fileName: 'part2.txt', body: ascii('2'.repeat(95_000)) }], 'PUT');

      expect(items.map((item) => item.status)).toEqual([201, 201, 201]);
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.detail).toContain('APPLICATION_MAX_BYTES');
      expect(fits.status).toBe(200);
      expect(fits.body).toMatchObject({ size: 95_000, revision: 2 });
    });

    it('rejects unknown element codes', async () => {
      const response = await app.upload(evidenceUrl(draft), staff.token, [{ name: 'elements', body: '1.1.1,9.9.9' }, { name: 'file', fileName: 'a.pdf', body: makePdf() }]);

      expect(response.status).toBe(422);
      expect(response.body.detail).toContain('9.9.9');
    });
  });

  describe('file names and multipart forms', () => {
    it('strips path parts from names', async () => {
      const response = await app.upload(evidenceUrl(draft), staff.token, [{ name: 'file', fileName: '../../etc/passwd.txt', body: 'harmless text\n' }]);

      expect(response.status).toBe(201);
      expect(response.body[0].fileName).toBe('passwd.txt');
    });

    it('reads an RFC 5987 file name', async () => {
      const response = await app.upload(evidenceUrl(draft), staff.token, [
        { name: 'file', disposition: "form-data; name=\"file\"; filename*=UTF-8''Adroddiad%20%C5%B5yr.pdf", body: makePdf() },
      ]);

      expect(response.status).toBe(201);
      expect(response.body[0].fileName).toBe('Adroddiad ŵyr.pdf');
    });

    it('reads unquoted parameters', async () => {
      const response = await app.upload(evidenceUrl(draft), staff.token, [{ name: 'file', disposition: 'form-data; name=file; filename=minutes.pdf', body: makePdf() }]);

      expect(response.status).toBe(201);
      expect(response.body[0].fileName).toBe('minutes.pdf');
    });

    it.each([
      ['no boundary', 'multipart/form-data', ascii('--x\r\n\r\n')],
      ['truncated body', 'multipart/form-data; boundary=abc', ascii('--abc\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4')],
    ])('%s: 400', async (_case, contentType, body) => {
      const response = await app.raw('POST', evidenceUrl(draft), staff.token, body, { 'content-type': contentType });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    });

    it('rejects a part with no file', async () => {
      const response = await app.upload(evidenceUrl(draft), staff.token, [{ name: 'title', body: 'Nothing attached' }]);

      expect(response.status).toBe(422);
    });
  });

  describe('revisions', () => {
    it('keeps every revision and the deleted item', async () => {
      const first = makePdf();
      const [item] = (await app.upload(evidenceUrl(draft), staff.token, [{ name: 'title', body: 'Complaints policy' }, { name: 'file', fileName: 'policy.pdf', body: first }])).body;
      const url = `${evidenceUrl(draft)}/${item.id}`;

      const renamed = await app.call('PATCH', url, staff.token, { title: 'Complaints policy 2026', elements: [{ code: '4.3.2', note: 'The procedure' }] });
      expect(renamed.body.revision).toBe(2);

      const second = ascii('Complaints policy, plain text version\n');
      const replaced = await app.upload(`${url}/file`, staff.token, [{ name: 'file', fileName: 'policy.txt', body: second }], 'PUT');
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ revision: 3, sha256: sha256(second), fileName: 'policy.txt', title: 'Complaints policy 2026' });

      expect((await app.call('DELETE', url, staff.token)).status).toBe(204);
      const history = await app.call('GET', `${url}/history`, quality.token);
      expect(history.body.items.map((revision: { number: number; sha256: string; deleted: boolean }) => [revision.number, revision.sha256, revision.deleted])).toEqual([
        [1, sha256(first), false],
        [2, sha256(first), false],
        [3, sha256(second), false],
        [4, sha256(second), true],
      ]);
      expect(history.body.items[2]).toMatchObject({ size: second.byteLength, author: { id: staff.id } });

      const deleted = await app.call('GET', url, quality.token);
      expect(deleted.body.deletedAt).not.toBeNull();
      const live = await app.call('GET', evidenceUrl(draft), staff.token);
      expect(live.body.items.map((entry: { id: string }) => entry.id)).not.toContain(item.id);
    });

    it('freezes uploads outside evidence gathering', async () => {
      const id = await newDraft();
      await send(id, staff.token, { type: 'start' });
      await completeEvidence(app.call, id, staff.token, elementCodes(app));
      await send(id, staff.token, { type: 'review.request' });

      const response = await app.upload(evidenceUrl(id), staff.token, [{ name: 'file', fileName: 'late.pdf', body: makePdf() }]);
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('evidence_frozen');
    });
  });

  describe('submitted record', () => {
    it('keeps what was submitted after a reopen', async () => {
      const id = await newDraft();
      await send(id, staff.token, { type: 'start' });
      const pdf = makePdf();
      const [file] = (await app.upload(evidenceUrl(id), staff.token, [{ name: 'elements', body: '1.1.1' }, { name: 'file', fileName: 'profile.pdf', body: pdf }])).body;
      await completeEvidence(app.call, id, staff.token, elementCodes(app));
      await send(id, staff.token, { type: 'review.request' });
      await send(id, quality.token, { type: 'mentor.assign', mentorId: mentor.id });
      await reviewAll(app.call, id, mentor.token, elementCodes(app));
      await send(id, mentor.token, { type: 'review.approve' });
      await send(id, staff.token, { type: 'submit' });

      const submitted = await app.call('GET', `/api/applications/${id}/submissions`, quality.token);
      expect(submitted.body.total).toBe(1);
      const record = submitted.body.items[0].record;
      expect(record.evidence.find((entry: { id: string }) => entry.id === file.id)).toMatchObject({ revision: 1, sha256: sha256(pdf), fileName: 'profile.pdf' });
      expect(record.selfAssessments).toHaveLength(57);

      const ratings = Object.fromEntries(elementCodes(app).map((code) => [code, 'non_compliance']));
      await send(id, quality.token, { type: 'outcome.record', ratings, reportDate: '2026-11-20', certificationBody: 'Example Certification Ltd' });
      await send(id, staff.token, { type: 'reopen' });
      await app.call('PATCH', `${evidenceUrl(id)}/${file.id}`, staff.token, { title: 'Changed after the outcome' });
      await app.call('PUT', `/api/applications/${id}/self-assessment/1.1.1`, staff.token, { rating: 'compliance_plus', statement: 'Rewritten' });

      const later = await app.call('GET', `/api/applications/${id}/submissions`, quality.token);
      expect(later.body.items[0].record).toEqual(record);
    });

    it('purges deleted items on withdrawal', async () => {
      const id = await newDraft();
      const [item] = (await app.upload(evidenceUrl(id), staff.token, [{ name: 'file', fileName: 'draft.pdf', body: makePdf() }])).body;
      await app.call('DELETE', `${evidenceUrl(id)}/${item.id}`, staff.token);
      expect(await count(id)).toBe(1);

      await send(id, staff.token, { type: 'withdraw' });
      expect(await count(id)).toBe(0);
    });
  });

  describe('coverage', () => {
    it('gives equal bodies for equal evidence', async () => {
      const [first, second] = [await newDraft(), await newDraft()];
      for (const id of [first, second]) {
        await app.call('POST', evidenceUrl(id), staff.token, { kind: 'note', title: 'Profile', body: 'Text', elements: [{ code: '1.1.1' }, { code: '2.1.1' }] });
        await app.call('PUT', `/api/applications/${id}/self-assessment/1.1.1`, staff.token, { rating: 'compliance' });
      }

      const [one, two] = await Promise.all([first, second].map((id) => app.call('GET', `/api/applications/${id}/coverage`, quality.token)));
      expect(one.body).toEqual(two.body);
      const insight = one.body.criteria[0];
      expect(insight).toMatchObject({ code: '1', elements: 12, withEvidence: 1, rated: 1 });
      expect(insight.ratings).toEqual({ compliance_plus: 0, compliance: 1, partial_compliance: 0, non_compliance: 0 });
      expect(insight.missing).toHaveLength(11);
      expect(insight.subCriteria.map((node: { code: string }) => node.code)).toEqual(['1.1', '1.2', '1.3']);
      expect(insight.subCriteria[0]).toMatchObject({ elements: 3, withEvidence: 1, rated: 1, missing: ['1.1.2', '1.1.3'] });
    });
  });
});
