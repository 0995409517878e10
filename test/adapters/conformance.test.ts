import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAdapter } from '../../src/adapters/load.js';
import { createStdoutAdapter } from '../../src/adapters/stdout/index.js';
import type { AdapterOptions, CrmAdapter } from '../../src/adapters/types.js';
import type { EnrichedCall } from '../../src/calls/types.js';
import { RetryableDeliveryError } from '../../src/errors.js';
import { startFakeHubSpot } from '../fakes/hubspot.js';
import type { Loopback } from '../fakes/loopback.js';
import { startFakeSalesforce, type FakeSalesforce } from '../fakes/salesforce.js';
import { startWebhookReceiver } from '../fakes/webhook-receiver.js';
import { inboundCall } from '../fixtures/calls.js';
import { deliveryContext, isPermanent, redisScope, rejection, silentLogger } from './support.js';

/**
 * The adapter contract, checked the same way for every built-in adapter and the examples/ module,
 * each against a loopback fake of its CRM. What each subject must show:
 * - the same call delivered twice (same idempotency key) leaves one record, also from a second adapter
 *   instance (another process) and after a failed attempt;
 * - an unavailable CRM (503) means "retry later"; 400 and 401 mean "give up" (HTTP adapters);
 * - an aborted delivery sends nothing and is retried;
 * - close() resolves, even when nothing was sent.
 * stdout and file have no CRM to refuse a call: they have no permanent failures, and a broken sink
 * (a failing stream, a vanished folder) is "retry later".
 */
interface Subject {
  adapter: CrmAdapter;
  /** Another instance on the same CRM and Redis, as a second process would have. */
  another(): Promise<CrmAdapter>;
  /** Records the CRM holds for `call` (delivered with `key`). */
  records(call: EnrichedCall, key: string): Promise<number>;
  /** How many requests (or lines) the CRM received in all. */
  received(): Promise<number>;
  /** The recording link the CRM shows for `call` (delivered with `key`), if any. */
  recordingOf(call: EnrichedCall, key: string): Promise<string | undefined>;
  /** Make the next delivery fail as an outage would (a 503, a broken sink); gives the adapter to retry with. */
  breakOnce(): Promise<() => Promise<CrmAdapter>>;
  /** What this adapter's "retry later" looks like, beyond not being permanent. */
  expectRetryError(err: Error): void;
  close(): Promise<void>;
}

/** HTTP adapters have a CRM that can refuse a call. */
interface HttpSubject extends Subject {
  /** The CRM answers the next request with this status. */
  failNext(status: number): void;
}

type Scope = { options: AdapterOptions };
type Candidate<S extends Subject = Subject> = { name: string; make(scope: Scope): Promise<S> };

const builtInRetry = (err: Error) => expect(err).toBeInstanceOf(RetryableDeliveryError);

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const hubspotToken = 'pat-na1-11111111-2222-3333-4444-555555555555';
const salesforceToken = '00Dfake!static-session';
const unauthorized = (status: number) =>
  status === 401 ? [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] : undefined;

/** Fake CRMs answer like the real ones would; for 401 Salesforce needs its error body. */
function httpSubject(
  fake: Loopback,
  make: () => Promise<CrmAdapter>,
  adapter: CrmAdapter,
  records: (call: EnrichedCall, key: string) => number,
  recordingOf: (call: EnrichedCall, key: string) => string | undefined,
): HttpSubject {
  const subject: HttpSubject = {
    adapter,
    another: make,
    records: async (call, key) => records(call, key),
    recordingOf: async (call, key) => recordingOf(call, key),
    failNext: (status) =>
      fake.failNext({ status, body: unauthorized(status) ?? { message: `fake ${status}` } }),
    received: async () => fake.requests.length,
    breakOnce: async () => {
      subject.failNext(503);
      return async () => subject.adapter;
    },
    expectRetryError: builtInRetry,
    close: () => fake.close(),
  };
  return subject;
}

