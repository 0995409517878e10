import type { FakeCall } from '../src/fake-ringcentral/index.js';
import { percentile, seconds } from './stats.js';

/** What one side (rc-enrich or the baseline) achieved on the profile's calls. */
export interface Side {
  enriched: number;
  bySource: Map<string, number>;
  /** Active Calls: from the moment the record could be listed to its arrival in the CRM. */
  latencies: number[];
  /** Call Log: from the moment the Call Log had the record to its arrival in the CRM. */
  callLogLatencies: number[];
  heavy: number;
  rateLimited: number;
  /** Calls the reconciler delivered (their notifications were lost): Call Log visibility to CRM. */
  recovered: number[];
}

export function summarize(
  calls: FakeCall[],
  arrivals: Map<string, { source: string; at: number; recoveredBy?: string }>,
  stats: { byGroup: { Heavy: number }; rateLimited: number },
): Side {
  const side: Side = {
    enriched: 0,
    bySource: new Map(),
    latencies: [],
    callLogLatencies: [],
    heavy: stats.byGroup.Heavy,
    rateLimited: stats.rateLimited,
    recovered: [],
  };
  for (const call of calls) {
    const arrival = arrivals.get(call.telephonySessionId);
    if (!arrival) continue;
    side.enriched++;
    side.bySource.set(arrival.source, (side.bySource.get(arrival.source) ?? 0) + 1);
    if (arrival.recoveredBy) {
      if (call.callLogVisibleAt) side.recovered.push(arrival.at - call.callLogVisibleAt);
      continue;
    }
    if (arrival.source === 'active-calls' && call.activeCallsVisibleAt)
      side.latencies.push(arrival.at - call.activeCallsVisibleAt);
    if (arrival.source === 'call-log' && call.callLogVisibleAt)
      side.callLogLatencies.push(arrival.at - call.callLogVisibleAt);
  }
  return side;
}

/** Both sides in columns, with rc-enrich / baseline where a ratio means something. */
export function formatComparison(total: number, ours: Side, theirs: Side, elapsedMs: number): string {
  const sources = (side: Side) =>
    [...side.bySource]
      .sort()
      .map(([source, n]) => `${source} ${n}`)
      .join(', ');
  const rows: Array<[string, string, string, string]> = [
    ['', 'rc-enrich', 'baseline', 'ratio'],
    ['enriched', `${ours.enriched} / ${total}`, `${theirs.enriched} / ${total}`, ''],
    ['  by source', sources(ours), sources(theirs), ''],
  ];
  const time = (label: string, pick: (side: Side) => number) => {
    const [a, b] = [pick(ours), pick(theirs)];
    rows.push([label, `${seconds(a)} s`, `${seconds(b)} s`, (a / b).toFixed(2)]);
  };
  time('visible -> CRM p50', (side) => percentile(side.latencies, 50));
  time('visible -> CRM p95', (side) => percentile(side.latencies, 95));
  time('visible -> CRM max', (side) => Math.max(...side.latencies));
  time('Call Log calls p50', (side) => percentile(side.callLogLatencies, 50));
  time('Call Log calls max', (side) => Math.max(...side.callLogLatencies));
  rows.push([
    'Heavy requests',
    String(ours.heavy),
    String(theirs.heavy),
    (ours.heavy / theirs.heavy).toFixed(2),
  ]);
  rows.push(['429 answers', String(ours.rateLimited), String(theirs.rateLimited), '']);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const table = rows
    .map((row) =>
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
  return `${table}\n(Active Calls latency from when the record could be listed; Call Log latency from when the Call Log had it; ${seconds(elapsedMs)} s in all)`;
}
