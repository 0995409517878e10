/**
 * `npm run bench`: 300 calls ending within 30 s against the RingCentral simulator with RingCentral's
 * real figures (Heavy 10 requests/min with a 60 s penalty that restarts, records visible 3-10 s after
 * the end and kept ~120 s, Call Log after 15-30 s), 3% of them never listed in Active Calls.
 * Prints what a user would check: every call enriched, no duplicates, no 429, latency.
 * Options (env): BENCH_CALLS [300], BENCH_SPREAD_MS [30000], BENCH_MISSING_PCT [3], BENCH_SEED [2026].
 */
import { randomBytes } from 'node:crypto';
import { createLogger } from '../src/infra/logger.js';
import { startPlayground } from '../src/demo/playground.js';
import type { FakeCall } from '../src/fake-ringcentral/index.js';
import { startCrmReceiver } from './crm-receiver.js';
import { percentile, seconds } from './stats.js';

const calls = Number(process.env.BENCH_CALLS ?? 300);
const spreadMs = Number(process.env.BENCH_SPREAD_MS ?? 30_000);
const missingPct = Number(process.env.BENCH_MISSING_PCT ?? 3);
const seed = Number(process.env.BENCH_SEED ?? 2026);

// A small seeded PRNG so every run plays the same burst.
let state = seed >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const crm = await startCrmReceiver();
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr);
const playground = await startPlayground({
  env: {
    ...process.env,
    CRM_ADAPTER: 'webhook',
    CRM_WEBHOOK_URL: crm.url,
    CRM_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
  },
  overrides: {},
  fake: { seed },
  logger,
});
const { fake } = playground;
const startedAt = Date.now();
const missingEvery = missingPct > 0 ? Math.round(100 / missingPct) : Infinity;
console.log(
  `bench: ${calls} calls ending within ${spreadMs / 1000} s, ${missingPct}% missing from Active Calls`,
);

// Each call ends at a random moment inside the spread: ringing and talking fill the time before it.
const played: Promise<FakeCall>[] = [];
for (let n = 0; n < calls; n++) {
  const endAt = random() * spreadMs;
  const talkMs = Math.round(endAt * random());
  const ringMs = Math.round(Math.min(endAt - talkMs, 3_000));
  const startDelay = Math.max(0, endAt - talkMs - ringMs);
  played.push(
    new Promise((resolve) => setTimeout(resolve, startDelay)).then(() =>
      fake.calls.play({
        direction: n % 4 === 0 ? 'Outbound' : 'Inbound',
        viaIvr: n % 5 === 1,
        recorded: n % 3 === 0,
        missingFromActiveCalls: (n + 1) % missingEvery === 0,
        ringMs,
        talkMs,
      }),
    ),
  );
}
const finished = await Promise.all(played);
const lastEnd = Math.max(...finished.map((call) => call.endedAt ?? 0));
console.log(
  `bench: all calls ended ${seconds(lastEnd - startedAt)} s after the start; waiting for deliveries...`,
);

const deadline = Date.now() + 6 * 60_000;
while (crm.arrivals.size < calls && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 500));
}

const bySource = new Map<string, number>();
const latencies: number[] = [];
const callLogLatencies: number[] = [];
for (const call of finished) {
  const arrival = crm.arrivals.get(call.telephonySessionId);
  if (!arrival) continue;
  bySource.set(arrival.source, (bySource.get(arrival.source) ?? 0) + 1);
  if (arrival.source === 'active-calls' && call.activeCallsVisibleAt)
    latencies.push(arrival.at - call.activeCallsVisibleAt);
  if (arrival.source === 'call-log' && call.callLogVisibleAt)
    callLogLatencies.push(arrival.at - call.callLogVisibleAt);
}
const stats = fake.stats();
const acks = fake.deliveryLog
  .filter((entry) => entry.kind === 'notification' && entry.durationMs !== undefined)
  .map((entry) => entry.durationMs!);
const failedAcks = fake.deliveryLog.filter((entry) => entry.kind === 'notification' && !entry.ok).length;

const lines = [
  `enriched:            ${crm.arrivals.size} / ${calls}  (${[...bySource].map(([source, n]) => `${source} ${n}`).join(', ')})`,
  `duplicates:          ${crm.duplicates()}`,
  `Heavy requests:      ${stats.byGroup.Heavy}  (Active Calls + Call Log, over ${seconds(Date.now() - startedAt)} s)`,
  `429 answers:         ${stats.rateLimited}`,
  `visible -> CRM:      p50 ${seconds(percentile(latencies, 50))} s, p95 ${seconds(percentile(latencies, 95))} s, max ${seconds(Math.max(...latencies))} s  (${latencies.length} calls from Active Calls)`,
  `  via Call Log:      p50 ${seconds(percentile(callLogLatencies, 50))} s, max ${seconds(Math.max(...callLogLatencies, 0))} s after Call Log visibility (${callLogLatencies.length} calls; waited out the ~120 s Active Calls window first)`,
  `webhook ack:         p50 ${percentile(acks, 50).toFixed(1)} ms, p99 ${percentile(acks, 99).toFixed(1)} ms over ${acks.length} notifications, ${failedAcks} not accepted`,
  `process memory:      rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
];
console.log(lines.join('\n'));

await playground.close();
await crm.close();
const ok = crm.arrivals.size === calls && crm.duplicates() === 0 && stats.rateLimited === 0;
process.exitCode = ok ? 0 : 1;