/** Adapters that write to a sink: nothing can refuse a call, so they have no permanent failures. */
const sinks: Candidate[] = [
  {
    name: 'stdout',
    async make({ options }) {
      const lines: string[] = [];
      let broken = false;
      // A failed stream is destroyed, as process.stdout would be: each instance gets its own.
      const stream = () =>
        new Writable({
          write(chunk, _encoding, done) {
            if (broken) {
              broken = false;
              return done(new Error('EPIPE: the reader went away'));
            }
            lines.push(String(chunk));
            done();
          },
        });
      const make = async () => createStdoutAdapter(options, stream());
      return {
        adapter: await make(),
        another: make,
        records: async (_call, key) => lines.filter((line) => JSON.parse(line).idempotencyKey === key).length,
        received: async () => lines.length,
        recordingOf: async (call) => updatedLink(lines, call),
        // A failed stream is destroyed: the retry comes from a fresh process with a fresh stdout.
        breakOnce: async () => {
          broken = true;
          return make;
        },
        // The stream's own error: every error an adapter throws is retried unless marked permanent.
        expectRetryError: (err) => expect(err.message).toMatch(/EPIPE/),
        close: async () => undefined,
      };
    },
  },
  {
    name: 'file',
    async make({ options }) {
      const folder = await mkdtemp(join(tmpdir(), 'rc-enrich-file-'));
      const path = join(folder, 'calls.ndjson');
      const make = () => loadAdapter('file', { ...options, env: { CRM_FILE_PATH: path } });
      const subject: Subject = {
        adapter: await make(),
        another: make,
        async records(_call, key) {
          const text = await readFile(path, 'utf8').catch(() => '');
          return text.split('\n').filter((line) => line && JSON.parse(line).idempotencyKey === key).length;
        },
        received: async () =>
          (await readFile(path, 'utf8').catch(() => '')).split('\n').filter(Boolean).length,
        recordingOf: async (call) =>
          updatedLink((await readFile(path, 'utf8').catch(() => '')).split('\n').filter(Boolean), call),
        breakOnce: async () => {
          await rm(folder, { recursive: true, force: true });
          return async () => {
            await mkdir(folder, { recursive: true });
            return subject.adapter;
          };
        },
        expectRetryError: builtInRetry,
        close: () => rm(folder, { recursive: true, force: true }),
      };
      return subject;
    },
  },
];

