import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotAdapter } from '../../src/adapters/hubspot/index.js';
import { parseOwnerMap } from '../../src/adapters/owners/map-file.js';
import { createSalesforceAdapter } from '../../src/adapters/salesforce/index.js';
import type { AdapterOptions, CrmAdapter, ExtensionDirectory } from '../../src/adapters/types.js';
import type { EnrichedCall } from '../../src/calls/types.js';
import { createFakeRingCentral, type FakeRingCentral } from '../../src/fake-ringcentral/index.js';
import { createKeys } from '../../src/infra/keys.js';
import { createMetrics } from '../../src/infra/metrics.js';
import { createRingCentralClient } from '../../src/ringcentral/client.js';
import { createRingCentralDirectory } from '../../src/ringcentral/directory.js';
import { startFakeHubSpot, type FakeHubSpot } from '../fakes/hubspot.js';
import { startFakeSalesforce, type FakeSalesforce } from '../fakes/salesforce.js';
import {
  abandonedInIvr,
  afternoonInLosAngeles,
  directoryExtensions,
  inboundCall,
  queueAnsweredBySecondAgent,
  transferredCall,
  voicemailCall,
} from '../fixtures/calls.js';
import { cleanupPrefix, redisUrl, testConfig } from '../helpers/config.js';
import { deliveryContext, silentLogger } from './support.js';

/**
 * Owner, outcome and date of the CRM record, through the real adapters: RingCentral's extension info
 * from the simulator (real SDK, real client), CRM users from the HubSpot and Salesforce fakes' owners
 * and User APIs.
 */
const hubspotToken = 'pat-na1-11111111-2222-3333-4444-555555555555';
const salesforceToken = '00Dfake!static-session';
const roomy = { limit: 100, windowMs: 60_000, penaltyMs: 60_000 };

interface Crm {
  name: 'hubspot' | 'salesforce';
  /** Add a CRM user with this email; returns its id. */
  addUser(email: string): string;
  fallbackEnv: string;
  fallbackId(): string;
  make(options: Partial<AdapterOptions> & { env?: Record<string, string> }): CrmAdapter;
  /** The owner id, outcome word and body of the one record written. */
  written(): { ownerId?: string; status?: string; body: string };
  /** The owner lookup answers 403 (missing scope / permission). */
  refuseOwnerLookups(): void;
  close(): Promise<void>;
}

async function hubspotCrm(): Promise<Crm> {
  const hubspot: FakeHubSpot = await startFakeHubSpot({ token: hubspotToken });
  const fallback = hubspot.addOwner({ email: 'desk@acme.example', firstName: 'Front', lastName: 'Desk' });
  return {
    name: 'hubspot',
    addUser: (email) => hubspot.addOwner({ email }),
    fallbackEnv: 'HUBSPOT_FALLBACK_OWNER_ID',
    fallbackId: () => fallback,
    make: ({ env, ...rest }) =>
      createHubSpotAdapter({
        env: { HUBSPOT_ACCESS_TOKEN: hubspotToken, HUBSPOT_BASE_URL: hubspot.url, ...env },
        logger: silentLogger,
        ...rest,
      }),
    written() {
      const [call] = [...hubspot.calls.values()];
      return {
        ownerId: call?.properties.hubspot_owner_id,
        status: call?.properties.hs_call_status,
        body: call?.properties.hs_call_body ?? '',
      };
    },
    refuseOwnerLookups: () => (hubspot.ownersScope = false),
    close: () => hubspot.close(),
  };
}

async function salesforceCrm(): Promise<Crm> {
  const salesforce: FakeSalesforce = await startFakeSalesforce({ staticToken: salesforceToken });
  const fallback = salesforce.addUser({ email: 'desk@acme.example' });
  return {
    name: 'salesforce',
    addUser: (email) => salesforce.addUser({ email }),
    fallbackEnv: 'SALESFORCE_FALLBACK_OWNER_ID',
    fallbackId: () => fallback,
    make: ({ env, ...rest }) =>
      createSalesforceAdapter({
        env: { SALESFORCE_ACCESS_TOKEN: salesforceToken, SALESFORCE_INSTANCE_URL: salesforce.url, ...env },
        logger: silentLogger,
        ...rest,
      }),
    written() {
      const [task] = [...salesforce.tasks.values()];
      return {
        ownerId: task?.fields.OwnerId as string | undefined,
        status: task?.fields.CallDisposition as string | undefined,
        body: String(task?.fields.Description ?? ''),
      };
    },
    refuseOwnerLookups: () =>
      salesforce.failNext(
        {
          status: 403,
          body: [{ message: 'Insufficient privileges', errorCode: 'INSUFFICIENT_ACCESS' }],
          match: /^GET .*\/query\/$/,
        },
        5,
      ),
    close: () => salesforce.close(),
  };
}

