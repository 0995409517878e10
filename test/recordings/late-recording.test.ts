import { describe, expect, it } from 'vitest';
import type { EnrichedCall } from '../../src/calls/types.js';
import { fakeRecordingContent } from '../../src/fake-ringcentral/index.js';
import { formatCallStory } from '../../src/monitoring/call-story-format.js';
import { loadCallStory } from '../../src/monitoring/call-story.js';
import { eventually } from '../helpers/config.js';
import { useRecordingStack } from './support.js';

type Event = { type: string; data: EnrichedCall & { changes?: string[] } };

const recordings = useRecordingStack();

describe('recordings › a recording that arrives after the call was delivered', () => {
  it('reaches the CRM as call.updated for the same call, with a link that plays, and no second call', async () => {
    const stack = await recordings.start({
      fake: { recordingBytes: 5_000 },
      env: { LATE_DATA_CHECK_INTERVAL_MS: '300' },
    });
    const call = await stack.fake.calls.play({ recorded: true, talkMs: 50, recordingDelayMs: 1_500 });
    const events = () =>
      [...stack.crm.records.values()]
        .map(({ body }) => body as Event)
        .filter((event) => event.data.telephonySessionId === call.telephonySessionId);

    const updated = await eventually(async () => events().find((e) => e.type === 'call.updated'), 15_000);
    const [first] = events().filter((e) => e.type === 'call.enriched');
    expect(first?.data.recordings).toBeUndefined();
    expect(first?.data.records[0]?.recording).toBeUndefined();
    expect(updated.data).toMatchObject({ sessionId: first?.data.sessionId, changes: ['recording'] });
    expect(
      events()
        .map((e) => e.type)
        .sort(),
    ).toEqual(['call.enriched', 'call.updated']);

    const played = await fetch(updated.data.recordings![0]!.url);
    expect(played.status).toBe(200);
    expect(
      Buffer.from(await played.arrayBuffer()).equals(fakeRecordingContent(call.recordingId!, 5_000)),
    ).toBe(true);

    const story = await stack.services[0]!.services.story.list(call.telephonySessionId);
    expect(story.filter((entry) => entry.step === 'recording').map((entry) => entry.state)).toEqual([
      'awaiting-recording',
      'update-queued',
    ]);
    expect(story.some((entry) => entry.step === 'delivery' && entry.outcome === 'updated')).toBe(true);
    // What `rc-enrich call <id>` prints for it.
    const { services } = stack.services[0]!;
    const loaded = await loadCallStory({ ...services, adapters: ['webhook'] }, call.telephonySessionId);
    const text = formatCallStory(loaded!);
    expect(text).toContain(
      'webhook: delivered before RingCentral had the recording; watching the Call Log for it',
    );
    expect(text).toContain('webhook: recording arrived; update queued');
    expect(text).toMatch(/webhook attempt 1: updated/);
  });
});
