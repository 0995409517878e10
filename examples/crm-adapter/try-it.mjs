/**
 * Try the example adapter without a CRM or RingCentral: starts a pretend Acme CRM on localhost,
 * delivers one sample call twice (as a retry would), and prints what the CRM received.
 *
 *   node examples/crm-adapter/try-it.mjs
 *
 * Copy it next to your own adapter and change the import to try yours the same way.
 */
import { createServer } from 'node:http';
import createAdapter from './acme-crm.mjs';

// The pretend CRM: remembers activities by Idempotency-Key, like the real one would.
const stored = new Map();
const server = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const key = req.headers['idempotency-key'];
  const replay = stored.has(key);
  if (!replay) stored.set(key, { id: `act_${stored.size + 1}`, activity: JSON.parse(body) });
  console.log(
    `CRM received ${req.method} ${req.url} (Idempotency-Key ${key})${replay ? ' - a replay, no new activity' : ''}`,
  );
  res.writeHead(replay ? 200 : 201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: stored.get(key).id }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

// A console logger with pino's shape (rc-enrich passes a real pino logger).
const logger = {
  info: (fields, message) => console.log(`log: ${message}`, fields),
  warn: (fields, message) => console.warn(`log: ${message}`, fields),
  error: (fields, message) => console.error(`log: ${message}`, fields),
  debug: () => undefined,
  child: () => logger,
};

const adapter = await createAdapter({
  env: { ACME_CRM_URL: `http://127.0.0.1:${server.address().port}`, ACME_CRM_API_KEY: 'try-it' },
  logger,
});

// What rc-enrich hands to deliver(): one call, with RingCentral's call-log record(s).
const call = {
  telephonySessionId: 's-a0d178729c49dz1876d9b9d11z19269ec0000',
  sessionId: '429180487016',
  accountId: '809646016',
  source: 'call-log',
  records: [
    {
      id: 'Y3Z9a8Ckd1wNzUA',
      sessionId: '429180487016',
      telephonySessionId: 's-a0d178729c49dz1876d9b9d11z19269ec0000',
      startTime: '2026-03-04T15:20:05.123Z',
      duration: 125,
      direction: 'Inbound',
      action: 'Phone Call',
      result: 'Accepted',
      from: { phoneNumber: '+14155550100', name: 'JANE ROE' },
      to: { phoneNumber: '+16505550111', name: 'Sales Line' },
    },
  ],
  parties: [],
  firstSeenAt: '2026-03-04T15:20:04.000Z',
  endedAt: '2026-03-04T15:22:11.000Z',
};
const ctx = {
  idempotencyKey: 'call_0123456789abcdef0123456789abcdef',
  attempt: 1,
  logger,
  signal: new AbortController().signal,
};

console.log('first attempt:', await adapter.deliver(call, ctx));
console.log('retry, same key:', await adapter.deliver(call, { ...ctx, attempt: 2 }));
console.log(
  'the CRM holds',
  stored.size,
  'activity:',
  JSON.stringify([...stored.values()][0].activity, null, 2),
);
await adapter.close?.();
server.close();
process.exitCode = stored.size === 1 ? 0 : 1;