describe.each([
  ['hubspot', hubspotCrm],
  ['salesforce', salesforceCrm],
] as const)('%s › owner and outcome of the record', (_name, start) => {
  let ringcentral: FakeRingCentral;
  let directory: ExtensionDirectory;
  let redis: Redis;
  let prefix: string;
  let crm: Crm;

  beforeAll(async () => {
    // Every test starts afresh (its own key prefix, so its own login and cache): more logins and lookups
    // in a minute than RingCentral's Auth and Light groups allow one user.
    ringcentral = createFakeRingCentral({
      extensions: directoryExtensions,
      rateLimits: { Auth: roomy, Light: roomy },
    });
    await ringcentral.listen(0, '127.0.0.1');
  });
  afterAll(() => ringcentral.close());
  beforeEach(async () => {
    const config = testConfig({ RINGCENTRAL_SERVER_URL: ringcentral.url });
    prefix = config.queuePrefix;
    redis = new Redis(redisUrl);
    const keys = createKeys(prefix);
    const client = createRingCentralClient({
      config: config.ringcentral,
      redis,
      keys,
      logger: silentLogger,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    directory = createRingCentralDirectory({ ringcentral: client, redis, keys, logger: silentLogger });
    crm = await start();
  });
  afterEach(async () => {
    await crm.close();
    await redis.quit();
    await cleanupPrefix(prefix);
  });

  const deliver = (
    call: EnrichedCall,
    options: Partial<AdapterOptions> & { env?: Record<string, string> } = {},
  ) =>
    crm
      .make({ directory, ...options, env: { [crm.fallbackEnv]: crm.fallbackId(), ...options.env } })
      .deliver(call, deliveryContext());

  it('queue answered by the second agent › one record, owned by that agent (found by email)', async () => {
    const sam = crm.addUser('Sam@Acme.example');
    crm.addUser('alex@acme.example');
    const result = await deliver(queueAnsweredBySecondAgent());
    expect(crm.written().ownerId).toBe(sam);
    expect(result).toMatchObject({
      outcome: 'connected',
      owner: { ownerId: sam, source: 'email', reason: 'email' },
    });
    expect(result?.owner?.detail).toContain('sam@acme.example');
    const body = crm.written().body;
    for (const step of [
      'IVR Main Menu',
      'Queue Sales Queue',
      'Rang Alex Agent ext. 101: not answered',
      'Answered by Sam Support',
    ])
      expect(body).toContain(step);
  });

  it('CRM_OWNER_MAP › the mapped user wins over the email match, by extension id or by email', async () => {
    crm.addUser('sam@acme.example');
    const byId = await deliver(queueAnsweredBySecondAgent(), {
      ownerMap: parseOwnerMap({ '63': 'mapped-id-63', [crm.name]: { '63': crm.fallbackId() } }),
    });
    expect(byId?.owner).toMatchObject({ ownerId: crm.fallbackId(), source: 'map' });
    expect(crm.written().ownerId).toBe(crm.fallbackId());
  });

  it('CRM_OWNER_MAP by email › used without asking the CRM', async () => {
    const mapped = crm.addUser('someone-else@acme.example');
    const result = await deliver(transferredCall(), {
      ownerMap: parseOwnerMap({ 'SAM@acme.example': mapped }),
    });
    expect(result?.owner).toMatchObject({ ownerId: mapped, source: 'map', reason: 'mapped' });
  });

  it('no CRM user with the email › the fallback owner, and the delivery succeeds', async () => {
    const result = await deliver(queueAnsweredBySecondAgent());
    expect(result?.crmId).toBeDefined();
    expect(crm.written().ownerId).toBe(crm.fallbackId());
    expect(result?.owner, result?.owner?.detail).toMatchObject({ source: 'fallback', reason: 'no-crm-user' });
    expect(result?.owner?.detail).toMatch(/sam@acme\.example.*no active/);
  });

  it('the CRM refuses the owner lookup › the fallback owner, and the delivery succeeds', async () => {
    crm.addUser('sam@acme.example');
    crm.refuseOwnerLookups();
    const result = await deliver(queueAnsweredBySecondAgent());
    expect(result?.crmId).toBeDefined();
    expect(result?.owner).toMatchObject({
      ownerId: crm.fallbackId(),
      source: 'fallback',
      reason: 'lookup-failed',
    });
  });

  it('no fallback configured and no match › the record goes out without an owner, and says why', async () => {
    const result = await crm.make({ directory }).deliver(queueAnsweredBySecondAgent(), deliveryContext());
    expect(crm.written().ownerId).toBeUndefined();
    expect(result?.owner, result?.owner?.detail).toMatchObject({ source: 'none', reason: 'no-crm-user' });
    expect(result?.owner?.detail).toContain(crm.fallbackEnv);
  });

  it('abandoned in the IVR › logged once as abandoned, on the fallback owner', async () => {
    const result = await deliver(abandonedInIvr());
    expect(result).toMatchObject({
      outcome: 'abandoned',
      owner: { source: 'fallback', reason: 'nobody-handled' },
    });
    expect(crm.written().ownerId).toBe(crm.fallbackId());
    expect(crm.written().status).toBe(crm.name === 'hubspot' ? 'CANCELED' : 'Abandoned');
  });

  it('voicemail › outcome voicemail, on the agent whose mailbox took it', async () => {
    const alex = crm.addUser('alex@acme.example');
    const result = await deliver(voicemailCall());
    expect(result).toMatchObject({ outcome: 'voicemail', owner: { ownerId: alex, source: 'email' } });
    expect(crm.written().status).toBe(crm.name === 'hubspot' ? 'NO_ANSWER' : 'Voicemail');
    expect(crm.written().body).toContain('Voicemail of Alex Agent');
  });

  it('transfer › the person the call was transferred to owns it; the body says who transferred', async () => {
    crm.addUser('alex@acme.example');
    const sam = crm.addUser('sam@acme.example');
    const result = await deliver(transferredCall());
    expect(result).toMatchObject({ outcome: 'connected', owner: { ownerId: sam } });
    expect(crm.written().body).toContain('Transferred by Alex Agent ext. 101 to Sam Support ext. 102');
  });

  it('no RingCentral extension info (directory off) › fallback owner, delivery succeeds', async () => {
    crm.addUser('sam@acme.example');
    const result = await deliver(inboundCall(), { directory: undefined });
    expect(result?.owner).toMatchObject({ source: 'fallback', reason: 'no-email' });
  });

  it('RingCentral extension info is looked up once per extension, then cached', async () => {
    crm.addUser('sam@acme.example');
    ringcentral.resetStats();
    await deliver(queueAnsweredBySecondAgent());
    await deliver(queueAnsweredBySecondAgent());
    const lookups = ringcentral.requestLog.filter((r) => r.route?.includes('/extension/{extensionId}'));
    expect(lookups.map((r) => r.path).sort()).toEqual(
      directoryExtensions.map((e) => `/restapi/v1.0/account/~/extension/${e.id}`).sort(),
    );
    expect(new Set(lookups.map((r) => r.group))).toEqual(new Set(['Light']));
  });
});

describe('salesforce › the Task date in CRM_TIME_ZONE', () => {
  let salesforce: FakeSalesforce;
  let ringcentral: FakeRingCentral;
  let redis: Redis;
  let prefix: string;
  beforeEach(async () => {
    salesforce = await startFakeSalesforce({ staticToken: salesforceToken });
    ringcentral = createFakeRingCentral({ extensions: directoryExtensions, timeZone: 'America/Los_Angeles' });
    await ringcentral.listen(0, '127.0.0.1');
    const config = testConfig({ RINGCENTRAL_SERVER_URL: ringcentral.url });
    prefix = config.queuePrefix;
    redis = new Redis(redisUrl);
  });
  afterEach(async () => {
    await salesforce.close();
    await ringcentral.close();
    await redis.quit();
    await cleanupPrefix(prefix);
  });
  const directory = () => {
    const keys = createKeys(prefix);
    const config = testConfig({ RINGCENTRAL_SERVER_URL: ringcentral.url, QUEUE_PREFIX: prefix });
    const client = createRingCentralClient({
      config: config.ringcentral,
      redis,
      keys,
      logger: silentLogger,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    return createRingCentralDirectory({ ringcentral: client, redis, keys, logger: silentLogger });
  };
  const activityDate = async (options: Partial<AdapterOptions>) => {
    await createSalesforceAdapter({
      env: { SALESFORCE_ACCESS_TOKEN: salesforceToken, SALESFORCE_INSTANCE_URL: salesforce.url },
      logger: silentLogger,
      ...options,
    }).deliver(afternoonInLosAngeles(), deliveryContext());
    return [...salesforce.tasks.values()].at(-1)!.fields.ActivityDate;
  };

  it('16:30 in Los Angeles (00:30 UTC the next day) › the Los Angeles date', async () => {
    expect(await activityDate({ timeZone: 'America/Los_Angeles' })).toBe('2026-01-14');
  });

  it('CRM_TIME_ZONE unset › the RingCentral account time zone', async () => {
    expect(await activityDate({ directory: directory() })).toBe('2026-01-14');
  });

  it('neither › UTC', async () => {
    expect(await activityDate({})).toBe('2026-01-15');
  });
});
