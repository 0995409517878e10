/**
 * `npm run bench`: 300 calls ending within 30 s against the RingCentral simulator with RingCentral's
 * real figures (Heavy 10 requests/min with a 60 s penalty that restarts, records visible 3-10 s after
 * the end and kept ~120 s, Call Log after 15-30 s), 3% of them never listed in Active Calls.
 * rc-enrich runs as its own process (`src/main.ts`, as `npm start` runs it) and is registered with
 * `rc-enrich subscribe`; RingCentral (the simulator) and the CRM (a loopback receiver) live here.
 * Prints what a user would check: every call enriched, no duplicates, no 429, latency, memory.
 * Options (env): BENCH_CALLS [300], BENCH_SPREAD_MS [30000], BENCH_MISSING_PCT [3], BENCH_SEED [2026],
 * BENCH_ROLES [all]: `all` runs one process; `split` runs ROLE=api and ROLE=worker as two processes.
 * Flags: `--lose 0.2` makes RingCentral lose 20% of the notifications (the reconciler recovers the calls);
 * `--reconcile-interval <ms>` [30000] sets RECONCILE_INTERVAL_MS, `0` runs without the reconciler.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createFakeRingCentral, type FakeCall } from '../src/fake-ringcentral/index.js';
import { countPrefixKeys, deletePrefixKeys } from '../src/infra/prefix-keys.js';
import { startCrmReceiver } from './crm-receiver.js';
import { exitOf, freePort, runEntry, scrape, waitUntilReady } from './service-process.js';
import { percentile, seconds } from './stats.js';

const calls = Number(process.env.BENCH_CALLS ?? 300);
const spreadMs = Number(process.env.BENCH_SPREAD_MS ?? 30_000);
const missingPct = Number(process.env.BENCH_MISSING_PCT ?? 3);
const seed = Number(process.env.BENCH_SEED ?? 2026);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `--name value` from the command line (npm run bench -- --lose 0.2). */
function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`--${name} needs a number, got ${process.argv[at + 1]}`);
  return value;
}
const lose = flag('lose', 0);
if (lose > 1) throw new Error('--lose is a share of the notifications, between 0 and 1');
// Shorter than the service's default (5 min) so that a run stays a few minutes long.
const reconcileIntervalMs = flag('reconcile-interval', 30_000);

// A small seeded PRNG so every run plays the same burst.
let state = seed >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const fake = createFakeRingCentral({ seed, notificationLoss: lose });
await fake.listen(0, '127.0.0.1');
const crm = await startCrmReceiver();
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const queuePrefix = `rc-enrich-bench-${randomBytes(4).toString('hex')}`;
const env = {
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: queuePrefix,
  PORT: String(port),
  HOST: '127.0.0.1',
  PUBLIC_URL: baseUrl,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  RINGCENTRAL_SERVER_URL: fake.url,
  RINGCENTRAL_CLIENT_ID: fake.credentials.clientId,
  RINGCENTRAL_CLIENT_SECRET: fake.credentials.clientSecret,
  RINGCENTRAL_JWT: fake.credentials.jwt,
  WEBHOOK_VERIFICATION_TOKEN: randomBytes(24).toString('hex'),
  CRM_ADAPTER: 'webhook',
  CRM_WEBHOOK_URL: crm.url,
  CRM_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
  RECONCILE_INTERVAL_MS: String(reconcileIntervalMs),
};
const split = process.env.BENCH_ROLES === 'split';
const workerPort = await freePort();
const services = split
  ? [
      runEntry('src/main.ts', [], { ...env, ROLE: 'api' }),
      runEntry('src/main.ts', [], { ...env, ROLE: 'worker', PORT: String(workerPort) }),
    ]
  : [runEntry('src/main.ts', [], env)];
await waitUntilReady(baseUrl);
if (split) await waitUntilReady(`http://127.0.0.1:${workerPort}`);
const subscribed = await exitOf(runEntry('src/cli/main.ts', ['subscribe'], env));
if (subscribed !== 0) throw new Error(`rc-enrich subscribe exited with ${subscribed}`);

