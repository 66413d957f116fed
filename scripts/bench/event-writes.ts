import pg from 'pg';
import { createActor } from 'xstate';

import { applicationMachine } from '../../machines/application.machine.ts';
import { restoreSnapshot } from '../../src/applications/machine-actor.ts';
import { sendEvent } from '../../src/applications/send-event.ts';
import { canonicalJson, statePath } from '../../src/applications/snapshot-json.ts';
import { PersonSchema } from '../../src/people/person.entity.ts';
import type { BenchContext } from './bench-context.ts';
import { meterCpu, type CpuUse } from './cpu-meter.ts';
import type { Figure } from './figure.ts';
import { driveHttpLoad, type LoadResult } from './http-load.ts';
import { watchPeakResident, residentBytes } from './process-stats.ts';
import { machineSnapshots, seedDraftApplications, type BenchPerson } from './seed-applications.ts';
import type { ServiceChild } from './service-child.ts';
import { MEMORY_PATH } from './bench-server.ts';
import { countRequestQueries } from './orm-queries.ts';
import { formatMegabytes, formatMs, formatNumber, quantile } from './stats.ts';

const CLIENTS = 16;
const WARMUP_EVENTS = 400;
const HTTP_EVENTS = 4000;
const IN_PROCESS_EVENTS = 2000;
const FLOOR_EVENTS = 4000;
const MACHINE_RUNS = 2000;
const MAX_SECONDS = 60;
// begin, update application, insert application_event, commit.
const FLOOR_STATEMENTS = 4;
const THROUGHPUT_TARGET = 0.6;
// At a fixed number of clients, throughput is clients ÷ latency, so the throughput target bounds latency at 1 ÷ 0.6.
const LATENCY_TARGET = 1 / THROUGHPUT_TARGET;

/** The figures, and the service's memory for the memory figure: resident bytes idle and at peak, and Node's own account after the load. */
export type EventWriteResult = { figures: Figure[]; idleBytes: number; peakBytes: number; heapAfterLoad: string };

/**
 * Measures `start` events on distinct draft applications four ways. The first
 * goes through HTTP on the service from 16 autocannon connections, and the
 * second through sendEvent in this process (16 concurrent calls, no HTTP).
 * The third times XState alone. The floor sends the same snapshot update and
 * event insert with `pg` from 16 connections. The service's resident memory
 * is recorded before and during the HTTP load.
 */
