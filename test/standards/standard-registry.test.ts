import { describe, it, expect } from 'vitest';

import { StandardFileError, StandardRegistry } from '../../src/standards/standard-registry.ts';
import { FIXTURE_DIR, makeStandardsDir, readBuiltInCse, readServiceMarkFixture, writeStandard } from './standard-files.ts';

describe('StandardRegistry with a second standard', () => {
  it('loads a two-level standard next to CSE', async () => {
    const dir = await makeStandardsDir();
    await writeStandard(dir, 'library-service-mark.json', await readServiceMarkFixture());

    const registry = await StandardRegistry.load({ extraDir: dir });
    const mark = registry.latest('library-service-mark');

    expect(registry.list().map((standard) => standard.id)).toEqual(['cse', 'library-service-mark']);
    expect(mark?.source).toBe(`${dir}/library-service-mark.json`);
    expect(mark?.levels.map((level) => level.id)).toEqual(['dimension', 'item']);
    expect(mark?.ratingScale.map((rating) => rating.id)).toEqual(['met', 'partly_met', 'not_met']);
    expect(mark?.certificationRule).toEqual({ blocking: ['not_met'], maxCount: { partly_met: 1 } });
    expect(mark?.elementCodes()).toEqual(['A.1', 'A.2', 'B.1', 'B.2', 'B.3']);
    expect(mark?.criteria[0]).toMatchObject({ code: 'A', level: 'dimension' });
    expect(mark?.criteria[0].children[0]).toMatchObject({ code: 'A.1', level: 'item', children: [] });
  });

  it('treats an item without confirmed as confirmed', async () => {
    const registry = StandardRegistry.fromStandards([await readServiceMarkFixture()]);
    const mark = registry.latest('library-service-mark');

    expect(mark?.element('A.1')).toEqual({ code: 'A.1', title: 'Staff greet visitors and offer help', confirmed: true, ancestors: ['A'] });
    expect(mark?.element('A.2')?.confirmed).toBe(false);
  });

  it('loads the fixture directory', async () => {
    const registry = await StandardRegistry.load({ extraDir: FIXTURE_DIR });

    expect(registry.latest('library-service-mark')?.summary()).toEqual({
      id: 'library-service-mark',
      version: '1.0',
      title: 'Library Service Mark',
      published: '2025-09-01',
      elements: 5,
    });
  });

  it('ignores files that are not JSON', async () => {
    const dir = await makeStandardsDir();
    await writeStandard(dir, 'README.md', '# not a standard');

    const registry = await StandardRegistry.load({ extraDir: dir });

    expect(registry.list()).toHaveLength(1);
  });

  it('accepts a byte order mark', async () => {
    const dir = await makeStandardsDir();
    await writeStandard(dir, 'saved-by-notepad.json', `\uFEFF${JSON.stringify(await readServiceMarkFixture())}`);

    const registry = await StandardRegistry.load({ extraDir: dir });

    expect(registry.latest('library-service-mark')?.version).toBe('1.0');
  });

  it('accepts a null extraDir', async () => {
    const registry = await StandardRegistry.load({ extraDir: null });

    expect(registry.list().map((standard) => standard.id)).toEqual(['cse']);
  });

  it('returns undefined for unknown ids', async () => {
    const registry = await StandardRegistry.load();

    expect(registry.latest('iso-9001')).toBeUndefined();
    expect(registry.get('cse', '1999.1')).toBeUndefined();
  });
});

describe('StandardRegistry versions', () => {
  it('makes a later official CSE version the latest', async () => {
    const official = await readBuiltInCse();
    official.version = '2027.1-official';
    official.published = '2027-01-01';
    official.notice = null;
    for (const criterion of official.criteria) {
      for (const sub of criterion.children) {
        for (const element of sub.children) {
          element.title = `We meet requirement ${element.code} (official text)`;
          delete element.confirmed;
        }
      }
    }
    const dir = await makeStandardsDir();
    await writeStandard(dir, 'cse-official.json', official);

    const registry = await StandardRegistry.load({ extraDir: dir });
    const latest = registry.latest('cse');
    const paraphrase = registry.get('cse', '2026.1-paraphrase');

    expect(latest?.version).toBe('2027.1-official');
    expect(latest?.notice).toBeNull();
    expect(latest?.element('1.1.3')).toMatchObject({ title: 'We meet requirement 1.1.3 (official text)', confirmed: true });
    expect(paraphrase?.element('1.1.3')?.confirmed).toBe(false);
    expect(paraphrase?.notice).toMatch(/paraphrase/);
    expect(registry.list().map((standard) => standard.version)).toEqual(['2026.1-paraphrase', '2027.1-official']);
  });

  it('keeps the newest date latest whatever the file order', async () => {
    const older = await readBuiltInCse();
    older.version = '2020.1';
    older.published = '2020-06-30';
    const dir = await makeStandardsDir();
    await writeStandard(dir, 'z-cse-2020.json', older);

    const registry = await StandardRegistry.load({ extraDir: dir });

    expect(registry.latest('cse')?.version).toBe('2026.1-paraphrase');
    expect(registry.list().map((standard) => standard.published)).toEqual(['2020-06-30', '2026-01-01']);
  });

  it('rejects a repeated id and version', async () => {
    const dir = await makeStandardsDir();
    const file = await writeStandard(dir, 'cse-copy.json', await readBuiltInCse());

    const error = await StandardRegistry.load({ extraDir: dir }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StandardFileError);
    expect((error as StandardFileError).file).toBe(file);
    expect((error as Error).message).toContain(`Standard file ${file}: version: `);
    expect((error as Error).message).toContain('standard "cse" version "2026.1-paraphrase" is already loaded from ');
    expect((error as Error).message).toMatch(/src\/standards\/data\/cse\.json/);
  });

  it('rejects two versions on one date', async () => {
    const sameDay = await readBuiltInCse();
    sameDay.version = '2026.2';
    const dir = await makeStandardsDir();
    await writeStandard(dir, 'cse-same-day.json', sameDay);

    const error = await StandardRegistry.load({ extraDir: dir }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StandardFileError);
    expect((error as Error).message).toContain('cse-same-day.json: published: ');
    expect((error as Error).message).toContain('same published date 2026-01-01 as version "2026.1-paraphrase"');
  });

  it('names in-memory sources in errors', async () => {
    const mark = await readServiceMarkFixture();

    expect(() => StandardRegistry.fromStandards([mark, mark], ['first.json', 'second.json'])).toThrow(
      'Standard file second.json: version: standard "library-service-mark" version "1.0" is already loaded from first.json',
    );
    expect(() => StandardRegistry.fromStandards([{}])).toThrow('Standard file standards[0]: top level: missing field "id"');
  });
});

describe('StandardRegistry directory errors', () => {
  it('names a missing directory', async () => {
    const dir = `${await makeStandardsDir()}/absent`;

    await expect(StandardRegistry.load({ extraDir: dir })).rejects.toThrow(`Standards directory ${dir} could not be read: ENOENT`);
  });

  it('names a file given as directory', async () => {
    const file = await writeStandard(await makeStandardsDir(), 'one.json', {});

    await expect(StandardRegistry.load({ extraDir: file })).rejects.toThrow(`Standards directory ${file} could not be read: ENOTDIR`);
  });
});
