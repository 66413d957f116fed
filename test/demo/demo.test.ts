import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, saveScreenshot, seriousViolations, signedInPage } from '../support/browser.ts';
import { freePort } from '../support/service-process.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

type Demo = { output: () => string; exited: Promise<number | null>; stop: () => void; url: string };

/**
 * Starts the demo as the README's first command does, from a folder of its own
 * so that ./data and ./out are the test's, and resolves once it reports that it serves.
 */
async function runDemo(workDir: string, args: string[] = []): Promise<Demo> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  delete env.LOG_LEVEL;
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/demo.ts'), ...args], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 280_000;
  while (!output.includes('Press Ctrl+C to stop.') && child.exitCode === null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { output: () => output, exited, stop: () => child.kill('SIGTERM'), url: `http://127.0.0.1:${port}` };
}

/** Reads the sign-in the demo printed for a role. */
function signIn(output: string, role: string): { email: string; password: string } {
  const match = new RegExp(`^  ${role}\\s+(\\S+@\\S+)\\s+password: (\\S+)$`, 'm').exec(output);
  if (match === null) throw new Error(`The demo printed no sign-in for ${role}:\n${output}`);
  return { email: match[1], password: match[2] };
}

function token(output: string, role: string): string {
  const match = new RegExp(`^  ${role}\\s+(wm_\\S+)$`, 'm').exec(output);
  if (match === null) throw new Error(`The demo printed no token for ${role}:\n${output}`);
  return match[1];
}

describe('npm run demo', () => {
  const workDir = mkdtempSync(path.join(tmpdir(), 'waymark-demo-'));
  let demo: Demo;
  const api = async (role: string, route: string) => {
    const response = await fetch(`${demo.url}${route}`, { headers: { authorization: `Bearer ${token(demo.output(), role)}` } });
    expect(response.status, route).toBe(200);
    return (await response.json()) as any;
  };

  beforeAll(async () => {
    demo = await runDemo(workDir);
  }, 300_000);

  afterAll(async () => {
    demo?.stop();
    await demo?.exited;
    rmSync(workDir, { recursive: true, force: true });
  });

  it('loads the consortium and reports each step', () => {
    const output = demo.output();

    expect(output).toContain('Adding 12 member libraries and 24 people');
    expect(output).toContain('[11/11] kingsmere');
    expect(output).toContain('imported 269 evidence items from the matrix');
    expect(output).toContain('self-ratings and statements: 57 of 57');
    expect(output).toMatch(/round 1: .+ asked for changes to 1\.2\.3 and 5\.3\.3/);
    expect(output).toContain("recorded the assessor's outcome: accredited");
    expect(output).toContain(`Waymark is running at ${demo.url}`);
  });

  it('saves the submitted portfolio under ./out/ as a complete PDF', async () => {
    const printed = /^Submitted portfolio: (.+)$/m.exec(demo.output())?.[1];
    expect(printed).toBe(path.join(workDir, 'out', 'northgate-university-library-cse-portfolio.pdf'));
    expect(readdirSync(path.join(workDir, 'out'))).toEqual(['northgate-university-library-cse-portfolio.pdf']);

    const pdf = await PDFDocument.load(readFileSync(printed!));
    expect(pdf.getPageCount()).toBeGreaterThan(60);
  });

  it('holds applications in every state and every kind of cycle', async () => {
    const listed = await api('quality group', '/api/applications?limit=100');

    expect(listed.total).toBe(17);
    expect(new Set(listed.items.map((item: { state: string }) => item.state))).toEqual(
      new Set(['draft', 'gatheringEvidence', 'peerReview.awaitingMentor', 'peerReview.inReview', 'readyToSubmit', 'submitted', 'accredited', 'notAccredited', 'withdrawn']),
    );
    expect(new Set(listed.items.map((item: { cycle: string }) => item.cycle))).toEqual(new Set(['initial', 'annual_review', 'reassessment']));
  });

  it('built the centrepiece through two review rounds to its outcome', async () => {
    const id = /\/api\/applications\/([0-9a-f-]{36})/.exec(demo.output())![1];

    const application = await api('library staff', `/api/applications/${id}`);
    expect(application).toMatchObject({ state: 'accredited', cycle: 'initial', libraryName: 'Northgate University Library' });
    const evidence = await api('library staff', `/api/applications/${id}/evidence?limit=1`);
    expect(evidence.total).toBe(269 + 8 + 2);
    const rounds = await api('quality group', `/api/applications/${id}/review/rounds`);
    expect(rounds.items.map((round: { decision: string }) => round.decision)).toEqual(['changes_requested', 'approved']);
    const history = await api('quality group', `/api/applications/${id}/history?limit=100`);
    expect(history.items.map((event: { type: string }) => event.type)).toEqual(
      expect.arrayContaining(['start', 'review.request', 'mentor.assign', 'review.requestChanges', 'review.approve', 'submit', 'outcome.record']),
    );
  });

  it('lets each role sign in to its own pages', { timeout: 120_000 }, async () => {
    const browser = await launchBrowser();
    try {
      const pages: [string, string, string][] = [
        ['library staff', '/applications', 'Northgate University Library'],
        ['mentor', '/assignments', 'Kingsmere University Library'],
        ['quality group', '/dashboard', 'Westmarch Medical School Library'],
        ['admin', '/admin/people', 'Helen Marsh'],
      ];
      for (const [role, route, expected] of pages) {
        const { email, password } = signIn(demo.output(), role);
        const page = await signedInPage(browser, demo.url, email, password);
        await page.goto(`${demo.url}${route}`);

        expect(page.url(), role).toBe(`${demo.url}${route}`);
        expect(await page.$eval('main', (main) => main.textContent ?? ''), role).toContain(expected);
        expect(await seriousViolations(page), role).toEqual([]);
        await saveScreenshot(page, `demo-${role.replace(' ', '-')}`);
        await page.browserContext().close();
      }
    } finally {
      await browser.close();
    }
  });

  it('reuses the loaded consortium on a second run, with new passwords', { timeout: 120_000 }, async () => {
    const first = signIn(demo.output(), 'admin').password;
    demo.stop();
    expect(await demo.exited).toBe(0);
    rmSync(path.join(workDir, 'out'), { recursive: true });

    demo = await runDemo(workDir);

    expect(demo.output()).toContain('Using the consortium already loaded');
    expect(signIn(demo.output(), 'admin').password).not.toBe(first);
    expect(existsSync(path.join(workDir, 'out', 'northgate-university-library-cse-portfolio.pdf'))).toBe(true);
    expect((await api('quality group', '/api/applications?limit=1')).total).toBe(17);
  });
});
