import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SDK } from '@ringcentral/sdk';
import { afterEach } from 'vitest';
import {
  createFakeRingCentral,
  type FakeRingCentral,
  type FakeRingCentralOptions,
} from '../../src/fake-ringcentral/index.js';

/** Parsed JSON in assertions; the shapes are what the tests check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A clock tests move by hand: visibility windows and rate limits without sleeping. */
export function manualClock(start = Date.parse('2024-05-01T12:00:00.000Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms), set: (value: number) => void (t = value) };
}

/** A listening fake, closed after the test. */
export async function startFake(options: FakeRingCentralOptions = {}): Promise<FakeRingCentral> {
  const fake = createFakeRingCentral(options);
  await fake.listen();
  cleanups.push(() => fake.close());
  return fake;
}

/**
 * A fake on a hand-moved clock whose Call Log shows calls 2–4 s after they end, Heavy limit out of the
 * way, and the real SDK logged in to it.
 */
export async function startCallLogFake(options: FakeRingCentralOptions = {}) {
  const clock = manualClock();
  const fake = await startFake({
    now: clock.now,
    callLogVisibilityMs: [2_000, 4_000],
    rateLimits: { Heavy: { limit: 100, windowMs: 60_000, penaltyMs: 60_000 } },
    ...options,
  });
  const { platform } = await loggedIn(fake);
  return { clock, fake, platform };
}

/** The real SDK pointed at the fake (429s are not retried by the SDK). */
export function sdkFor(fake: FakeRingCentral, overrides: { clientSecret?: string } = {}) {
  const sdk = new SDK({
    server: fake.url,
    clientId: fake.credentials.clientId,
    clientSecret: overrides.clientSecret ?? fake.credentials.clientSecret,
    handleRateLimit: false,
  });
  return sdk.platform();
}

export async function loggedIn(fake: FakeRingCentral) {
  const platform = sdkFor(fake);
  await platform.login({ jwt: fake.credentials.jwt });
  const token = (await platform.auth().data()).access_token ?? '';
  return { platform, token };
}

/** The parsed JSON body of an SDK call that succeeded. */
export async function bodyOf(response: Promise<Response>): Promise<Json> {
  return (await response).json();
}

/** What an SDK call threw: status, parsed body and headers of the response. */
export async function sdkFailure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    const response = (err as { response?: Response }).response;
    if (!response) throw err;
    return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
  }
  throw new Error('expected the SDK call to fail');
}

/** Plain fetch with an optional bearer token; body parsed as JSON when there is one. */
export async function call(fake: FakeRingCentral, path: string, token?: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const response = await fetch(`${fake.url}${path}`, { ...init, headers });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as Json,
  };
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: Json;
}

type HandshakeMode = 'echo' | 'no-echo' | 'status-500' | 'hang' | 'too-large';

/** A local webhook receiver: answers the handshake per `mode`, records notifications. */
export async function startReceiver(
  options: { handshake?: HandshakeMode; notificationStatus?: number } = {},
) {
  const received: Received[] = [];
  const handshakes: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const token = req.headers['validation-token'];
      if (typeof token === 'string') {
        handshakes.push({ headers: req.headers, body: text });
        const mode = options.handshake ?? 'echo';
        if (mode === 'hang') return; // never answers
        if (mode === 'status-500') return res.writeHead(500).end();
        if (mode === 'no-echo') return res.writeHead(200, { 'Content-Type': 'application/json' }).end();
        const pad = mode === 'too-large' ? 'x'.repeat(2000) : '';
        return res.writeHead(200, { 'Content-Type': 'application/json', 'Validation-Token': token }).end(pad);
      }
      received.push({ headers: req.headers, body: text ? JSON.parse(text) : undefined });
      res.writeHead(options.notificationStatus ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(close);
  return { url, received, handshakes, close };
}

export const telephonyFilter = '/restapi/v1.0/account/~/telephony/sessions';

/** Create a webhook subscription through the SDK. */
export async function subscribe(
  platform: Awaited<ReturnType<typeof loggedIn>>['platform'],
  address: string,
  extra: { eventFilters?: string[]; expiresIn?: number; verificationToken?: string } = {},
) {
  const response = await platform.post('/restapi/v1.0/subscription', {
    eventFilters: extra.eventFilters ?? [telephonyFilter],
    deliveryMode: {
      transportType: 'WebHook',
      address,
      verificationToken: extra.verificationToken ?? 'secret-token',
    },
    ...(extra.expiresIn === undefined ? {} : { expiresIn: extra.expiresIn }),
  });
  return (await response.json()) as Json;
}
