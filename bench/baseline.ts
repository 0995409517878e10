import type { FakeRingCentral } from '../src/fake-ringcentral/index.js';

/**
 * The baseline rc-enrich is measured against: the simplest poller that works. Every 6 s, if calls are
 * waiting, it lists Active Calls once for all of them (all pages); a call still missing 115 s after it
 * ended is then looked for in the Call Log (one query for all such calls, at the same pace). A client-side
 * sliding window keeps it under RingCentral's 10 Heavy requests a minute. A match counts as delivered
 * the moment the answer is read: the baseline has no queue and no CRM round trip.
 */
interface Waiting {
  telephonySessionId: string;
  endedAt: number;
}

interface Listing {
  records: Array<{ telephonySessionId?: string; result?: string }>;
  navigation?: { nextPage?: { uri: string } };
}

const tickMs = 6_000;
const activeWindowMs = 115_000;
const heavyLimit = 10;
const heavyWindowMs = 61_000;

export async function startBaseline(fake: FakeRingCentral) {
  const token = await login(fake);
  const waiting = new Map<string, Waiting>();
  const arrivals = new Map<string, { source: 'active-calls' | 'call-log'; at: number }>();
  const sent: number[] = [];
  let rateLimited = 0;
  let requests = 0;

  const slot = () => {
    const now = Date.now();
    while (sent.length > 0 && sent[0]! <= now - heavyWindowMs) sent.shift();
    if (sent.length >= heavyLimit) return false;
    sent.push(now);
    return true;
  };

  async function list(path: string, query: Record<string, string>): Promise<Listing['records']> {
    const records: Listing['records'] = [];
    for (let page = 1; page <= 20; page++) {
      requests++;
      const url = new URL(path, fake.url);
      for (const [key, value] of Object.entries({ ...query, perPage: '1000', page: String(page) }))
        url.searchParams.set(key, value);
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (response.status === 429) rateLimited++;
      if (!response.ok) return records;
      const body = (await response.json()) as Listing;
      records.push(...body.records);
      if (!body.navigation?.nextPage || !slot()) break;
    }
    return records;
  }

  function match(records: Listing['records'], calls: Waiting[], source: 'active-calls' | 'call-log') {
    const finished = new Set(
      records.filter((r) => r.result !== 'In Progress').map((r) => r.telephonySessionId),
    );
    const at = Date.now();
    for (const call of calls) {
      if (!finished.has(call.telephonySessionId)) continue;
      waiting.delete(call.telephonySessionId);
      arrivals.set(call.telephonySessionId, { source, at });
    }
  }

  async function tick() {
    const now = Date.now();
    const calls = [...waiting.values()];
    const active = calls.filter((call) => now < call.endedAt + activeWindowMs);
    const late = calls.filter((call) => now >= call.endedAt + activeWindowMs);
    if (active.length > 0 && slot())
      match(await list('/restapi/v1.0/account/~/active-calls', { view: 'Simple' }), active, 'active-calls');
    if (late.length > 0 && slot()) {
      const from = Math.min(...late.map((call) => call.endedAt)) - 5 * 60_000;
      const query = { view: 'Detailed', dateFrom: new Date(from).toISOString() };
      match(await list('/restapi/v1.0/account/~/call-log', query), late, 'call-log');
    }
  }

  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(tick).catch((err: unknown) => console.error('baseline tick failed', err));
  }, tickMs);

  return {
    arrivals,
    /** The call's last party hung up (what rc-enrich learns from the webhook). */
    ended(telephonySessionId: string, endedAt: number) {
      waiting.set(telephonySessionId, { telephonySessionId, endedAt });
    },
    stats: () => ({ requests, rateLimited }),
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

async function login(fake: FakeRingCentral): Promise<string> {
  const { clientId, clientSecret, jwt } = fake.credentials;
  const response = await fetch(new URL('/restapi/oauth/token', fake.url), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt }),
  });
  if (!response.ok) throw new Error(`baseline login failed: HTTP ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
