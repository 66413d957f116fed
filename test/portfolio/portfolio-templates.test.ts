import { describe, expect, it } from 'vitest';

import { assemblePortfolioView } from '../../src/portfolio/build-portfolio-view.ts';
import { contentsAnchors, renderPageFooterHtml, renderPageHeaderHtml, renderPortfolioHtml } from '../../src/portfolio/portfolio-templates.ts';
import { StandardRegistry } from '../../src/standards/standard-registry.ts';
import { FIXTURE_STANDARDS_DIR } from '../support/test-app.ts';
import { HOSTILE_PARTS, makeCsePortfolioView } from './portfolio-fixture.ts';

// The HTML alone, without Chromium: escaping, headings of another standard's shape, and the contents numbers.
describe('portfolio templates', () => {
  it('escapes user text everywhere', async () => {
    const view = await makeCsePortfolioView({ submitted: false });
    const hostileView = { ...view, library: { name: '<b>Harbour & Quay</b> Library' } };
    const html = renderPortfolioHtml(hostileView);

    for (const part of HOSTILE_PARTS) expect(html).not.toContain(part);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;iframe src&#x3D;&quot;https://example.org&quot;&gt;');
    expect(html).not.toContain('<b>Harbour');
    expect(renderPageHeaderHtml(hostileView)).toContain('&lt;b&gt;Harbour &amp; Quay&lt;/b&gt; Library');
    expect(renderPageFooterHtml(hostileView)).toContain('&lt;b&gt;Harbour &amp; Quay&lt;/b&gt; Library');
    expect(html.match(/<script/gi)).toBeNull();
  });

  it('fills contents page numbers', async () => {
    const view = await makeCsePortfolioView({ submitted: false });
    const anchors = contentsAnchors(view);
    const pages = new Map(anchors.map((anchor, index) => [anchor, 100 + index]));

    const blank = renderPortfolioHtml(view);
    const filled = renderPortfolioHtml(view, pages);

    expect(anchors).toHaveLength(1 + 5 + 15 + 57 + 2);
    expect(blank).toContain('<a href="#element-1.1.1"><span class="entry"><span class="code">1.1.1</span> Evidence-based profile of current and potential customer groups</span><span class="page-number"></span></a>');
    expect(filled).toContain(`<a href="#element-1.1.1"><span class="entry"><span class="code">1.1.1</span> Evidence-based profile of current and potential customer groups</span><span class="page-number">${pages.get('element-1.1.1')}</span></a>`);
    expect(filled).toContain(`<span class="page-number">${pages.get('appendix-evidence')}</span>`);
  });

  it('renders a two-level standard', async () => {
    const standard = (await StandardRegistry.load({ extraDir: FIXTURE_STANDARDS_DIR })).latest('library-service-mark')!;
    const view = assemblePortfolioView({
      standard,
      record: {
        evidence: [
          { id: '5b1c7e2a-1f3d-4c6b-9a8e-0d2f4b6a8c1e', revision: 1, kind: 'note', title: 'Welcome desk rota', body: 'Staffed from 9:00 to 17:00.', url: null, fileName: null, sha256: null, size: null, mediaType: null, reference: null, elements: [{ code: 'A.1', note: 'Shows the desk is staffed.' }] },
        ],
        selfAssessments: [{ code: 'A.1', rating: 'met', statement: 'Every visitor is greeted.' }],
      },
      library: { name: 'Harbour Town Library' },
      application: { id: '7d0f3b9e-2c4a-4e1b-8f6d-3a5c7e9b1d2f', cycle: 'annual_review', state: 'gatheringEvidence' },
      submittedAt: null,
      now: new Date('2026-03-02T11:00:00Z'),
      verdicts: new Map(),
      comments: new Map(),
    });
    const html = renderPortfolioHtml(view);

    expect(view.criteria[0]).toMatchObject({ code: 'A', level: 'dimension', groups: [] });
    expect(html).toContain('<h1 id="group-A"><span class="eyebrow">Dimension A:</span> Welcome</h1>');
    expect(html).toContain('<h2 id="element-A.1"><span class="code">A.1</span> Staff greet visitors and offer help</h2>');
    expect(html).toContain('Annual review');
    expect(html).toContain('2 March 2026');
    expect(view.summary[0].ratings).toEqual({ met: 1, partly_met: 0, not_met: 0 });
  });
});
