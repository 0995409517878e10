import type { CallMeta } from '../calls/call-state.js';
import type { StoryEntry } from '../calls/story.js';
import type { CallStory } from './call-story.js';

/** The readable story: a header, the story one line per step, the current jobs. */
export function formatCallStory(story: CallStory): string {
  const { call } = story;
  const lines = [`Call ${story.telephonySessionId}`];
  if (call) {
    lines.push(`  session ${call.sessionId || '?'}, account ${call.accountId || '?'}`);
    lines.push(
      `  first seen ${iso(call.firstSeenAt)}, last event ${iso(call.lastEventAt)}` +
        (call.endedAt ? `, ended ${iso(call.endedAt)} (${call.endReason ?? '?'})` : ', not ended'),
    );
    for (const party of call.parties) lines.push(`  party ${describeParty(party)}`);
  } else {
    lines.push('  (no call state: it expires 7 days after the last event)');
  }
  lines.push(`Status: ${story.status}`);
  lines.push('Story:');
  if (story.entries.length === 0) lines.push('  (no entries)');
  for (const entry of story.entries)
    lines.push(`  ${entry.at}  ${entry.step.padEnd(12)}  ${describeStep(entry)}`);
  lines.push('Jobs:');
  if (story.jobs.length === 0) lines.push('  (none)');
  for (const job of story.jobs)
    lines.push(
      `  ${job.queue.padEnd(7)}  ${job.id}  ${job.state}  attempts=${job.attemptsMade}/${job.attempts}` +
        (job.failedReason ? `  last error=${JSON.stringify(job.failedReason)}` : ''),
    );
  return lines.join('\n');
}

function describeStep(entry: StoryEntry): string {
  const { at: _at, step: _step, ...details } = entry;
  const d = details as Record<string, unknown>;
  switch (entry.step) {
    case 'notification':
      return `sequence ${String(d.sequence)}, parties ${String(d.parties)}`;
    case 'ended':
      return d.reason === 'quiet'
        ? 'no event for the quiet period: treated as ended'
        : d.reason === 'call-log'
          ? 'its end never arrived: read from the Call Log'
          : 'all parties disconnected';
    case 'recovered':
      return (
        `by ${String(d.via)} from the Call Log (${describeRecovery(String(d.reason))}), ` +
        `${String(d.records)} record(s), delivering to ${String(d.adapters)}`
      );
    case 'lookup':
      if (d.result === 'failed')
        return `${String(d.kind)}: RingCentral failed (${String(d.failures)} in a row): ${String(d.error)}`;
      return `${String(d.kind)}: ${String(d.result)}${d.fetchId ? ` (fetch ${String(d.fetchId)})` : ''}`;
    case 'matched':
      return `record found via ${String(d.source)}, ${String(d.records)} record(s)`;
    case 'not-found':
      return `not found in Active Calls nor Call Log (ENRICH_NOT_FOUND=${String(d.policy)})`;
    case 'delivery':
      return (
        `${String(d.adapter)}${d.attempt ? ` attempt ${String(d.attempt)}` : ''}: ${String(d.outcome)}` +
        (d.crmId ? ` (CRM id ${String(d.crmId)})` : '') +
        (d.callOutcome ? `, outcome ${String(d.callOutcome)}` : '') +
        (d.owner ? `, owner: ${String(d.owner)}` : '') +
        (d.error ? ` - ${String(d.error)}` : '') +
        (d.reason ? ` - ${String(d.reason)}` : '') +
        (d.retryAt ? `; next attempt at ${String(d.retryAt)}` : '')
      );
    case 'ignored':
      return d.reason === 'other-account'
        ? 'not looked up: the notification named another RingCentral account than ours'
        : String(d.reason);
    case 'dead-letter':
      return `${String(d.stage)}: ${String(d.error)}`;
    case 'replay':
      return `dead letter replayed: ${String(d.queue)} job ${String(d.jobId)}`;
    case 'recording':
      return describeRecording(d);
    default:
      return Object.entries(d)
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
  }
}

/** The recording's state: waiting for RingCentral, an update on its way, archived, or given up. */
function describeRecording(d: Record<string, unknown>): string {
  const adapter = d.adapter ? `${String(d.adapter)}: ` : '';
  switch (d.state) {
    case 'awaiting-recording':
      return `${adapter}delivered before RingCentral had the recording; watching the Call Log for it`;
    case 'awaiting-call-log':
      return `${adapter}delivered from notifications; watching the Call Log for RingCentral's record`;
    case 'update-queued':
      return `${adapter}${(d.changes as string[] | undefined)?.join(' and ') ?? 'new data'} arrived; update queued`;
    case 'archived':
      return `recording ${String(d.recordingId)} copied to the archive`;
    case 'gave-up':
      return `${adapter}gave up: ${String(d.reason)}`;
    default:
      return `${adapter}${String(d.state)}`;
  }
}

function describeRecovery(reason: string): string {
  switch (reason) {
    case 'never-notified':
      return 'no notification ever arrived';
    case 'end-missing':
      return 'its end never arrived';
    case 'lookup-missing':
      return 'ended, but its lookup was lost';
    case 'delivery-missing':
      return 'enriched, but never delivered';
    default:
      return reason;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function describeParty(party: CallMeta['parties'][number]): string {
  const who = (side?: { phoneNumber?: string; name?: string; extensionId?: string }) =>
    side?.phoneNumber ?? side?.name ?? (side?.extensionId ? `ext ${side.extensionId}` : '?');
  return [
    `${party.id}: ${party.status}`,
    ...(party.direction ? [party.direction] : []),
    ...(party.extensionId ? [`ext ${party.extensionId}`] : []),
    ...(party.from || party.to ? [`${who(party.from)} -> ${who(party.to)}`] : []),
  ].join(', ');
}
