import { afterEach, describe, expect, it } from 'vitest';
import { call, loggedIn } from '../fake-ringcentral/helpers.js';
import { eventually } from '../helpers/config.js';
import { newTelephonySessionId, telephonyNotification } from '../helpers/notifications.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** The raw JSON text of what the CRM received for one call (its `data`), re-serialised as sent. */
async function received(tsid: string): Promise<{ records: unknown[]; parties: unknown[] }> {
  return eventually(async () => {
    for (const request of stack!.crm.requests) {
      const data = (JSON.parse(request.body) as { data?: { telephonySessionId?: string } }).data;
      if (data?.telephonySessionId === tsid) return data as { records: unknown[]; parties: unknown[] };
    }
    return undefined;
  }, 15_000);
}

describe('payload › what the CRM receives is what RingCentral sent', () => {
  it('the records are byte for byte the Active Calls records, after their trip through Redis', async () => {
    stack = await startStack({ env: { ENRICH_ACTIVE_WINDOW_MS: '3000' } });
    const played = await stack.fake.calls.play({ talkMs: 50 });
    const data = await received(played.telephonySessionId);
    const { token } = await loggedIn(stack.fake);
    const listing = await call(
      stack.fake,
      `/restapi/v1.0/account/~/active-calls?view=Simple&perPage=1000`,
      token,
    );
    const sent = (listing.body.records as Array<{ telephonySessionId?: string }>).filter(
      (record) => record.telephonySessionId === played.telephonySessionId,
    );
    expect(sent.length).toBeGreaterThan(0);
    expect(JSON.stringify(data.records)).toBe(JSON.stringify(sent));
  });

  it('a party sent with empty arrays reaches the CRM with empty arrays, not {}', async () => {
    stack = await startStack({ env: { ENRICH_ACTIVE_WINDOW_MS: '200', ENRICH_CALL_LOG_WINDOW_MS: '400' } });
    const tsid = newTelephonySessionId();
    const notification = telephonyNotification({
      telephonySessionId: tsid,
      sequence: 2,
      party: { id: 'p-1', status: 'Disconnected' },
    });
    const party = notification.body.parties[0]!;
    const sentParty = {
      id: party.id,
      accountId: party.accountId,
      direction: party.direction,
      status: 'Disconnected',
      from: party.from,
      to: party.to,
      missedCall: false,
      recordings: [],
    };
    Object.assign(party, { recordings: [] });
    const response = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'verification-token': 'test-verification-token' },
      body: JSON.stringify(notification),
    });
    expect(response.status).toBe(200);
    const data = await received(tsid);
    expect(data.parties).toHaveLength(1);
    expect(data.parties[0]).toMatchObject(sentParty);
    expect(JSON.stringify((data.parties[0] as { recordings: unknown }).recordings)).toBe('[]');
  });
});