const httpCrms: Candidate<HttpSubject>[] = [
  {
    name: 'webhook',
    async make({ options }) {
      const receiver = await startWebhookReceiver({ secret });
      const env = { CRM_WEBHOOK_URL: `${receiver.url}/hooks/calls`, CRM_WEBHOOK_SECRET: secret };
      const make = () => loadAdapter('webhook', { ...options, env });
      return httpSubject(
        receiver,
        make,
        await make(),
        (_call, key) => (receiver.records.has(key) ? 1 : 0),
        (call) =>
          updatedLink(
            [...receiver.records.values()].map(({ body }) => JSON.stringify(body)),
            call,
          ),
      );
    },
  },
  {
    name: 'hubspot',
    async make({ options }) {
      const fake = await startFakeHubSpot({ token: hubspotToken });
      fake.addContact({ phone: '(415) 555-0100', firstname: 'Jane' });
      const env = { HUBSPOT_ACCESS_TOKEN: hubspotToken, HUBSPOT_BASE_URL: fake.url };
      const make = () => loadAdapter('hubspot', { ...options, env });
      const engagements = (call: EnrichedCall) =>
        [...fake.calls.values()].filter((c) => c.properties.hs_call_body?.includes(call.sessionId));
      return httpSubject(
        fake,
        make,
        await make(),
        (call) => engagements(call).length,
        (call) => engagements(call)[0]?.properties.hs_call_recording_url,
      );
    },
  },
  {
    name: 'salesforce',
    async make({ options }) {
      const fake = await startFakeSalesforce({ staticToken: salesforceToken });
      fake.addContact('4155550100');
      const env = { SALESFORCE_ACCESS_TOKEN: salesforceToken, SALESFORCE_INSTANCE_URL: fake.url };
      const make = () => loadAdapter('salesforce', { ...options, env });
      return httpSubject(fake, make, await make(), tasksOf(fake), taskRecording(fake));
    },
  },
  {
    name: 'salesforce (JWT, external-id upsert)',
    async make({ options }) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwt = { clientId: '3MVG9fake', username: 'integration@acme.example', publicKey };
      const fake = await startFakeSalesforce({ jwt, externalIdFields: ['RingCentral_Call_Id__c'] });
      const env = {
        SALESFORCE_CLIENT_ID: jwt.clientId,
        SALESFORCE_USERNAME: jwt.username,
        SALESFORCE_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        SALESFORCE_LOGIN_URL: fake.url,
        SALESFORCE_EXTERNAL_ID_FIELD: 'RingCentral_Call_Id__c',
      };
      const make = () => loadAdapter('salesforce', { ...options, env });
      const subject = httpSubject(fake, make, await make(), tasksOf(fake), taskRecording(fake));
      // With JWT a 401 means "log in again": the refusal is the session expiring and the login failing.
      return {
        ...subject,
        failNext: (status) => {
          if (status !== 401) return fake.failNext({ status, body: { message: `fake ${status}` } });
          fake.expireSessions();
          fake.failNext({
            status: 400,
            body: { error: 'invalid_grant', error_description: "user hasn't approved this consumer" },
            match: /^POST \/services\/oauth2\/token$/,
          });
        },
      };
    },
  },
  {
    name: 'examples/crm-adapter (user module)',
    async make({ options }) {
      const apiKey = 'acme-test-key';
      const receiver = await startWebhookReceiver({ dedupeHeader: 'idempotency-key', apiKey });
      const env = { ACME_CRM_URL: receiver.url, ACME_CRM_API_KEY: apiKey };
      const make = () =>
        loadAdapter('./examples/crm-adapter/acme-crm.mjs', { ...options, env, cwd: resolve('.') });
      const subject = httpSubject(
        receiver,
        make,
        await make(),
        (_call, key) => (receiver.records.has(key) ? 1 : 0),
        // Acme keeps the updates it was sent under their own keys; the newest names the recording.
        (_call, key) =>
          receiver.requests
            .filter((request) => request.path === `/v1/activities/by-key/${key}/updates`)
            .map((request) => (request.json as { recordingUrl?: string }).recordingUrl)
            .at(-1),
      );
      // A user module cannot subclass our errors: its own error, not marked permanent.
      return {
        ...subject,
        expectRetryError: (err) => expect(err).toMatchObject({ name: 'AcmeError', permanent: false }),
      };
    },
  },
];

const pick = <T extends object, K extends keyof T>(value: T, keys: K[]) =>
  Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;

/** The newest `call.updated` event or line for the call names the recording's link. */
function updatedLink(events: string[], call: EnrichedCall): string | undefined {
  type Event = { type: string; data: EnrichedCall };
  const updates = events
    .map((text) => JSON.parse(text) as Event)
    .filter(
      (event) => event.type === 'call.updated' && event.data.telephonySessionId === call.telephonySessionId,
    );
  return updates.at(-1)?.data.recordings?.[0]?.url;
}

/** Salesforce Tasks for the call, and the recording link its Description names last. */
const tasksOf = (fake: FakeSalesforce) => (call: EnrichedCall) =>
  [...fake.tasks.values()].filter((t) => t.fields.CallObject === call.sessionId).length;
const taskRecording = (fake: FakeSalesforce) => (call: EnrichedCall) => {
  const task = [...fake.tasks.values()].find((t) => t.fields.CallObject === call.sessionId);
  return [...String(task?.fields.Description ?? '').matchAll(/Recording: (\S+)/g)].at(-1)?.[1];
};

/** Builds the candidate's subject before each test and tears it down after: the getter gives it. */
function useSubject<S extends Subject>(candidate: Candidate<S>): () => S {
  let subject: S | undefined;
  let scope: Awaited<ReturnType<typeof redisScope>>;
  beforeEach(async () => {
    scope = await redisScope();
    subject = await candidate.make({
      options: { env: {}, logger: silentLogger, redis: scope.redis, keyPrefix: scope.keyPrefix },
    });
  });
  afterEach(async () => {
    await subject?.adapter.close?.();
    await subject?.close();
    subject = undefined;
    await scope.cleanup();
  });
  return () => {
    if (!subject) throw new Error('the subject is built in beforeEach');
    return subject;
  };
}

