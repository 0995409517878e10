import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { subscribe } from '../../src/cli/commands/subscribe.js';
import { defaultPermissions } from '../../src/fake-ringcentral/index.js';
import { HandshakeFailedError, SubscriptionPermissionError } from '../../src/subscriptions/errors.js';
import { redisUrl } from '../helpers/config.js';
import { emptyWorkingDir, entryArgs } from '../helpers/entry-process.js';
import { captureOutput, startHarness, type Harness } from './harness.js';

const run = promisify(execFile);
let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('subscribe › service not reachable at PUBLIC_URL', () => {
  it('fails with HandshakeFailedError explaining that RingCentral could not reach the webhook, and creates nothing', async () => {
    h = await startHarness({ service: false });
    const error = await subscribe(h.config, {}, captureOutput().output).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(HandshakeFailedError);
    const message = (error as Error).message;
    expect(message).toContain(`RingCentral could not reach ${h.publicUrl}/webhooks/ringcentral`);
    expect(message).toMatch(/must be running/);
    expect(message).toMatch(/PUBLIC_URL/);
    expect(h.fake.subscriptions.list()).toEqual([]);
  });

  it('the real CLI exits 1 with that message on stderr and nothing on stdout', async () => {
    h = await startHarness({ service: false });
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: h.config.queuePrefix,
      RINGCENTRAL_SERVER_URL: h.fake.url,
      RINGCENTRAL_CLIENT_ID: 'fake-client-id',
      RINGCENTRAL_CLIENT_SECRET: 'fake-client-secret',
      RINGCENTRAL_JWT: 'fake-jwt',
      WEBHOOK_VERIFICATION_TOKEN: 'test-verification-token',
      PUBLIC_URL: h.publicUrl,
    };
    // `npx tsx src/cli/main.ts`, without npx's own chatter on stderr.
    const args = entryArgs('src/cli/main.ts', ['subscribe']);
    const result = await run(process.execPath, args, { cwd: emptyWorkingDir(), env, timeout: 20_000 }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `rc-enrich: RingCentral could not reach ${h.publicUrl}/webhooks/ringcentral to validate the webhook`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /); // one clear message, no stack trace
  });
});

describe('subscribe › permissions', () => {
  it('names SubscriptionWebhook when the app lacks it', async () => {
    h = await startHarness({
      fake: { permissions: defaultPermissions.filter((name) => name !== 'SubscriptionWebhook') },
    });
    const error = await subscribe(h.config, {}, captureOutput().output).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(SubscriptionPermissionError);
    expect((error as Error).message).toMatch(/needs the "SubscriptionWebhook" permission/);
    expect(h.fake.subscriptions.list()).toEqual([]);
  });

  it('names CallControl when RingCentral disables the telephony-session filter, and leaves nothing behind', async () => {
    h = await startHarness({
      fake: { permissions: defaultPermissions.filter((name) => name !== 'CallControl') },
    });
    const error = await subscribe(h.config, {}, captureOutput().output).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(SubscriptionPermissionError);
    expect((error as Error).message).toMatch(/needs the "CallControl" permission/);
    expect(h.fake.subscriptions.list()).toEqual([]);
  });
});

describe('subscribe › credentials', () => {
  it('fails with a message pointing at the RINGCENTRAL_* settings when the JWT is refused', async () => {
    h = await startHarness();
    const config = h.configWith({ RINGCENTRAL_JWT: 'not-the-jwt' });
    const error = await subscribe(config, {}, captureOutput().output).catch((err: unknown) => err);

    expect((error as Error).message).toMatch(/Cannot log in to RingCentral/);
    expect((error as Error).message).toMatch(/RINGCENTRAL_JWT/);
    expect(h.fake.subscriptions.list()).toEqual([]);
  });
});
