import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotAdapter } from '../../src/adapters/hubspot/index.js';
import type { AdapterOptions } from '../../src/adapters/types.js';
import { ConfigError } from '../../src/config.js';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../src/errors.js';
import { startFakeHubSpot, type FakeHubSpot } from '../fakes/hubspot.js';
import type { RecordedRequest } from '../fakes/loopback.js';
import {
  CALLER,
  COMPANY_NUMBER,
  inboundCall,
  internalCall,
  outboundNoAnswerCall,
} from '../fixtures/calls.js';
import { captureLogger, deliveryContext, redisScope, rejection, silentLogger } from './support.js';

const token = 'pat-na1-0a1b2c3d-4e5f-6789-abcd-ef0123456789';

/** What the adapter sends: a create, a search or a PATCH body. */
interface SentBody {
  properties: Record<string, string>;
  associations: Array<{ to: { id: string }; types: unknown[] }>;
  filterGroups: Array<{
    filters: Array<{ propertyName: string; operator: string; value?: string; values?: string[] }>;
  }>;
  sorts: unknown[];
}

describe('hubspot adapter', () => {
  let hubspot: FakeHubSpot;
  let scope: Awaited<ReturnType<typeof redisScope>>;
  const options = (env: Record<string, string> = {}): AdapterOptions => ({
    env: { HUBSPOT_ACCESS_TOKEN: token, HUBSPOT_BASE_URL: hubspot.url, ...env },
    logger: silentLogger,
    redis: scope.redis,
    keyPrefix: scope.keyPrefix,
  });
  const sent = (method: string, path: string | RegExp) =>
    hubspot.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  const creates = () => sent('POST', '/crm/v3/objects/calls');
  const body = (request: RecordedRequest | undefined) => request?.json as SentBody;

  beforeEach(async () => {
    hubspot = await startFakeHubSpot({ token, customCallProperties: ['rc_call_id'] });
    scope = await redisScope();
  });
  afterEach(async () => {
    await hubspot.close();
    await scope.cleanup();
  });

  it('creates a call engagement with the documented properties, associated with the contact', async () => {
    const contact = hubspot.addContact({ phone: '(415) 555-0100', firstname: 'Jane' });
    const call = inboundCall();
    const result = await createHubSpotAdapter(options()).deliver(call, deliveryContext());

    expect(creates()).toHaveLength(1);
    const request = creates()[0]!;
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
    expect(body(request).properties).toEqual({
      hs_timestamp: String(Date.parse('2026-03-04T15:20:05.123Z')),
      hs_call_title: 'Inbound call from +1 (415) 555-0100 JANE ROE',
      hs_call_body: expect.stringContaining(`RingCentral session: ${call.sessionId}`),
      hs_call_duration: '125000',
      hs_call_direction: 'INBOUND',
      hs_call_from_number: CALLER,
      hs_call_to_number: COMPANY_NUMBER,
      hs_call_status: 'COMPLETED',
      hs_call_recording_url: call.records[0]!.recording!.contentUri,
    });
    expect(body(request).associations).toEqual([
      { to: { id: contact }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] },
    ]);
    expect(result).toMatchObject({ crmId: [...hubspot.calls.keys()][0] });
    expect([...hubspot.calls.values()][0]!.contacts).toEqual(new Set([contact]));
  });

  it('looks the contact up by phone and mobile phone, in E.164 and the national formats', async () => {
    const contact = hubspot.addContact({ mobilephone: '+1 415 555 0100' });
    await createHubSpotAdapter(options()).deliver(inboundCall(), deliveryContext());

    const search = body(sent('POST', '/crm/v3/objects/contacts/search')[0]);
    expect(search.filterGroups).toHaveLength(2);
    expect(search.filterGroups.map((g) => g.filters[0]!.propertyName)).toEqual(['phone', 'mobilephone']);
    for (const group of search.filterGroups) {
      expect(group.filters[0]!.operator).toBe('IN');
      expect(group.filters[0]!.values).toEqual(
        expect.arrayContaining(['+14155550100', '4155550100', '(415) 555-0100', '415-555-0100']),
      );
    }
    expect(search.sorts).toEqual([{ propertyName: 'lastmodifieddate', direction: 'DESCENDING' }]);
    expect(body(creates()[0]).associations[0]!.to.id).toBe(contact);
  });

  it('several contacts share the number › the most recently modified one (HUBSPOT_CONTACT_MATCH=most-recent)', async () => {
    hubspot.addContact({ phone: '4155550100' });
    const newer = hubspot.addContact({ phone: '415-555-0100' });
    await createHubSpotAdapter(options()).deliver(inboundCall(), deliveryContext());
    expect(body(creates()[0]).associations.map((a) => a.to.id)).toEqual([newer]);
  });

  it('HUBSPOT_CONTACT_MATCH=all › one engagement associated with every match (not one per contact)', async () => {
    const ids = [hubspot.addContact({ phone: '4155550100' }), hubspot.addContact({ phone: '415-555-0100' })];
    await createHubSpotAdapter(options({ HUBSPOT_CONTACT_MATCH: 'all' })).deliver(
      inboundCall(),
      deliveryContext(),
    );
    expect(creates()).toHaveLength(1);
    expect([...hubspot.calls.values()][0]!.contacts).toEqual(new Set(ids));
  });

  it('no contact with that number › the call is still logged, without association', async () => {
    await createHubSpotAdapter(options()).deliver(inboundCall(), deliveryContext());
    expect(body(creates()[0]).associations).toEqual([]);
    expect(sent('GET', '/crm/v4/associations/calls/contacts/labels')).toHaveLength(0);
  });

  it('looks the association type up once and reuses it', async () => {
    hubspot.addContact({ phone: '+14155550100' });
    const adapter = createHubSpotAdapter(options());
    await adapter.deliver(inboundCall(), deliveryContext());
    await adapter.deliver(inboundCall(), deliveryContext());
    expect(creates()).toHaveLength(2);
    expect(sent('GET', '/crm/v4/associations/calls/contacts/labels')).toHaveLength(1);
  });

  it('an outbound unanswered call › OUTBOUND, NO_ANSWER, contact looked up by the number called', async () => {
    const contact = hubspot.addContact({ phone: '+14155550100' });
    await createHubSpotAdapter(options()).deliver(outboundNoAnswerCall(), deliveryContext());
    expect(body(creates()[0]).properties).toMatchObject({
      hs_call_direction: 'OUTBOUND',
      hs_call_status: 'NO_ANSWER',
      hs_call_to_number: CALLER,
      hs_call_duration: '31000',
    });
    expect(body(creates()[0]).associations[0]!.to.id).toBe(contact);
  });

  it('an internal call › no contact search', async () => {
    await createHubSpotAdapter(options()).deliver(internalCall(), deliveryContext());
    expect(sent('POST', '/crm/v3/objects/contacts/search')).toHaveLength(0);
    expect(creates()).toHaveLength(1);
  });

  it('a recording URL that is not HTTPS › left out (HubSpot only accepts HTTPS)', async () => {
    const call = inboundCall();
    call.records[0]!.recording!.contentUri = 'http://media.example/recording/1';
    await createHubSpotAdapter(options()).deliver(call, deliveryContext());
    expect(body(creates()[0]).properties).not.toHaveProperty('hs_call_recording_url');
  });

  it('CRM_OUTCOME_MAP › re-mapped results change hs_call_status', async () => {
    await createHubSpotAdapter(options({ CRM_OUTCOME_MAP: 'Accepted=voicemail' })).deliver(
      inboundCall(),
      deliveryContext(),
    );
    expect(body(creates()[0]).properties.hs_call_status).toBe('NO_ANSWER');
  });

  describe('never a second engagement for one call', () => {
    it('delivered again › PATCH of the stored engagement, title and body (which people edit) left alone', async () => {
      const adapter = createHubSpotAdapter(options());
      const call = inboundCall();
      const ctx = deliveryContext();
      const { crmId } = (await adapter.deliver(call, ctx))!;
      hubspot.calls.get(crmId!)!.properties.hs_call_title = 'Edited by a person';

      const again = await adapter.deliver(call, { ...ctx, attempt: 2 });
      expect(again).toMatchObject({ crmId });
      expect(creates()).toHaveLength(1);
      const patch = sent('PATCH', `/crm/v3/objects/calls/${crmId}`);
      expect(patch).toHaveLength(1);
      expect(Object.keys(body(patch[0]).properties)).not.toContain('hs_call_title');
      expect(Object.keys(body(patch[0]).properties)).not.toContain('hs_call_body');
      expect(hubspot.calls.get(crmId!)!.properties.hs_call_title).toBe('Edited by a person');
    });

    it('the contact appears later › a replay associates it', async () => {
      const adapter = createHubSpotAdapter(options());
      const call = inboundCall();
      const ctx = deliveryContext();
      const { crmId } = (await adapter.deliver(call, ctx))!;
      const contact = hubspot.addContact({ phone: '4155550100' });
      await adapter.deliver(call, { ...ctx, attempt: 2 });
      expect(sent('PUT', `/crm/v4/objects/calls/${crmId}/associations/contacts/${contact}`)).toHaveLength(1);
      expect(hubspot.calls.get(crmId!)!.contacts).toEqual(new Set([contact]));
    });

    it('the id is kept in Redis under the key prefix, with a TTL', async () => {
      const ctx = deliveryContext();
      const { crmId } = (await createHubSpotAdapter(options()).deliver(inboundCall(), ctx))!;
      const key = `${scope.keyPrefix}:adapter:hubspot:record:${ctx.idempotencyKey}`;
      expect(await scope.redis.get(key)).toBe(`id:${crmId}`);
      expect(await scope.redis.ttl(key)).toBeGreaterThan(0);
    });

    it.each(['504', 'hang'] as const)(
      'HubSpot created it but the answer was lost (%s) › the next attempt finds it by search and updates it',
      async (how) => {
        const adapter = createHubSpotAdapter(options({ CRM_REQUEST_TIMEOUT_MS: '300' }));
        const call = inboundCall();
        const ctx = deliveryContext();
        hubspot.loseNextCreateResponse(how);
        await expect(adapter.deliver(call, ctx)).rejects.toBeInstanceOf(RetryableDeliveryError);
        expect(hubspot.calls.size).toBe(1);

        const result = await adapter.deliver(call, { ...ctx, attempt: 2 });
        expect(hubspot.calls.size).toBe(1);
        expect(result).toMatchObject({ crmId: [...hubspot.calls.keys()][0] });
        const search = body(sent('POST', '/crm/v3/objects/calls/search')[0]);
        expect(search.filterGroups[0]!.filters).toEqual([
          {
            propertyName: 'hs_timestamp',
            operator: 'EQ',
            value: String(Date.parse(call.records[0]!.startTime)),
          },
          { propertyName: 'hs_call_from_number', operator: 'EQ', value: CALLER },
          { propertyName: 'hs_call_to_number', operator: 'EQ', value: COMPANY_NUMBER },
        ]);
        expect(creates()).toHaveLength(1);
      },
    );

    it('search lags behind the lost create › retry later instead of creating a duplicate', async () => {
      hubspot.searchLagMs = 400;
      const adapter = createHubSpotAdapter(options());
      const call = inboundCall();
      const ctx = deliveryContext();
      hubspot.loseNextCreateResponse('504');
      await rejection(adapter.deliver(call, ctx));

      const waiting = await rejection(adapter.deliver(call, { ...ctx, attempt: 2 }));
      expect(waiting).toBeInstanceOf(RetryableDeliveryError);
      expect((waiting as RetryableDeliveryError).retryAfterMs).toBeGreaterThan(50_000);
      expect(creates()).toHaveLength(1);

      // HubSpot's search index catches up: the retry finds the record instead of creating another.
      hubspot.searchLagMs = 0;
      await adapter.deliver(call, { ...ctx, attempt: 3 });
      expect(creates()).toHaveLength(1);
      expect(hubspot.calls.size).toBe(1);
    });

    it('HUBSPOT_CALL_ID_PROPERTY › the key is written to it and the lost create is found by it', async () => {
      const adapter = createHubSpotAdapter(options({ HUBSPOT_CALL_ID_PROPERTY: 'rc_call_id' }));
      const call = inboundCall();
      const ctx = deliveryContext();
      hubspot.loseNextCreateResponse('504');
      await rejection(adapter.deliver(call, ctx));
      expect(body(creates()[0]).properties.rc_call_id).toBe(ctx.idempotencyKey);
      await adapter.deliver(call, { ...ctx, attempt: 2 });
      expect(body(sent('POST', '/crm/v3/objects/calls/search')[0]).filterGroups[0]!.filters).toEqual([
        { propertyName: 'rc_call_id', operator: 'EQ', value: ctx.idempotencyKey },
      ]);
      expect(hubspot.calls.size).toBe(1);
    });

    it('a refused create (4xx) › nothing pending, the next attempt creates without searching', async () => {
      const adapter = createHubSpotAdapter(options());
      const call = inboundCall();
      const ctx = deliveryContext();
      hubspot.failNext({
        status: 429,
        body: { status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
        match: /^POST \/crm\/v3\/objects\/calls$/,
      });
      await rejection(adapter.deliver(call, ctx));
      await adapter.deliver(call, { ...ctx, attempt: 2 });
      expect(sent('POST', '/crm/v3/objects/calls/search')).toHaveLength(0);
      expect(hubspot.calls.size).toBe(1);
    });

    it('the engagement was deleted in HubSpot › created again', async () => {
      const adapter = createHubSpotAdapter(options());
      const call = inboundCall();
      const ctx = deliveryContext();
      const first = await adapter.deliver(call, ctx);
      hubspot.calls.clear();
      const second = await adapter.deliver(call, { ...ctx, attempt: 2 });
      expect(second?.crmId).not.toBe(first?.crmId);
      expect(hubspot.calls.size).toBe(1);
    });
  });

  describe('errors and rate limits', () => {
    it('429 (ten-secondly) › retry after the interval HubSpot reports', async () => {
      hubspot.failNext({
        status: 429,
        headers: {
          'x-hubspot-ratelimit-interval-milliseconds': '10000',
          'x-hubspot-ratelimit-remaining': '0',
        },
        body: {
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          policyName: 'TEN_SECONDLY_ROLLING',
        },
      });
      const err = await rejection(createHubSpotAdapter(options()).deliver(inboundCall(), deliveryContext()));
      expect(err).toBeInstanceOf(RetryableDeliveryError);
      expect(err).toMatchObject({ retryAfterMs: 10_000 });
      expect(err.message).toMatch(/rate limited.*ten_secondly_rolling/);
    });

    it('429 with Retry-After › that wins', async () => {
      hubspot.failNext({ status: 429, headers: { 'retry-after': '3' }, body: { errorType: 'RATE_LIMIT' } });
      const err = await rejection(createHubSpotAdapter(options()).deliver(inboundCall(), deliveryContext()));
      expect(err).toMatchObject({ retryAfterMs: 3_000 });
    });

    it('429 on the daily limit › retry in an hour', async () => {
      hubspot.failNext({ status: 429, body: { errorType: 'RATE_LIMIT', policyName: 'DAILY' } });
      const err = await rejection(createHubSpotAdapter(options()).deliver(inboundCall(), deliveryContext()));
      expect(err).toMatchObject({ retryAfterMs: 3_600_000 });
    });

    it('the real fake limit › answers 429 with its headers, the adapter retries later', async () => {
      hubspot.remaining = 0;
      const err = await rejection(createHubSpotAdapter(options()).deliver(internalCall(), deliveryContext()));
      expect(err).toBeInstanceOf(RetryableDeliveryError);
      expect(hubspot.calls.size).toBe(0);
    });

    it('the window is nearly used up › the next delivery waits without sending anything', async () => {
      const adapter = createHubSpotAdapter(options());
      hubspot.remaining = 2;
      await adapter.deliver(internalCall(), deliveryContext());
      const before = hubspot.requests.length;
      const err = await rejection(adapter.deliver(internalCall(), deliveryContext()));
      expect(err).toBeInstanceOf(RetryableDeliveryError);
      expect((err as RetryableDeliveryError).retryAfterMs).toBeGreaterThan(9_000);
      expect(hubspot.requests.length).toBe(before);
    });

    it.each([500, 502, 503])('%i › retry later', async (status) => {
      hubspot.failNext({ status, body: { status: 'error', message: 'internal error' } });
      const err = await rejection(createHubSpotAdapter(options()).deliver(inboundCall(), deliveryContext()));
      expect(err).toBeInstanceOf(RetryableDeliveryError);
    });

    it('401 › give up, saying the token is wrong, without printing it', async () => {
      const adapter = createHubSpotAdapter({
        ...options(),
        env: { HUBSPOT_ACCESS_TOKEN: 'pat-na1-wrong', HUBSPOT_BASE_URL: hubspot.url },
      });
      const err = await rejection(adapter.deliver(inboundCall(), deliveryContext()));
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(err.message).toMatch(/refused HUBSPOT_ACCESS_TOKEN \(401/);
      expect(err.message).not.toContain('pat-na1-wrong');
    });

    it('403 › give up, naming the scopes the private app needs', async () => {
      hubspot.failNext({
        status: 403,
        body: {
          status: 'error',
          message: "This app hasn't been granted all required scopes",
          category: 'MISSING_SCOPES',
        },
      });
      const err = await rejection(createHubSpotAdapter(options()).deliver(inboundCall(), deliveryContext()));
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(err.message).toMatch(/crm\.objects\.contacts\.read and crm\.objects\.contacts\.write/);
    });

    it("400 on create › give up with HubSpot's message, nothing created", async () => {
      hubspot.failNext({
        status: 400,
        body: { status: 'error', message: 'Property values were not valid', category: 'VALIDATION_ERROR' },
        match: /^POST \/crm\/v3\/objects\/calls$/,
      });
      const err = await rejection(createHubSpotAdapter(options()).deliver(inboundCall(), deliveryContext()));
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(err.message).toContain('Property values were not valid');
      expect(hubspot.calls.size).toBe(0);
    });

    it('never logs the token', async () => {
      const { logger, output } = captureLogger();
      const adapter = createHubSpotAdapter({ ...options(), logger });
      hubspot.addContact({ phone: '4155550100' });
      await adapter.deliver(inboundCall(), deliveryContext({ logger }));
      hubspot.failNext({ status: 401, body: { message: 'bad token' } });
      await rejection(adapter.deliver(inboundCall(), deliveryContext({ logger })));
      expect(output()).toContain('hubspot: call created');
      expect(output()).not.toContain(token);
    });
  });

  describe('settings', () => {
    const make = (env: Record<string, string>) => () => createHubSpotAdapter({ env, logger: silentLogger });

    it('no token › a ConfigError naming HUBSPOT_ACCESS_TOKEN and where to get one', () => {
      expect(make({})).toThrow(ConfigError);
      expect(make({})).toThrow(
        /HUBSPOT_ACCESS_TOKEN is required \(the access token of a HubSpot private app/,
      );
    });

    it.each([
      [{ HUBSPOT_BASE_URL: 'api.hubapi.com' }, /HUBSPOT_BASE_URL must be an http\(s\) URL/],
      [{ HUBSPOT_CONTACT_MATCH: 'first' }, /HUBSPOT_CONTACT_MATCH must be most-recent, all or none/],
      [
        { HUBSPOT_CALL_ID_PROPERTY: 'RC Call Id' },
        /HUBSPOT_CALL_ID_PROPERTY must be a property's internal name/,
      ],
    ])('%o › a ConfigError naming the variable', (env, message) => {
      expect(make({ HUBSPOT_ACCESS_TOKEN: token, ...env })).toThrow(message);
    });
  });
});
