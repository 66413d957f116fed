import { availableParallelism } from 'node:os';

import type { BenchContext } from './bench-context.ts';
import { HELLO_PATH } from './bench-server.ts';
import { meterCpu, type CpuUse } from './cpu-meter.ts';
import type { Figure } from './figure.ts';
import { driveHttpLoad, type LoadResult } from './http-load.ts';
import { countRequestQueries } from './orm-queries.ts';
import type { BenchPerson } from './seed-applications.ts';
import type { ServiceChild } from './service-child.ts';
import { formatMs, formatNumber } from './stats.ts';

const CONNECTIONS = 16;
const ROUNDS = 2;
const MAX_SECONDS = 6;
const WARMUP = { amount: 3000, maxSeconds: 3 };
const READ_AMOUNT = 60_000;
const HELLO_AMOUNT = 300_000;
const TARGET = 0.4;

type Measured = { load: LoadResult; cpu: CpuUse };

/**
 * Measures GET /api/applications/:id (an application with 57 self-ratings and
 * 300 evidence mappings, read by the quality group) against the hello-world
 * route of the same service process. Each is measured in two alternating
 * rounds and the faster round counts, which damps the noise of other work on
 * a shared machine.
 */
export async function measureReads(context: BenchContext, service: ServiceChild, reader: BenchPerson, applicationId: string): Promise<Figure[]> {
  const readPath = `/api/applications/${applicationId}`;
  const headers = { authorization: `Bearer ${reader.token}` };
  const load = (path: string, amount: number, maxSeconds: number) => driveHttpLoad({ url: service.url, connections: CONNECTIONS, amount, maxSeconds, requests: [{ method: 'GET', path, headers }] });

  context.progress('Reads: warming up both routes');
  await load(HELLO_PATH, WARMUP.amount, WARMUP.maxSeconds);
  await load(readPath, WARMUP.amount, WARMUP.maxSeconds);

  let hello: Measured | null = null;
  let read: Measured | null = null;
  for (let round = 1; round <= ROUNDS; round += 1) {
    const helloRound = await meterCpu(context, service.pid, () => load(HELLO_PATH, HELLO_AMOUNT, MAX_SECONDS));
    const readRound = await meterCpu(context, service.pid, () => load(readPath, READ_AMOUNT, MAX_SECONDS));
    context.progress(`Reads: round ${round}, hello ${formatNumber(helloRound.result.perSecond)} requests/s, application ${formatNumber(readRound.result.perSecond)} requests/s`);
    if (hello === null || helloRound.result.perSecond > hello.load.perSecond) hello = { load: helloRound.result, cpu: helloRound.cpu };
    if (read === null || readRound.result.perSecond > read.load.perSecond) read = { load: readRound.result, cpu: readRound.cpu };
  }

  const queries = await countRequestQueries(context, readPath, { headers }, 200);
  const ratio = read!.load.perSecond / hello!.load.perSecond;
  const failures = [hello!.load.failures, read!.load.failures].filter((failure) => failure !== null);
  return [
    {
      heading: 'Reads',
      name: `GET /api/applications/:id, requests per second, ${CONNECTIONS} connections`,
      value: `${formatNumber(read!.load.perSecond)} requests/s (p50 ${formatMs(read!.load.p50Ms)})`,
      floor: `${formatNumber(hello!.load.perSecond)} requests/s (p50 ${formatMs(hello!.load.p50Ms)}), Hono hello-world route in the same process`,
      ratio,
      target: `≥ ${TARGET.toFixed(2)}`,
      met: ratio >= TARGET && failures.length === 0,
      note: `${failures.length > 0 ? `Failed requests: ${failures.join('; ')}. ` : ''}${describeSplit(hello!, read!, queries)}`,
    },
  ];
}

function describeSplit(hello: Measured, read: Measured, queries: number): string {
  const per = (ms: number, load: LoadResult) => ms / Math.max(1, load.completed);
  const service = per(read.cpu.serviceMs, read.load);
  const database = per(read.cpu.backendsMs, read.load);
  const cores = availableParallelism();
  return (
    `CPU per request: service ${formatMs(per(read.cpu.serviceMs, read.load))} against ${formatMs(per(hello.cpu.serviceMs, hello.load))} for hello-world, ` +
    `PostgreSQL backends ${formatMs(per(read.cpu.backendsMs, read.load))} for ${queries} SQL statements per read, ` +
    `autocannon ${formatMs(per(read.cpu.runnerMs, read.load))} against ${formatMs(per(hello.cpu.runnerMs, hello.load))}. ` +
    `The service is one Node.js thread, so ${formatMs(service)} per read caps it at about ${formatNumber(1000 / service)} requests/s, ${formatNumber(1000 / service / hello.load.perSecond, 2)} of the floor; ` +
    `PostgreSQL's ${formatMs(database)} per read on ${cores} cores alone would cap it at about ${formatNumber((cores * 1000) / database)} requests/s, ${formatNumber((cores * 1000) / database / hello.load.perSecond, 2)} of the floor.`
  );
}
