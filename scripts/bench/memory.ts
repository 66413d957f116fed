import type { Figure } from './figure.ts';
import { formatMegabytes } from './stats.ts';

const TARGET_BYTES = 300_000_000;

/**
 * Builds the memory figure: the service's peak resident memory while it took
 * the event-write load, against its resident memory once started and idle. The
 * service ran with RENDER_IN_SERVICE=false, so no Chromium belongs to it.
 */
export function memoryFigure(idleBytes: number, peakBytes: number, topConsumers: string): Figure {
  const met = peakBytes < TARGET_BYTES;
  return {
    heading: 'Memory',
    name: 'service resident memory under the event-write load (Chromium excluded)',
    value: `${formatMegabytes(peakBytes)} peak`,
    floor: `${formatMegabytes(idleBytes)} idle after start`,
    ratio: idleBytes > 0 ? peakBytes / idleBytes : null,
    target: `< ${formatMegabytes(TARGET_BYTES)}`,
    met,
    note: met ? '' : `The peak exceeds the target. ${topConsumers}`,
  };
}
