/**
 * `npm run bench`: rc-enrich against a baseline poller, side by side, on the same simulated calls, with
 * RingCentral's real figures on the simulator (Heavy group 10 requests a minute with a 60 s penalty that
 * restarts, records visible 3-10 s after the end and kept ~120 s, Call Log after 15-30 s).
 * rc-enrich runs as its own process (`src/main.ts`, as `npm start` runs it), registered with
 * `rc-enrich subscribe`, delivering to a loopback CRM; the baseline (bench/baseline.ts) lists Active
 * Calls every 6 s against a second simulator that plays the same calls at the same moments.
 * Options (env): BENCH_PROFILE [burst,steady], BENCH_CALLS [300], BENCH_SPREAD_MS [30000],
 * BENCH_STEADY_RATE [1] calls/s, BENCH_STEADY_S [300], BENCH_MISSING_PCT [3], BENCH_SEED [2026],
 * BENCH_ROLES [all]: `all` runs one process; `split` runs ROLE=api and ROLE=worker as two processes.
 * Flags: `--lose 0.2` makes RingCentral lose 20% of the notifications (the reconciler recovers the calls);
 * `--reconcile-interval <ms>` [300000, the service's default] sets RECONCILE_INTERVAL_MS, `0` runs without
 * the reconciler.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createFakeRingCentral, type FakeCall } from '../src/fake-ringcentral/index.js';
import { countPrefixKeys, deletePrefixKeys } from '../src/infra/prefix-keys.js';
import { startBaseline } from './baseline.js';
import { startCrmReceiver } from './crm-receiver.js';
import { profiles, type Profile } from './profiles.js';
import { formatComparison, summarize, type Side } from './report.js';
import { exitOf, freePort, runEntry, scrape, waitUntilReady } from './service-process.js';
import { percentile, seconds } from './stats.js';

const seed = Number(process.env.BENCH_SEED ?? 2026);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const split = process.env.BENCH_ROLES === 'split';
const make = profiles({
  seed,
  missingPct: Number(process.env.BENCH_MISSING_PCT ?? 3),
  calls: Number(process.env.BENCH_CALLS ?? 300),
  spreadMs: Number(process.env.BENCH_SPREAD_MS ?? 30_000),
  steadyRate: Number(process.env.BENCH_STEADY_RATE ?? 1),
  steadySeconds: Number(process.env.BENCH_STEADY_S ?? 300),
});
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
// The service's default: the reconciler costs what it costs a user. A shorter interval shortens a --lose
// run but spends a share of the Heavy budget on scans (30 s: 2 of the 10 requests a minute).
const reconcileIntervalMs = flag('reconcile-interval', 300_000);
const chosen = (process.env.BENCH_PROFILE ?? 'burst,steady').split(',').map((name) => name.trim());

let ok = true;
for (const name of chosen) {
  if (name !== 'burst' && name !== 'steady') throw new Error(`BENCH_PROFILE: unknown profile "${name}"`);
  ok = (await runProfile(make[name]())) && ok;
}
process.exitCode = ok ? 0 : 1;

async function runProfile(profile: Profile): Promise<boolean> {
  const fake = createFakeRingCentral({ seed, notificationLoss: lose });
  const baselineFake = createFakeRingCentral({ seed, deliverNotifications: false });
  await fake.listen(0, '127.0.0.1');
  await baselineFake.listen(0, '127.0.0.1');
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
  const baseline = await startBaseline(baselineFake);

  const startedAt = Date.now();
  console.log(
    `\nbench ${profile.name}: ${profile.describe}, ${lose * 100}% of notifications lost, ` +
      `reconcile ${reconcileIntervalMs > 0 ? `every ${reconcileIntervalMs / 1000} s` : 'off'}`,
  );
  // Both simulators play each call at the same moment; the baseline hears of the end at once.
  const played = profile.calls.map(async (call): Promise<[FakeCall, FakeCall]> => {
    await new Promise((resolve) => setTimeout(resolve, call.startMs));
    const { startMs: _startMs, ...options } = call;
    const [ours, theirs] = await Promise.all([fake.calls.play(options), baselineFake.calls.play(options)]);
    baseline.ended(theirs.telephonySessionId, theirs.endedAt ?? Date.now());
    return [ours, theirs];
  });
  const finished = await Promise.all(played);
  const lastEnd = Math.max(...finished.map(([call]) => call.endedAt ?? 0));
  console.log(`bench ${profile.name}: all calls ended after ${seconds(lastEnd - startedAt)} s; waiting...`);

  let peakRss = 0;
  // The normal path is done within ~3 minutes; a recovered call needs the Call Log and two reconcile runs.
  const deadline = Date.now() + 4 * 60_000 + (lose > 0 ? 3 * reconcileIntervalMs : 0);
  const total = profile.calls.length;
  while ((crm.arrivals.size < total || baseline.arrivals.size < total) && Date.now() < deadline) {
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
  await baseline.stop();
  const redis = new Redis(redisUrl);
  const redisKeys = await countPrefixKeys(redis, queuePrefix);
  const notifications = fake.deliveryLog.filter((entry) => entry.kind === 'notification');
  const acks = notifications.flatMap((entry) => (entry.durationMs === undefined ? [] : [entry.durationMs]));

  const shutdownStarted = Date.now();
  for (const service of services) service.kill('SIGTERM');
  const exitCodes = await Promise.all(services.map(exitOf));
  const shutdownMs = Date.now() - shutdownStarted;

  const ours: Side = summarize(
    finished.map(([call]) => call),
    crm.arrivals,
    fake.stats(),
  );
  const theirs: Side = summarize(
    finished.map(([, call]) => call),
    baseline.arrivals,
    baselineFake.stats(),
  );
  console.log(formatComparison(total, ours, theirs, Date.now() - startedAt));
  if (process.env.BENCH_TRACE) {
    // When each side sent its Heavy requests, from the start of the run: the schedule at a glance.
    for (const [side, log] of [
      ['rc-enrich', fake.requestLog],
      ['baseline', baselineFake.requestLog],
    ] as const) {
      const heavy = log.filter((entry) => entry.group === 'Heavy');
      const line = heavy.map(
        (entry) => `${seconds(entry.time - startedAt)}${entry.path.endsWith('call-log') ? 'L' : ''}`,
      );
      console.log(`  ${side} Heavy at: ${line.join(' ')}`);
    }
  }
  console.log(
    [
      `rc-enrich only:`,
      `  recovered/lost:  ${ours.recovered.length} recovered by reconcile / ${total - crm.arrivals.size} lost  (${fake.stats().notificationsDropped} notifications dropped by RingCentral)`,
      ...(ours.recovered.length > 0
        ? [
            `  Call Log -> CRM: p50 ${seconds(percentile(ours.recovered, 50))} s, p95 ${seconds(percentile(ours.recovered, 95))} s for recovered calls; ${ours.recovered.filter((ms) => ms <= 2 * reconcileIntervalMs).length} within two reconcile intervals`,
          ]
        : []),
      `  duplicates:      ${crm.duplicates()}`,
      `  webhook ack:     p50 ${pct(acks, 50)} ms, p99 ${pct(acks, 99)} ms over ${acks.length} notifications, ${notifications.filter((entry) => !entry.ok).length} not accepted`,
      `  service memory:  peak rss ${(peakRss / 2 ** 20).toFixed(0)} MiB${split ? ' (both processes)' : ''}; ${redisKeys} Redis keys left under the prefix`,
      `  shutdown:        SIGTERM -> exit ${exitCodes.join(', ')} in ${shutdownMs} ms`,
    ].join('\n'),
  );

  await deletePrefixKeys(redis, queuePrefix);
  redis.disconnect();
  await fake.close();
  await baselineFake.close();
  await crm.close();
  return crm.arrivals.size === total && crm.duplicates() === 0 && ours.rateLimited === 0;
}

function pct(values: number[], p: number): string {
  if (values.length === 0) return 'n/a';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(1);
}
