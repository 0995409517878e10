import { open } from 'node:fs/promises';
import type { EnrichedCall } from '../calls/types.js';
import { outcomeOf } from '../adapters/outcome.js';
import { describeCall, summarizeCall } from '../adapters/summary.js';

/**
 * One line for one delivered record, for people:
 * `s-…  active-calls  Inbound call from +1 (415) 555-0100 Ada Lovelace  connected, 6 s, recorded`.
 */
export function describeRecordLine(line: string): string {
  const event = JSON.parse(line) as { data: EnrichedCall };
  const summary = summarizeCall(event.data);
  const { title } = describeCall(summary, '');
  const details = [
    outcomeOf(summary.result),
    `${summary.durationSec} s${summary.durationEstimated ? ' (estimated)' : ''}`,
    ...(summary.recordingUrl ? ['recorded'] : []),
  ];
  return `${summary.telephonySessionId}  ${summary.source.padEnd(12)}  ${title}  ${details.join(', ')}`;
}

/** Follows an NDJSON file as an adapter appends to it: each call returns the complete lines added since. */
export function followLines(path: string) {
  let offset = 0;
  let partial = '';
  return async (): Promise<string[]> => {
    const file = await open(path, 'r').catch(() => undefined);
    if (!file) return [];
    try {
      const { size } = await file.stat();
      if (size <= offset) return [];
      const buffer = Buffer.alloc(size - offset);
      await file.read(buffer, 0, buffer.length, offset);
      offset = size;
      const text = partial + buffer.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      return lines.filter((l) => l.trim() !== '');
    } finally {
      await file.close();
    }
  };
}