export async function measureEventWrites(context: BenchContext, service: ServiceChild, staff: BenchPerson, libraryId: string): Promise<EventWriteResult> {
  context.progress(`Event writes: seeding ${formatNumber(WARMUP_EVENTS + HTTP_EVENTS + IN_PROCESS_EVENTS + FLOOR_EVENTS)} draft applications`);
  const seed = (count: number) => seedDraftApplications(context.pool, { libraryId, actorId: staff.id, standard: context.standard, count });
  const warmupIds = await seed(WARMUP_EVENTS + CLIENTS);
  const httpIds = await seed(HTTP_EVENTS + CLIENTS);
  const inProcessIds = await seed(IN_PROCESS_EVENTS);
  const [countedId] = await seed(1);
  const floorIds = await seed(FLOOR_EVENTS);
  const idleBytes = residentBytes(service.pid) ?? 0;

  context.progress(`Event writes: warming up the service with ${WARMUP_EVENTS} events`);
  const watch = watchPeakResident(service.pid);
  await postStartEvents(service, staff, warmupIds, WARMUP_EVENTS);

  context.progress(`Event writes: ${formatNumber(HTTP_EVENTS)} events through HTTP from ${CLIENTS} connections`);
  const http = await meterCpu(context, service.pid, () => postStartEvents(service, staff, httpIds, HTTP_EVENTS));
  const { peakBytes } = watch.stop();
  const readMemory = async (query: string) => (await (await fetch(`${service.url}${MEMORY_PATH}${query}`)).json()) as NodeJS.MemoryUsage;
  const heapAfterLoad = describeHeap(await readMemory(''), await readMemory('?gc=1'));
  context.progress(`Event writes: ${formatNumber(http.result.perSecond)} events/s through HTTP`);

  const statements = await countRequestQueries(context, `/api/applications/${countedId}/events`, { method: 'POST', headers: { authorization: `Bearer ${staff.token}`, 'content-type': 'application/json' }, body: '{"type":"start"}' }, 200);

  context.progress(`Event writes: ${formatNumber(IN_PROCESS_EVENTS)} events through sendEvent in this process`);
  const inProcess = await meterCpu(context, null, () => sendInProcess(context, staff.id, inProcessIds));

  const machineMs = timeMachineAlone(libraryId);

  context.progress(`Event writes: floor, ${formatNumber(FLOOR_EVENTS)} transactions through pg from ${CLIENTS} connections`);
  const floor = await meterCpu(context, null, () => runFloor(context.databaseUrl, floorIds, machineSnapshots(libraryId).started, staff.id));
  context.progress(`Event writes: floor ${formatNumber(floor.result.perSecond)} transactions/s`);

  const cause = describeCpuSplit({ statements, http: http.cpu, httpEvents: http.result.completed, inProcess: inProcess.cpu, inProcessEvents: inProcess.result.completed, inProcessRate: inProcess.result.perSecond, floor: floor.cpu, floorEvents: floor.result.completed, floorRate: floor.result.perSecond, machineMs });
  const failures = http.result.failures === null ? '' : `Failed requests: ${http.result.failures}. `;
  const ratio = http.result.perSecond / floor.result.perSecond;
  const p50 = http.result.p50Ms / floor.result.p50Ms;
  const p99 = http.result.p99Ms / floor.result.p99Ms;
  const latencyNote = (met: boolean) => (met ? '' : `Same cause as the throughput row. `) + `${cause.short}`;

  const figures: Figure[] = [
    {
      heading: 'Event writes',
      name: `events per second, ${CLIENTS} clients on distinct applications (HTTP, XState, MikroORM)`,
      value: `${formatNumber(http.result.perSecond)} events/s`,
      floor: `${formatNumber(floor.result.perSecond)} transactions/s`,
      ratio,
      target: `≥ ${THROUGHPUT_TARGET.toFixed(2)}`,
      met: ratio >= THROUGHPUT_TARGET && http.result.failures === null,
      note: `${failures}${cause.long}`,
    },
    {
      heading: 'Event writes',
      name: 'p50 latency',
      value: formatMs(http.result.p50Ms),
      floor: formatMs(floor.result.p50Ms),
      ratio: p50,
      target: `≤ ${LATENCY_TARGET.toFixed(2)} (the throughput target at ${CLIENTS} clients)`,
      met: p50 <= LATENCY_TARGET,
      note: latencyNote(p50 <= LATENCY_TARGET),
    },
    {
      heading: 'Event writes',
      name: 'p99 latency',
      value: formatMs(http.result.p99Ms),
      floor: formatMs(floor.result.p99Ms),
      ratio: p99,
      target: `≤ ${LATENCY_TARGET.toFixed(2)} (the throughput target at ${CLIENTS} clients)`,
      met: p99 <= LATENCY_TARGET,
      note: latencyNote(p99 <= LATENCY_TARGET),
    },
  ];
  return { figures, idleBytes, peakBytes, heapAfterLoad };
}

