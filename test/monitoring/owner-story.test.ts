import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { createFakeRingCentral, type FakeRingCentral } from '../../src/fake-ringcentral/index.js';
import { createLogger } from '../../src/infra/logger.js';
import { loadCallStory } from '../../src/monitoring/call-story.js';
import { formatCallStory } from '../../src/monitoring/call-story-format.js';
import { monitoringFeature } from '../../src/monitoring/feature.js';
import { deliverJobId } from '../../src/queues.js';
import { startService, type RunningService } from '../../src/runtime.js';
import { startFakeHubSpot, type FakeHubSpot } from '../fakes/hubspot.js';
import { directoryExtensions, queueAnsweredBySecondAgent } from '../fixtures/calls.js';
import { cleanupPrefix, eventually, testConfig } from '../helpers/config.js';
import { sample } from './helpers.js';

/**
 * The running service (worker role) delivering to HubSpot: the owner decision and the outcome reach
 * the call's story (`rc-enrich call <id>`) and the metrics; a bad CRM_OWNER_MAP stops the start.
 */
const token = 'pat-na1-11111111-2222-3333-4444-555555555555';
let ringcentral: FakeRingCentral;
let hubspot: FakeHubSpot;
let service: RunningService;
let folder: string;

beforeAll(async () => {
  ringcentral = createFakeRingCentral({ extensions: directoryExtensions });
  await ringcentral.listen(0, '127.0.0.1');
  hubspot = await startFakeHubSpot({ token });
  folder = await mkdtemp(join(tmpdir(), 'rc-enrich-owners-'));
});

afterAll(async () => {
  await service?.close();
  if (service) await cleanupPrefix(service.config.queuePrefix);
  await hubspot?.close();
  await ringcentral?.close();
  await rm(folder, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) =>
  testConfig({
    ROLE: 'worker',
    RINGCENTRAL_SERVER_URL: ringcentral.url,
    CRM_ADAPTER: 'hubspot',
    HUBSPOT_ACCESS_TOKEN: token,
    HUBSPOT_BASE_URL: hubspot.url,
    ...extra,
  });

describe('owner decision › in the call story and the metrics', () => {
  it('rc-enrich call <id> says the outcome and who owns the record, and why', async () => {
    const sam = hubspot.addOwner({ email: 'sam@acme.example' });
    service = await startService(env(), createLogger('silent'), { features: [monitoringFeature] });
    const call = queueAnsweredBySecondAgent();
    const jobId = deliverJobId('hubspot', call.telephonySessionId);
    await service.services.queues.deliver.add(
      'deliver',
      { adapter: 'hubspot', idempotencyKey: `809646016-${call.telephonySessionId}`, call },
      { jobId },
    );
    await eventually(async () => (await service.services.queues.deliver.getJobState(jobId)) === 'completed');

    const story = await loadCallStory(
      {
        queues: service.services.queues,
        story: service.services.story,
        callState: service.services.callState,
        adapters: ['hubspot'],
      },
      call.telephonySessionId,
    );
    const text = formatCallStory(story!);
    expect(text).toMatch(
      new RegExp(
        `delivery\\s+hubspot attempt 1: delivered \\(CRM id \\d+\\), outcome connected, ` +
          `owner: Sam Support ext\\. 102 <sam@acme\\.example> → HubSpot owner ${sam} \\(by email\\)`,
      ),
    );
    const metrics = await service.metrics.registry.metrics();
    expect(
      sample(metrics, 'rc_enrich_crm_owner_decisions_total', {
        adapter: 'hubspot',
        source: 'email',
        reason: 'email',
      }),
    ).toBe(1);
  });
});

describe('CRM_OWNER_MAP › checked at start', () => {
  it.each([
    ['a file that does not exist', undefined, /CRM_OWNER_MAP: cannot read .*missing\.json \(ENOENT\)/],
    ['not JSON', '{"62": ', /CRM_OWNER_MAP: .*bad\.json is not valid JSON/],
    ['a key that is neither an extension id nor an email', '{"alex": "41629779"}', /"alex" is neither/],
    ['an empty CRM user id', '{"62": ""}', /"62" must map to a CRM user id/],
  ])('%s › the start fails naming the problem', async (_name, content, message) => {
    const file = join(folder, content === undefined ? 'missing.json' : 'bad.json');
    if (content !== undefined) await writeFile(file, content);
    const config = env({ CRM_OWNER_MAP: file });
    const failure = await startService(config, createLogger('silent'), { features: [] }).then(
      async (started) => {
        await started.close();
        return undefined;
      },
      (err: unknown) => err,
    );
    await cleanupPrefix(config.queuePrefix);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(message);
  });

  it('CRM_TIME_ZONE that is not an IANA name › the configuration is refused', () => {
    expect(() => env({ CRM_TIME_ZONE: 'Pacific Time' })).toThrow(
      /CRM_TIME_ZONE must be an IANA time zone name/,
    );
    expect(env({ CRM_TIME_ZONE: 'America/Los_Angeles' }).crm.timeZone).toBe('America/Los_Angeles');
  });
});