describe.each<Candidate>([...sinks, ...httpCrms])('adapter conformance › $name', (candidate) => {
  const current = useSubject(candidate);
  let subject: Subject;
  beforeEach(() => {
    subject = current();
  });

  it('has a name and a deliver function', () => {
    expect(subject.adapter.name).toEqual(expect.any(String));
    expect(typeof subject.adapter.deliver).toBe('function');
  });

  it('delivering the same call twice with the same key leaves one record', async () => {
    const call = inboundCall();
    const ctx = deliveryContext();
    const first = await subject.adapter.deliver(call, ctx);
    const second = await subject.adapter.deliver(call, { ...ctx, attempt: 2 });
    expect(await subject.records(call, ctx.idempotencyKey)).toBe(1);
    if (first?.crmId) expect(second?.crmId).toBe(first.crmId);
  });

  it('a second instance (another process) delivering the same key adds no record', async () => {
    const call = inboundCall();
    const ctx = deliveryContext();
    await subject.adapter.deliver(call, ctx);
    const other = await subject.another();
    await other.deliver(call, { ...ctx, attempt: 2 });
    await other.close?.();
    expect(await subject.records(call, ctx.idempotencyKey)).toBe(1);
  });

  it('different calls make different records', async () => {
    const [a, b] = [deliveryContext(), deliveryContext()];
    const [callA, callB] = [inboundCall(), inboundCall({ startTime: '2026-03-04T16:01:00.000Z' })];
    await subject.adapter.deliver(callA, a);
    await subject.adapter.deliver(callB, b);
    expect(await subject.records(callA, a.idempotencyKey)).toBe(1);
    expect(await subject.records(callB, b.idempotencyKey)).toBe(1);
  });

  it('an unavailable CRM means retry later, and the retry leaves one record', async () => {
    const call = inboundCall();
    const ctx = deliveryContext();
    const repair = await subject.breakOnce();
    const err = await rejection(subject.adapter.deliver(call, ctx));
    expect(isPermanent(err)).toBe(false);
    subject.expectRetryError(err);
    const retrying = await repair();
    await retrying.deliver(call, { ...ctx, attempt: 2 });
    expect(await subject.records(call, ctx.idempotencyKey)).toBe(1);
  });

  it('an aborted delivery sends nothing and is retried', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const err = await rejection(
      subject.adapter.deliver(inboundCall(), deliveryContext({ signal: controller.signal })),
    );
    expect(isPermanent(err)).toBe(false);
    expect(await subject.received()).toBe(0);
  });

  it('update(): a late recording reaches the record delivered for the call, twice sent, no record added', async () => {
    const ctx = deliveryContext();
    const call = inboundCall({ recording: undefined });
    await subject.adapter.deliver(call, ctx);
    const link =
      'https://rc-enrich.example/recordings/809646016/2503648004.mp3?expires=1900000000&signature=abc';
    const late: EnrichedCall = {
      ...inboundCall(),
      ...pick(call, ['telephonySessionId', 'sessionId', 'accountId', 'firstSeenAt', 'endedAt']),
      recordings: [{ id: '2503648004', url: link, expiresAt: '2030-03-17T17:46:40.000Z' }],
    };
    expect(typeof subject.adapter.update).toBe('function');
    const update = { changes: ['recording' as const], updateKey: `${ctx.idempotencyKey}_update_recording` };
    await subject.adapter.update!(late, { ...ctx, ...update });
    await subject.adapter.update!(late, { ...ctx, ...update, attempt: 2 });
    expect(await subject.records(call, ctx.idempotencyKey)).toBe(1);
    expect(await subject.recordingOf(call, ctx.idempotencyKey)).toBe(link);
  });

  it('close() resolves when nothing was sent', async () => {
    await expect(Promise.resolve(subject.adapter.close?.())).resolves.toBeUndefined();
  });
});

describe.each(httpCrms)('adapter conformance › $name › the CRM refuses', (candidate) => {
  const subject = useSubject(candidate);

  it.each([400, 401])('a %i from the CRM means give up', async (status) => {
    subject().failNext(status);
    const err = await rejection(subject().adapter.deliver(inboundCall(), deliveryContext()));
    expect(isPermanent(err)).toBe(true);
  });
});