/** Sends `start` to each application of `ids` once, over 16 connections, so that no two requests share an application. */
async function postStartEvents(service: ServiceChild, staff: BenchPerson, ids: string[], amount: number): Promise<LoadResult> {
  let next = 0;
  return driveHttpLoad({
    url: service.url,
    connections: CLIENTS,
    amount,
    maxSeconds: MAX_SECONDS,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${staff.token}`, 'content-type': 'application/json' },
        body: '{"type":"start"}',
        setupRequest: (request) => ({ ...request, path: `/api/applications/${ids[next++]}/events` }),
      },
    ],
  });
}

/** Runs `work` on each of `ids` from 16 concurrent workers until the ids or MAX_SECONDS run out, and returns the rate and latencies. */
async function runConcurrently(ids: string[], work: (id: string) => Promise<void>): Promise<{ completed: number; perSecond: number; p50Ms: number; p99Ms: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + MAX_SECONDS * 1000;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < ids.length && performance.now() < deadline) {
      const id = ids[next++];
      const began = performance.now();
      await work(id);
      latencies.push(performance.now() - began);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { completed: latencies.length, perSecond: latencies.length / seconds, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

async function sendInProcess(context: BenchContext, staffId: string, ids: string[]) {
  const { runtime } = context;
  const sender = await runtime.db.em.fork().findOneOrFail(PersonSchema, { id: staffId });
  return runConcurrently(ids, async (id) => {
    await sendEvent({ em: runtime.db.em.fork({ clear: true }), standards: runtime.standards, log: runtime.logger, config: runtime.config, jobs: runtime.jobs }, id, sender, { type: 'start' });
  });
}

/** Times the XState part of sendEvent on its own (restore, check, send, persist), in milliseconds per event. */
function timeMachineAlone(libraryId: string): number {
  const { draft, machineVersion } = machineSnapshots(libraryId);
  const application = { id: 'bench', snapshot: draft, machineVersion, library: libraryId };
  const event = { type: 'start' } as const;
  const started = performance.now();
  for (let run = 0; run < MACHINE_RUNS; run += 1) {
    const before = restoreSnapshot(application);
    if (!before.can(event)) throw new Error(`The machine rejected start from ${statePath(before.value)}; the benchmark expects a draft application to accept it.`);
    const actor = createActor(applicationMachine, { snapshot: before, input: { libraryId } });
    actor.start();
    actor.send(event);
    statePath(actor.getSnapshot().value);
    canonicalJson(actor.getPersistedSnapshot());
    actor.stop();
  }
  return (performance.now() - started) / MACHINE_RUNS;
}

/** Sends the floor's transactions: the snapshot update and event insert of a `start`, one transaction per application, over 16 `pg` connections. */
async function runFloor(databaseUrl: string, ids: string[], startedSnapshot: Record<string, unknown>, actorId: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CLIENTS });
  const snapshot = JSON.stringify(startedSnapshot);
  try {
    return await runConcurrently(ids, async (id) => {
      const client = await pool.connect();
      try {
        const now = new Date();
        await client.query('begin');
        const updated = await client.query(
          `update application set snapshot = $2::jsonb, state = 'gatheringEvidence', version = version + 1, updated_at = $3, state_changed_at = $3 where id = $1 and version = 1`,
          [id, snapshot, now],
        );
        if (updated.rowCount !== 1) throw new Error(`The floor transaction found application ${id} changed; each floor application must be a fresh draft.`);
        await client.query(
          `insert into application_event (id, application_id, sequence, type, kind, payload, actor_id, from_state, to_state, created_at)
           values (gen_random_uuid(), $1, 2, 'start', 'machine', '{"type":"start"}', $2, 'draft', 'gatheringEvidence', $3)`,
          [id, actorId, now],
        );
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    });
  } finally {
    await pool.end();
  }
}

/** Describes where the CPU time of one event went, from the measured runs, for the table's note. */
function describeCpuSplit(runs: { statements: number; http: CpuUse; httpEvents: number; inProcess: CpuUse; inProcessEvents: number; inProcessRate: number; floor: CpuUse; floorEvents: number; floorRate: number; machineMs: number }): { long: string; short: string } {
  const per = (ms: number, events: number) => ms / Math.max(1, events);
  const service = per(runs.http.serviceMs, runs.httpEvents);
  const serviceDatabase = per(runs.http.backendsMs, runs.httpEvents);
  const loadGenerator = per(runs.http.runnerMs, runs.httpEvents);
  const inProcess = per(runs.inProcess.runnerMs, runs.inProcessEvents);
  const floorDatabase = per(runs.floor.backendsMs, runs.floorEvents);
  const floorClient = per(runs.floor.runnerMs, runs.floorEvents);
  const httpTotal = service + serviceDatabase + loadGenerator;
  const floorTotal = floorDatabase + floorClient;
  const rest = Math.max(0, service - inProcess);
  const short = `CPU per event ${formatMs(httpTotal)} against ${formatMs(floorTotal)} for the floor.`;
  const long =
    `CPU per event: service ${formatMs(service)} (sendEvent alone, measured in-process: ${formatMs(inProcess)}, of which XState ${formatMs(runs.machineMs)}; ` +
    `the other ${formatMs(rest)} is HTTP, token check, loading the application and describing it in the response), ` +
    `PostgreSQL backends ${formatMs(serviceDatabase)}, autocannon ${formatMs(loadGenerator)}: ${formatMs(httpTotal)} in all, ` +
    `against ${formatMs(floorTotal)} for the floor (PostgreSQL ${formatMs(floorDatabase)}, pg client ${formatMs(floorClient)}). ` +
    `sendEvent in-process, without HTTP, reached ${formatNumber(runs.inProcessRate)} events/s. ` +
    `One event through HTTP sends ${runs.statements} SQL statements (token, person, application, the transaction, coverage and library for the response) against ${FLOOR_STATEMENTS} for the floor. ` +
    `The service is one Node.js thread, so ${formatMs(service)} of CPU per event caps it at about ${formatNumber(1000 / service)} events/s, ${formatNumber(1000 / service / runs.floorRate, 2)} of the floor, whatever PostgreSQL does.`;
  return { long, short };
}

/** Describes Node's account of its memory after the load, and after a forced full garbage collection, in megabytes. */
function describeHeap(usage: NodeJS.MemoryUsage, collected: NodeJS.MemoryUsage): string {
  return (
    `After the load, Node reported a V8 heap of ${formatMegabytes(usage.heapTotal)} with ${formatMegabytes(usage.heapUsed)} in use and ${formatMegabytes(usage.external)} outside it, of ${formatMegabytes(usage.rss)} resident. ` +
    `A forced full garbage collection then left ${formatMegabytes(collected.heapUsed)} in use (${formatMegabytes(collected.rss)} resident), ` +
    (collected.heapUsed < usage.heapUsed / 2 ? 'so most of the growth was garbage that V8 had not yet collected, not data the service retains.' : 'so most of the growth is data the service still retains.')
  );
}
