import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readDashboard } from '../../src/pages/dashboard-data.ts';
import { readHeatmap, readMentorWorkload, readUpcoming } from '../../src/pages/dashboard-panels.ts';
import { readLifecycle } from '../../src/pages/lifecycle-diagram.ts';
import { stateInWords } from '../../src/pages/page-templates.ts';
import { setPassword } from '../../src/pages/passwords.ts';
import { PageClient } from '../support/browser-session.ts';
import { QualityFixtures } from '../support/quality-fixtures.ts';
import { createTestApp, type TestApp, type TestPerson } from '../support/test-app.ts';
import { RECOUNT_COVERAGE_SQL } from '../../src/evidence/coverage-count.ts';

const PASSWORD = 'correct horse battery staple';
const FORMULA_NAME = '=HYPERLINK("http://example.com")';

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

describe('quality dashboard', () => {
  let app: TestApp;
  let fixtures: QualityFixtures;
  let quality: TestPerson;
  let staff: TestPerson;
  let mentor: TestPerson;
  let codes: string[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await createTestApp();
    fixtures = await QualityFixtures.open(app);
    codes = app.standards.latest('cse')!.elementCodes();
    const alpha = await app.library('Alpha Library');
    const beta = await app.library('Beta Library');
    const formula = await app.library(FORMULA_NAME);
    quality = await app.person(['quality_group']);
    staff = await app.person(['library_staff'], alpha);
    mentor = await app.person(['mentor'], formula);
    await setPassword(app.db.em.fork(), quality.email, PASSWORD);
    await setPassword(app.db.em.fork(), staff.email, PASSWORD);

    // Alpha: three elements with live evidence (the second mapped twice), one only on a deleted item, and four ratings.
    ids.alpha = await fixtures.application({ libraryId: alpha, state: 'gatheringEvidence', daysInState: 10 });
    await fixtures.evidence(ids.alpha, staff.id, [codes[0], codes[1]]);
    await fixtures.evidence(ids.alpha, staff.id, [codes[1], codes[2]]);
    await fixtures.evidence(ids.alpha, staff.id, [codes[3]], true);
    for (const code of codes.slice(0, 3)) await fixtures.rating(ids.alpha, staff.id, code, 'compliance');
    await fixtures.rating(ids.alpha, staff.id, codes[3], 'partial_compliance');

    // Beta: in review with the mentor, the round overdue by two days.
    ids.beta = await fixtures.application({ libraryId: beta, state: 'peerReview.inReview', daysInState: 3, mentorId: mentor.id });
    await fixtures.openRound(ids.beta, mentor.id, -2);

    // The formula-named library: accredited last year, and its annual review falls due in 30 days.
    ids.accredited = await fixtures.application({ libraryId: formula, state: 'accredited', daysInState: 300 });
    ids.annual = await fixtures.application({ libraryId: formula, state: 'draft', daysInState: 1, cycle: 'annual_review', previousApplicationId: ids.accredited, dueOn: isoDay(30) });
  });

  afterAll(async () => {
    await fixtures?.close();
    await app?.dispose();
  });

  const read = (query: Parameters<typeof readDashboard>[2]) => readDashboard(app.db.em.fork(), app.standards, query, new Date());

  it('rejects staff and anonymous visitors', async () => {
    const staffClient = new PageClient(app);
    await staffClient.signIn(staff.email, PASSWORD);
    expect((await staffClient.get('/dashboard')).status).toBe(403);
    expect((await staffClient.get('/dashboard.csv')).status).toBe(403);

    const anonymous = await new PageClient(app).get('/dashboard');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fdashboard');
  });

  it('shows the dashboard to the quality group', async () => {
    const client = new PageClient(app);
    const landed = await client.signIn(quality.email, PASSWORD);
    expect(landed.headers.get('location')).toBe('/dashboard');

    const page = await client.get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<a href="/dashboard/applications/${ids.alpha}">Alpha Library</a>`);
    expect(page.html).toContain('3 of 57 (5%)');
    expect(page.html).toContain('Compliance: 3');
    expect(page.html).toMatch(/<td>Customer Service Excellence <span class="muted">[^<]+<\/span><br>Initial assessment<\/td>/);
    expect(page.html).toContain('<option value="annual_review">Annual review</option>');
    expect(page.html).toContain('Overdue');
    expect(page.html).toMatch(/<th scope="col" aria-sort="ascending"><a href="[^"]*order&#x3D;desc[^"]*">Library<\/a><\/th>/);
    expect(page.html).toMatch(/<th scope="col"><a href="[^"]*sort&#x3D;coverage[^"]*">Coverage<\/a><\/th>/);
    expect(page.html).not.toContain('style=');
    expect(page.html).not.toContain('<script');
  });

  it('computes coverage, ratings and days in state', async () => {
    const { rows, total } = await read({ limit: 25, offset: 0 });
    expect(total).toBe(4);

    const alpha = rows.find((row) => row.id === ids.alpha)!;
    expect(alpha.libraryName).toBe('Alpha Library');
    expect(alpha.elements).toBe(57);
    expect(alpha.withEvidence).toBe(3);
    expect(alpha.rated).toBe(4);
    expect(alpha.ratings).toEqual({ compliance: 3, partial_compliance: 1 });
    expect(alpha.daysInState).toBe(10);
    expect(alpha.dueAt).toBeNull();
    expect(alpha.overdue).toBe(false);

    const beta = rows.find((row) => row.id === ids.beta)!;
    expect(beta.mentorName).toBe('Person ' + mentor.email.match(/person(\d+)/)![1]);
    expect(beta.overdue).toBe(true);
    expect(beta.daysInState).toBe(3);
    expect(beta.withEvidence).toBe(0);
    expect(beta.ratings).toEqual({});
  });

  it('filters and sorts the rows', async () => {
    const inReview = await read({ state: 'peerReview.inReview', limit: 25, offset: 0 });
    expect(inReview.rows.map((row) => row.id)).toEqual([ids.beta]);
    expect(inReview.total).toBe(1);

    const annual = await read({ cycle: 'annual_review', limit: 25, offset: 0 });
    expect(annual.rows.map((row) => row.id)).toEqual([ids.annual]);

    const byDays = await read({ sort: 'daysInState', order: 'desc', limit: 25, offset: 0 });
    expect(byDays.rows.map((row) => row.id)).toEqual([ids.accredited, ids.alpha, ids.beta, ids.annual]);

    const byCoverage = await read({ sort: 'coverage', order: 'desc', limit: 1, offset: 0 });
    expect(byCoverage.rows.map((row) => row.id)).toEqual([ids.alpha]);
    expect(byCoverage.total).toBe(4);

    const pastTheEnd = await read({ limit: 25, offset: 100 });
    expect(pastTheEnd.rows).toEqual([]);
    expect(pastTheEnd.total).toBe(4);
  });

  it('filters and sorts through the page', async () => {
    const client = new PageClient(app);
    await client.signIn(quality.email, PASSWORD);

    const filtered = await client.get('/dashboard?state=peerReview.inReview');
    expect(filtered.html).toContain('1 application matches');
    expect(filtered.html).toContain('Beta Library');
    expect(filtered.html).not.toContain('>Alpha Library</a></td>');

    const sorted = await client.get('/dashboard?sort=library&order=desc');
    const table = /<table class="dashboard-table">[\s\S]*?<\/table>/.exec(sorted.html)![0];
    const order = [...table.matchAll(/<tr>\s*<td><a href="\/dashboard\/applications\/[^"]+">([^<]+)<\/a><\/td>/g)].map((match) => match[1]);
    // PostgreSQL's collation decides where the name starting with "=" falls, so only the two plain names are compared.
    expect(order).toHaveLength(4);
    expect(order.filter((name) => name.endsWith('Library'))).toEqual(['Beta Library', 'Alpha Library']);

    const invalid = await client.get('/dashboard?sort=colour');
    expect(invalid.status).toBe(422);
    expect(invalid.html).toContain('The sort &quot;colour&quot; is not recognised. Use one of');
  });

  it('exports guarded CSV', async () => {
    const client = new PageClient(app);
    await client.signIn(quality.email, PASSWORD);
    const csv = await client.get('/dashboard.csv?sort=library');

    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = csv.html.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^Library,Standard,Version,Cycle,State,Days in state,Elements,With evidence,Rated,Rated Compliance Plus,/);
    expect(lines).toHaveLength(5);
    expect(lines.find((line) => line.startsWith('Alpha Library,'))).toMatch(/^Alpha Library,cse,[^,]+,initial,Gathering evidence,10,57,3,4,0,3,1,0,/);
    expect(lines.find((line) => line.startsWith('Beta Library,'))).toMatch(/,Person \d+,\d{4}-\d{2}-\d{2}T[^,]+,yes$/);
    expect(lines.filter((line) => line.startsWith(`"'=HYPERLINK(""http://example.com"")"`))).toHaveLength(2);
  });

  it('draws every machine state with its count', async () => {
    const client = new PageClient(app);
    await client.signIn(quality.email, PASSWORD);
    const page = await client.get('/dashboard');
    const svg = /<svg[^>]*class="lifecycle"[\s\S]*?<\/svg>/.exec(page.html)![0];

    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="lifecycle-title">');
    const leaves = readLifecycle({}).states.filter((state) => !state.compound);
    expect(leaves.map((state) => state.path)).toEqual(['draft', 'gatheringEvidence', 'peerReview.awaitingMentor', 'peerReview.inReview', 'readyToSubmit', 'submitted', 'accredited', 'notAccredited', 'withdrawn']);
    const expected: Record<string, number> = { draft: 1, gatheringEvidence: 1, 'peerReview.inReview': 1, accredited: 1 };
    for (const state of leaves) expect(svg).toContain(`>${stateInWords(state.path)}: ${expected[state.path] ?? 0}</text>`);
    expect(svg).toContain('>review.request</text>');
    expect(svg).toContain('>outcome.record</text>');
  });

  it('reads the heatmap, workload and upcoming list', async () => {
    const em = app.db.em.fork();
    const heatmap = (await readHeatmap(em, app.standards, { standardId: 'cse', mode: 'coverage', limit: 10, offset: 0 }))!;
    // The formula library's newest application is the annual review, so its row shows no coverage.
    expect(heatmap.totalLibraries).toBe(3);
    const alpha = heatmap.rows.find((row) => row.libraryName === 'Alpha Library')!;
    const firstCriterion = app.standards.latest('cse')!.criteria[0];
    expect(alpha.cells[0]).toMatchObject({ criterion: firstCriterion.code, count: 3 });
    expect(alpha.cells.slice(1).every((cell) => cell.count === 0)).toBe(true);

    const ratings = (await readHeatmap(em, app.standards, { standardId: 'cse', mode: 'ratings', limit: 10, offset: 0 }))!;
    expect(ratings.rows.find((row) => row.libraryName === 'Alpha Library')!.cells[0].count).toBe(3);

    const workload = await readMentorWorkload(em, 3);
    expect(workload).toEqual([{ name: expect.any(String), libraryName: FORMULA_NAME, load: 1, capacity: 3 }]);

    const upcoming = await readUpcoming(em, new Date());
    expect(upcoming.map((item) => [item.kind, item.libraryName, item.overdue])).toEqual([
      ['review', 'Beta Library', true],
      ['accreditation', FORMULA_NAME, false],
    ]);
    expect(upcoming[1].dueOn).toBe(isoDay(30));
  });
});

describe('quality dashboard with 1,000 applications', () => {
  let app: TestApp;
  let fixtures: QualityFixtures;
  let codes: string[];

  beforeAll(async () => {
    app = await createTestApp();
    fixtures = await QualityFixtures.open(app);
    codes = app.standards.latest('cse')!.elementCodes();
    const author = await app.person(['quality_group']);
    const sql = fixtures.client;
    const version = app.standards.latest('cse')!.version;

    // 200 libraries with five applications each. Every application rates all 57 elements (57,000 ratings),
    // and its six evidence items each map the first 50 elements (300,000 mappings, 50 distinct elements).
    await sql.query(`insert into library (id, name, created_at) select gen_random_uuid(), 'Bulk library ' || lpad(i::text, 3, '0'), now() from generate_series(1, 200) as i`);
    await sql.query(
      `insert into application (id, library_id, standard_id, standard_version, cycle, state, snapshot, machine_version, created_at, updated_at, state_changed_at)
       select gen_random_uuid(), l.id, 'cse', $1, 'initial', (array['draft', 'gatheringEvidence', 'peerReview.awaitingMentor', 'readyToSubmit', 'submitted'])[1 + i % 5], '{}', 1,
              now() - make_interval(days => i % 30), now(), now() - make_interval(days => i % 30)
         from generate_series(0, 999) as i
         join (select id, row_number() over (order by name) - 1 as n from library) as l on l.n = i % 200`,
      [version],
    );
    await sql.query(
      `insert into self_assessment (id, application_id, element_code, rating, author_id, updated_at)
       select gen_random_uuid(), a.id, c.code, case when c.n % 4 = 0 then 'partial_compliance' else 'compliance' end, $2, now()
         from application a cross join unnest($1::text[]) with ordinality as c(code, n)`,
      [codes, author.id],
    );
    await sql.query(
      `insert into evidence (id, application_id, kind, title, author_id, created_at, updated_at)
       select gen_random_uuid(), a.id, 'note', 'Bulk item ' || k, $1, now(), now() from application a cross join generate_series(1, 6) as k`,
      [author.id],
    );
    await sql.query(
      `insert into evidence_element (id, evidence_id, element_code)
       select gen_random_uuid(), e.id, c.code from evidence e cross join unnest($1::text[]) as c(code)`,
      [codes.slice(0, 50)],
    );
    await sql.query(RECOUNT_COVERAGE_SQL, [(await sql.query('select id from application')).rows.map((row: { id: string }) => row.id)]);
    await sql.query('analyze');
  }, 120_000);

  afterAll(async () => {
    await fixtures?.close();
    await app?.dispose();
  });

  it('inserted the volumes the benchmark uses', async () => {
    const counts = await fixtures.client.query(`select (select count(*) from application) as applications, (select count(*) from self_assessment) as ratings, (select count(*) from evidence_element) as mappings`);
    expect(counts.rows[0]).toEqual({ applications: '1000', ratings: '57000', mappings: '300000' });
  });

  it('reads page 1 with the totals', async () => {
    const { rows, total } = await readDashboard(app.db.em.fork(), app.standards, { limit: 25, offset: 0 }, new Date());

    expect(total).toBe(1000);
    expect(rows).toHaveLength(25);
    expect(rows[0].libraryName).toBe('Bulk library 001');
    for (const row of rows) {
      expect(row.withEvidence).toBe(50);
      expect(row.rated).toBe(57);
      expect(row.ratings).toEqual({ compliance: 43, partial_compliance: 14 });
    }
  });

  it('sorts all 1,000 by coverage', async () => {
    const { rows, total } = await readDashboard(app.db.em.fork(), app.standards, { sort: 'coverage', order: 'desc', state: 'submitted', limit: 10, offset: 0 }, new Date());

    expect(total).toBe(200);
    expect(rows.every((row) => row.state === 'submitted' && row.withEvidence === 50)).toBe(true);
  });

  it('reads the heatmap', async () => {
    const heatmap = (await readHeatmap(app.db.em.fork(), app.standards, { standardId: 'cse', mode: 'coverage', limit: 40, offset: 0 }))!;
    const standard = app.standards.latest('cse')!;
    const covered = new Set(codes.slice(0, 50));
    const expected = standard.criteria.map((criterion) => {
      const inCriterion = standard.elements.filter((element) => element.ancestors[0] === criterion.code);
      return { criterion: criterion.code, elements: inCriterion.length, count: inCriterion.filter((element) => covered.has(element.code)).length };
    });

    expect(heatmap.totalLibraries).toBe(200);
    expect(heatmap.rows).toHaveLength(40);
    expect(heatmap.rows[0].cells.map(({ criterion, elements, count }) => ({ criterion, elements, count }))).toEqual(expected);
  });

  it('renders the dashboard page', async () => {
    const quality = await app.person(['quality_group']);
    await setPassword(app.db.em.fork(), quality.email, PASSWORD);
    const client = new PageClient(app);
    await client.signIn(quality.email, PASSWORD);
    const page = await client.get('/dashboard');

    expect(page.status).toBe(200);
    expect(page.html).toContain('1000 applications match. Page 1 of 40.');
    expect(page.html).toContain('Libraries page 1 of 5 (200 libraries)');
  });

  it('gives the heatmap table the chart figures', async () => {
    const quality = await app.person(['quality_group']);
    await setPassword(app.db.em.fork(), quality.email, PASSWORD);
    const client = new PageClient(app);
    await client.signIn(quality.email, PASSWORD);
    const page = await client.get('/dashboard');

    const cells = [...page.html.matchAll(/<td>(\d+)% \((\d+) of (\d+)\)<\/td>/g)].map((match) => match.slice(1).map(Number));
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.some(([percent]) => percent > 0)).toBe(true);
    for (const [percent, count, elements] of cells) expect(percent).toBe(Math.round((count / elements) * 100));
  });
});
