import fs from 'node:fs';
import path from 'node:path';

import type { DemoClient } from './demo-client.ts';

type Render = { id: string; kind: string; status: string; progress: number; reason: string | null; pages: number | null };

// Long enough for a first Chromium start and a queue behind other libraries' renders. A render over
// RENDER_TIMEOUT_SECONDS fails on its own, and the demo then stops with its reason.
const WAIT_MS = 8 * 60_000;

/** Polls an application's submitted render until it is ready, reporting its progress; a failed render stops the demo with its reason. */
export async function waitForSubmittedRender(client: DemoClient, applicationId: string, say: (line: string) => void): Promise<Render> {
  const deadline = Date.now() + WAIT_MS;
  let reported = -1;
  while (Date.now() < deadline) {
    const renders = await client.json<{ items: Render[] }>('GET', `/api/applications/${applicationId}/portfolio`);
    const render = renders.items.find((item) => item.kind === 'submitted');
    if (render?.status === 'ready') return render;
    if (render?.status === 'failed') throw new Error(`The submitted portfolio of application ${applicationId} failed to render: ${render.reason ?? 'no reason given'}.`);
    if (render !== undefined && render.progress !== reported && render.progress > 0) {
      reported = render.progress;
      say(`  rendering the portfolio: ${render.progress}%`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`The submitted portfolio of application ${applicationId} was not ready after ${WAIT_MS / 60_000} minutes. Check the service log for the render job.`);
}

/**
 * Downloads a ready render into `outDir` under a temporary name and renames it
 * into place, so that the printed path only ever names a complete PDF.
 */
export async function saveRender(client: DemoClient, applicationId: string, renderId: string, outDir: string, fileName: string): Promise<string> {
  const bytes = await client.bytes(`/api/applications/${applicationId}/portfolio/${renderId}/pdf`);
  fs.mkdirSync(outDir, { recursive: true });
  const target = path.resolve(outDir, fileName);
  const partial = `${target}.${process.pid}.partial`;
  fs.writeFileSync(partial, bytes);
  fs.renameSync(partial, target);
  return target;
}
