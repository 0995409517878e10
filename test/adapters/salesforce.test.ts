import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceAdapter } from '../../src/adapters/salesforce/index.js';
import type { AdapterOptions } from '../../src/adapters/types.js';
import { ConfigError } from '../../src/config.js';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../src/errors.js';
import type { RecordedRequest } from '../fakes/loopback.js';
import { startFakeSalesforce, type FakeSalesforce } from '../fakes/salesforce.js';
import { inboundCall, internalCall, outboundNoAnswerCall } from '../fixtures/calls.js';
import { captureLogger, deliveryContext, redisScope, rejection, silentLogger } from './support.js';

const staticToken = '00D5e000000abcd!AQ8AQF.static.session.token';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const jwt = { clientId: '3MVG9rcEnrichConsumerKey', username: 'integration@acme.example', publicKey };

type Json = Record<string, unknown>;

describe('salesforce adapter', () => {
  let salesforce: FakeSalesforce;
  let scope: Awaited<ReturnType<typeof redisScope>>;
  const tokenEnv = () => ({ SALESFORCE_ACCESS_TOKEN: staticToken, SALESFORCE_INSTANCE_URL: salesforce.url });
  const jwtEnv = () => ({
    SALESFORCE_CLIENT_ID: jwt.clientId,
    SALESFORCE_USERNAME: jwt.username,
    SALESFORCE_PRIVATE_KEY: pem,
    SALESFORCE_LOGIN_URL: salesforce.url,
  });
  const options = (env: Record<string, string>): AdapterOptions => ({
    env,
    logger: silentLogger,
    redis: scope.redis,
    keyPrefix: scope.keyPrefix,
  });
  const sent = (method: string, path: RegExp) =>
    salesforce.requests.filter((r) => r.method === method && path.test(r.path));
  const creates = () => sent('POST', /\/sobjects\/Task\/$/);
  const json = (request: RecordedRequest | undefined) => request?.json as Json;

  beforeEach(async () => {
    salesforce = await startFakeSalesforce({
      staticToken,
      jwt,
      externalIdFields: ['RingCentral_Call_Id__c'],
    });
    scope = await redisScope();
  });
  afterEach(async () => {
    await salesforce.close();
    await scope.cleanup();
  });

  it('creates a completed call Task with the call-center fields, WhoId from the phone search', async () => {
    const contact = salesforce.addContact('(415) 555-0100');
    const call = inboundCall();
    const result = await createSalesforceAdapter(options(tokenEnv())).deliver(call, deliveryContext());

    expect(creates()).toHaveLength(1);
    expect(creates()[0]!.headers.authorization).toBe(`Bearer ${staticToken}`);
    expect(json(creates()[0])).toEqual({
      Subject: 'Inbound call from +1 (415) 555-0100 JANE ROE',
      Description: expect.stringContaining(`RingCentral session: ${call.sessionId}`),
      CallType: 'Inbound',
      CallDurationInSeconds: 125,
      CallObject: call.sessionId,
      CallDisposition: 'Connected',
      ActivityDate: '2026-03-04',
      Status: 'Completed',
      WhoId: contact,
    });
    expect(result).toMatchObject({ crmId: [...salesforce.tasks.keys()][0] });
  });

  it('searches phone fields with SOSL, the E.164 and national formats escaped', async () => {
    salesforce.addContact('415-555-0100');
    await createSalesforceAdapter(options(tokenEnv())).deliver(inboundCall(), deliveryContext());
    const [search] = sent('GET', /\/services\/data\/v60\.0\/search\/$/);
    const sosl = search!.query.get('q')!;
    expect(sosl).toMatch(
      /^FIND \{.+\} IN PHONE FIELDS RETURNING Contact\(Id .*\), Lead\(Id WHERE IsConverted = false .*\)$/,
    );
    expect(sosl).toContain('"\\+14155550100"');
    expect(sosl).toContain('"4155550100"');
    expect(sosl).toContain('"\\(415\\) 555\\-0100"');
    expect(json(creates()[0])!.WhoId).toMatch(/^003/);
  });

  it('no contact but a lead › WhoId is the lead; neither › no WhoId', async () => {
    const lead = salesforce.addLead('+14155550100');
    await createSalesforceAdapter(options(tokenEnv())).deliver(inboundCall(), deliveryContext());
    expect(json(creates()[0])!.WhoId).toBe(lead);
    await createSalesforceAdapter(options(tokenEnv())).deliver(outboundNoAnswerCall(), deliveryContext());
    expect(json(creates()[1])!.WhoId).toBe(lead);

    const other = await startFakeSalesforce({ staticToken });
    try {
      const env = { SALESFORCE_ACCESS_TOKEN: staticToken, SALESFORCE_INSTANCE_URL: other.url };
      await createSalesforceAdapter(options(env)).deliver(inboundCall(), deliveryContext());
      expect(other.requests.find((r) => r.method === 'POST')!.json).not.toHaveProperty('WhoId');
    } finally {
      await other.close();
    }
  });

  it('outbound and internal calls › CallType Outbound / Internal, the disposition from the outcome', async () => {
    const adapter = createSalesforceAdapter(options(tokenEnv()));
    await adapter.deliver(outboundNoAnswerCall(), deliveryContext());
    await adapter.deliver(internalCall(), deliveryContext());
    expect(json(creates()[0])).toMatchObject({
      CallType: 'Outbound',
      CallDisposition: 'No answer',
      CallDurationInSeconds: 31,
    });
    expect(json(creates()[1])).toMatchObject({ CallType: 'Internal' });
    expect(sent('GET', /\/search\/$/)).toHaveLength(1); // none for the internal call
  });

  it('SALESFORCE_API_VERSION › used in every path', async () => {
    const fake = await startFakeSalesforce({ staticToken, apiVersion: 'v59.0' });
    try {
      const env = {
        SALESFORCE_ACCESS_TOKEN: staticToken,
        SALESFORCE_INSTANCE_URL: fake.url,
        SALESFORCE_API_VERSION: 'v59.0',
      };
      await createSalesforceAdapter(options(env)).deliver(inboundCall(), deliveryContext());
      expect(fake.tasks.size).toBe(1);
      expect(fake.requests.every((r) => r.path.startsWith('/services/data/v59.0/'))).toBe(true);
    } finally {
      await fake.close();
    }
  });

  describe('never a second Task for one call', () => {
    it('delivered again › PATCH by the stored id, Subject and Description left alone', async () => {
      const adapter = createSalesforceAdapter(options(tokenEnv()));
      const call = inboundCall();
      const ctx = deliveryContext();
      const { crmId } = (await adapter.deliver(call, ctx))!;
      salesforce.tasks.get(crmId!)!.fields.Subject = 'Edited by a person';
      await adapter.deliver(call, { ...ctx, attempt: 2 });

      expect(salesforce.tasks.size).toBe(1);
      const patch = sent('PATCH', new RegExp(`/sobjects/Task/${crmId}$`));
      expect(patch).toHaveLength(1);
      expect(json(patch[0])).not.toHaveProperty('Subject');
      expect(json(patch[0])).not.toHaveProperty('Description');
      expect(salesforce.tasks.get(crmId!)!.fields.Subject).toBe('Edited by a person');
    });

    it('SALESFORCE_EXTERNAL_ID_FIELD › upsert on it keyed by the idempotency key', async () => {
      const env = { ...tokenEnv(), SALESFORCE_EXTERNAL_ID_FIELD: 'RingCentral_Call_Id__c' };
      const call = inboundCall();
      const ctx = deliveryContext();
      const first = await createSalesforceAdapter(options(env)).deliver(call, ctx);
      const upserts = sent('PATCH', /\/sobjects\/Task\/RingCentral_Call_Id__c\//);
      expect(upserts).toHaveLength(1);
      expect(upserts[0]!.path).toBe(
        `/services/data/v60.0/sobjects/Task/RingCentral_Call_Id__c/${ctx.idempotencyKey}`,
      );
      expect(json(upserts[0])).toMatchObject({ CallObject: call.sessionId, Status: 'Completed' });
      expect(creates()).toHaveLength(0);

      // Even without our stored id (an instance without that Redis), the upsert finds the same Task.
      const second = await createSalesforceAdapter({ env, logger: silentLogger }).deliver(call, {
        ...ctx,
        attempt: 2,
      });
      expect(second).toEqual(first);
      expect(salesforce.tasks.size).toBe(1);
    });

    it("a field that is not an external id › give up with Salesforce's message", async () => {
      const env = { ...tokenEnv(), SALESFORCE_EXTERNAL_ID_FIELD: 'Not_An_External_Id__c' };
      const err = await rejection(
        createSalesforceAdapter(options(env)).deliver(inboundCall(), deliveryContext()),
      );
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(err.message).toContain('Provided external ID field does not exist or is not accessible');
    });

    it.each(['503', 'hang'] as const)(
      'Salesforce created the Task but the answer was lost (%s) › the next attempt finds it with SOQL',
      async (how) => {
        const adapter = createSalesforceAdapter(options({ ...tokenEnv(), CRM_REQUEST_TIMEOUT_MS: '300' }));
        const call = inboundCall();
        const ctx = deliveryContext();
        salesforce.loseNextCreateResponse(how);
        await expect(adapter.deliver(call, ctx)).rejects.toBeInstanceOf(RetryableDeliveryError);

        const result = await adapter.deliver(call, { ...ctx, attempt: 2 });
        expect(salesforce.tasks.size).toBe(1);
        expect(result).toMatchObject({ crmId: [...salesforce.tasks.keys()][0] });
        const soql = sent('GET', /\/query\/$/)[0]!.query.get('q');
        expect(soql).toContain(`CallObject = '${call.sessionId}'`);
        expect(creates()).toHaveLength(1);
      },
    );

    it('the Task was deleted in Salesforce › created again', async () => {
      const adapter = createSalesforceAdapter(options(tokenEnv()));
      const call = inboundCall();
      const ctx = deliveryContext();
      const first = await adapter.deliver(call, ctx);
      salesforce.tasks.clear();
      const second = await adapter.deliver(call, { ...ctx, attempt: 2 });
      expect(second?.crmId).not.toBe(first?.crmId);
      expect(salesforce.tasks.size).toBe(1);
    });
  });

  describe('OAuth JWT bearer flow', () => {
    it('logs in with a signed assertion the org verifies, then reuses the session', async () => {
      const adapter = createSalesforceAdapter(options(jwtEnv()));
      await adapter.deliver(inboundCall(), deliveryContext());
      await adapter.deliver(inboundCall(), deliveryContext());
      expect(salesforce.logins).toBe(1);
      const [login] = sent('POST', /^\/services\/oauth2\/token$/);
      const form = new URLSearchParams(login!.body);
      expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      const claims = JSON.parse(Buffer.from(form.get('assertion')!.split('.')[1]!, 'base64url').toString());
      expect(claims).toMatchObject({ iss: jwt.clientId, sub: jwt.username, aud: salesforce.url });
      expect(salesforce.tasks.size).toBe(2);
    });

    it('INVALID_SESSION_ID › logs in again once and repeats the request', async () => {
      const adapter = createSalesforceAdapter(options(jwtEnv()));
      await adapter.deliver(inboundCall(), deliveryContext());
      salesforce.expireSessions();
      await adapter.deliver(inboundCall(), deliveryContext());
      expect(salesforce.logins).toBe(2);
      expect(salesforce.tasks.size).toBe(2);
    });

    it('the login is refused › give up, naming the settings to check', async () => {
      const env = { ...jwtEnv(), SALESFORCE_USERNAME: 'someone-else@acme.example' };
      const err = await rejection(
        createSalesforceAdapter(options(env)).deliver(inboundCall(), deliveryContext()),
      );
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(err.message).toMatch(
        /JWT bearer login was refused \(400, invalid_grant: user hasn't approved this consumer\)/,
      );
      expect(err.message).toContain('SALESFORCE_USERNAME');
    });

    it('a given token that expired › give up (it cannot be renewed)', async () => {
      salesforce.expireSessions();
      const err = await rejection(
        createSalesforceAdapter(options(tokenEnv())).deliver(inboundCall(), deliveryContext()),
      );
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(err.message).toMatch(/INVALID_SESSION_ID/);
      expect(err.message).not.toContain(staticToken);
    });
  });

  describe('limits and errors', () => {
    it('REQUEST_LIMIT_EXCEEDED › retry later (not a dead letter)', async () => {
      salesforce.requestLimitExceeded = true;
      const err = await rejection(
        createSalesforceAdapter(options(tokenEnv())).deliver(inboundCall(), deliveryContext()),
      );
      expect(err).toBeInstanceOf(RetryableDeliveryError);
      expect(err).toMatchObject({ retryAfterMs: 300_000 });
      expect(err.message).toMatch(/REQUEST_LIMIT_EXCEEDED/);
    });

    it('Sforce-Limit-Info near the allocation › later deliveries wait without sending anything', async () => {
      const { logger, output } = captureLogger();
      salesforce.apiUsage.used = 4_600;
      salesforce.apiUsage.limit = 5_000;
      const adapter = createSalesforceAdapter({ ...options(tokenEnv()), logger });
      await adapter.deliver(inboundCall(), deliveryContext());
      const before = salesforce.requests.length;
      const err = await rejection(adapter.deliver(inboundCall(), deliveryContext()));
      expect(err).toBeInstanceOf(RetryableDeliveryError);
      expect((err as RetryableDeliveryError).retryAfterMs).toBeGreaterThan(200_000);
      expect(salesforce.requests.length).toBe(before);
      expect(output()).toContain('API usage is near the limit');
    });

    it('SALESFORCE_MAX_API_USAGE=1 › never holds back on usage alone', async () => {
      salesforce.apiUsage.used = 4_999;
      salesforce.apiUsage.limit = 5_000;
      const adapter = createSalesforceAdapter(options({ ...tokenEnv(), SALESFORCE_MAX_API_USAGE: '1' }));
      await adapter.deliver(internalCall(), deliveryContext());
      await adapter.deliver(internalCall(), deliveryContext());
      expect(salesforce.tasks.size).toBe(2);
    });

    it.each([500, 503])('%i › retry later', async (status) => {
      salesforce.failNext({ status, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'try later' }] });
      const err = await rejection(
        createSalesforceAdapter(options(tokenEnv())).deliver(inboundCall(), deliveryContext()),
      );
      expect(err).toBeInstanceOf(RetryableDeliveryError);
    });

    it("a validation rule rejects the Task › give up with Salesforce's message", async () => {
      salesforce.failNext({
        status: 400,
        body: [
          { errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Calls need a Related To', fields: [] },
        ],
        match: /^POST /,
      });
      const err = await rejection(
        createSalesforceAdapter(options(tokenEnv())).deliver(inboundCall(), deliveryContext()),
      );
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(err.message).toContain('FIELD_CUSTOM_VALIDATION_EXCEPTION: Calls need a Related To');
    });

    it('never logs the token or the private key', async () => {
      const { logger, output } = captureLogger();
      const adapter = createSalesforceAdapter({ ...options(jwtEnv()), logger });
      await adapter.deliver(inboundCall(), deliveryContext({ logger }));
      salesforce.expireSessions();
      await adapter.deliver(inboundCall(), deliveryContext({ logger }));
      expect(output()).toContain('salesforce: task created');
      expect(output()).not.toMatch(/00Dfake!session/);
      expect(output()).not.toContain('PRIVATE KEY');
    });
  });

  describe('settings', () => {
    const make = (env: Record<string, string>) => () =>
      createSalesforceAdapter({ env, logger: silentLogger });

    it('no credentials › one message naming both ways to configure it', () => {
      expect(make({})).toThrow(ConfigError);
      expect(make({})).toThrow(
        /SALESFORCE_ACCESS_TOKEN \(with SALESFORCE_INSTANCE_URL\) or SALESFORCE_CLIENT_ID, SALESFORCE_USERNAME and SALESFORCE_PRIVATE_KEY/,
      );
    });

    it('a plain-http login or instance URL off loopback › refused (https only; loopback http for tests)', () => {
      for (const [key, value] of [
        ['SALESFORCE_LOGIN_URL', 'http://login.salesforce.com'],
        ['SALESFORCE_INSTANCE_URL', 'http://example.my.salesforce.com'],
      ] as const) {
        expect(
          make({
            SALESFORCE_ACCESS_TOKEN: staticToken,
            SALESFORCE_INSTANCE_URL: 'https://x.my.salesforce.com',
            [key]: value,
          }),
        ).toThrow(new RegExp(`${key} must be an https URL`));
      }
      expect(
        make({ SALESFORCE_ACCESS_TOKEN: staticToken, SALESFORCE_INSTANCE_URL: 'http://127.0.0.1:8443' }),
      ).not.toThrow();
    });

    it('a token without an instance URL › names SALESFORCE_INSTANCE_URL', () => {
      expect(make({ SALESFORCE_ACCESS_TOKEN: staticToken })).toThrow(
        /SALESFORCE_INSTANCE_URL is required with SALESFORCE_ACCESS_TOKEN/,
      );
    });

    it('JWT settings half done › names each missing one', () => {
      const attempt = make({ SALESFORCE_CLIENT_ID: jwt.clientId });
      expect(attempt).toThrow(/SALESFORCE_USERNAME is required for the OAuth JWT bearer flow/);
      expect(attempt).toThrow(/SALESFORCE_PRIVATE_KEY is required for the OAuth JWT bearer flow/);
    });

    it('a private key that is not PEM › names it without echoing it', () => {
      const attempt = make({ ...jwtEnv(), SALESFORCE_PRIVATE_KEY: 'hunter2-not-a-key' });
      expect(attempt).toThrow(/SALESFORCE_PRIVATE_KEY must be a PEM private key/);
      expect(attempt).toThrow(/^(?![\s\S]*hunter2)/);
    });

    it('a PEM with literal \\n (as .env files hold it) › accepted', () => {
      expect(make({ ...jwtEnv(), SALESFORCE_PRIVATE_KEY: pem.replace(/\n/g, '\\n') })).not.toThrow();
    });

    it.each([
      [{ SALESFORCE_API_VERSION: '60' }, /SALESFORCE_API_VERSION must look like v60.0/],
      [{ SALESFORCE_MAX_API_USAGE: '90' }, /SALESFORCE_MAX_API_USAGE must be at most 1/],
      [{ SALESFORCE_EXTERNAL_ID_FIELD: 'Call Id' }, /SALESFORCE_EXTERNAL_ID_FIELD must be a field API name/],
    ])('%o › a ConfigError naming the variable', (env, message) => {
      expect(make({ ...tokenEnv(), ...env })).toThrow(message);
    });
  });
});