const startedAt = Date.now();
const missingEvery = missingPct > 0 ? Math.round(100 / missingPct) : Infinity;
console.log(
  `bench: ${calls} calls ending within ${spreadMs / 1000} s, ${missingPct}% missing from Active Calls, ` +
    `${lose * 100}% of notifications lost, reconcile ${reconcileIntervalMs > 0 ? `every ${reconcileIntervalMs / 1000} s` : 'off'}`,
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

let peakRss = 0;
// The normal path is done within ~3 minutes; a recovered call needs the Call Log and two reconcile runs.
const deadline = Date.now() + 4 * 60_000 + (lose > 0 ? 3 * reconcileIntervalMs : 0);
while (crm.arrivals.size < calls && Date.now() < deadline) {
  const rss = await Promise.all(
    [baseUrl, ...(split ? [`http://127.0.0.1:${workerPort}`] : [])].map(
      async (url) => (await scrape(url, 'rc_enrich_process_resident_memory_bytes')) ?? 0,
    ),
  );
  peakRss = Math.max(
    peakRss,
    rss.reduce((a, b) => a + b, 0),
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}
const redis = new Redis(redisUrl);
const redisKeys = await countPrefixKeys(redis, queuePrefix);

const bySource = new Map<string, number>();
const latencies: number[] = [];
const callLogLatencies: number[] = [];
const recoveryLatencies: number[] = [];
for (const call of finished) {
  const arrival = crm.arrivals.get(call.telephonySessionId);
  if (!arrival) continue;
  bySource.set(arrival.source, (bySource.get(arrival.source) ?? 0) + 1);
  if (arrival.recoveredBy) {
    if (call.callLogVisibleAt) recoveryLatencies.push(arrival.at - call.callLogVisibleAt);
    continue;
  }
  if (arrival.source === 'active-calls' && call.activeCallsVisibleAt)
    latencies.push(arrival.at - call.activeCallsVisibleAt);
  if (arrival.source === 'call-log' && call.callLogVisibleAt)
    callLogLatencies.push(arrival.at - call.callLogVisibleAt);
}
const stats = fake.stats();
const notifications = fake.deliveryLog.filter((entry) => entry.kind === 'notification');
const acks = notifications.flatMap((entry) => (entry.durationMs === undefined ? [] : [entry.durationMs]));

const shutdownStarted = Date.now();
for (const service of services) service.kill('SIGTERM');
const exitCodes = await Promise.all(services.map(exitOf));
const shutdownMs = Date.now() - shutdownStarted;

const withinTwo = recoveryLatencies.filter((ms) => ms <= 2 * reconcileIntervalMs).length;
const lines = [
  `enriched:          ${crm.arrivals.size} / ${calls}  (${[...bySource].map(([source, n]) => `${source} ${n}`).join(', ')})`,
  `recovered / lost:  ${recoveryLatencies.length} recovered by reconcile / ${calls - crm.arrivals.size} lost  (${stats.notificationsDropped} of ${stats.notificationsDropped + notifications.length} notifications dropped by RingCentral)`,
  ...(recoveryLatencies.length > 0
    ? [
        `  Call Log -> CRM: p50 ${seconds(percentile(recoveryLatencies, 50))} s, p95 ${seconds(percentile(recoveryLatencies, 95))} s, max ${seconds(Math.max(...recoveryLatencies))} s; ${withinTwo} / ${recoveryLatencies.length} within two reconcile intervals (${(2 * reconcileIntervalMs) / 1000} s)`,
      ]
    : []),
  `duplicates:        ${crm.duplicates()}`,
  `Heavy requests:    ${stats.byGroup.Heavy}  (Active Calls + Call Log + reconcile, over ${seconds(Date.now() - startedAt)} s)`,
  `429 answers:       ${stats.rateLimited}`,
  `visible -> CRM:    p50 ${seconds(percentile(latencies, 50))} s, p95 ${seconds(percentile(latencies, 95))} s, max ${seconds(Math.max(...latencies))} s  (${latencies.length} notified calls from Active Calls)`,
  `  via Call Log:    p50 ${seconds(percentile(callLogLatencies, 50))} s after Call Log visibility (${callLogLatencies.length} notified calls; the ~120 s Active Calls window is waited out first)`,
  `webhook ack:       p50 ${percentile(acks, 50).toFixed(1)} ms, p99 ${percentile(acks, 99).toFixed(1)} ms over ${acks.length} notifications, ${notifications.filter((entry) => !entry.ok).length} not accepted`,
  `service memory:    peak rss ${(peakRss / 2 ** 20).toFixed(0)} MiB${split ? ' (both processes)' : ''}; ${redisKeys} Redis keys left under the prefix`,
  `shutdown:          SIGTERM -> exit ${exitCodes.join(', ')} in ${shutdownMs} ms`,
];
console.log(lines.join('\n'));

await deletePrefixKeys(redis, queuePrefix);
redis.disconnect();
await fake.close();
await crm.close();
const ok = crm.arrivals.size === calls && crm.duplicates() === 0 && stats.rateLimited === 0;
process.exitCode = ok ? 0 : 1;
