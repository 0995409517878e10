import { assert, describe, expect, it } from 'vitest';
import { hubspotStatus } from '../../src/adapters/hubspot/map.js';
import { callOutcomes, outcomeLabels, outcomeOf, parseOutcomeMap } from '../../src/adapters/outcome.js';
import { parseHubSpotSettings } from '../../src/adapters/hubspot/settings.js';
import { ConfigError } from '../../src/config.js';

describe('outcome › RingCentral results', () => {
  it.each([
    ['Call connected', 'connected'],
    ['Accepted', 'connected'],
    ['Answered Elsewhere', 'connected'],
    ['Missed', 'missed'],
    ['Voicemail', 'voicemail'],
    ['Busy', 'busy'],
    ['No Answer', 'no-answer'],
    ['Rejected', 'rejected'],
    ['Hang Up', 'abandoned'],
    ['Call Failed', 'failed'],
    ['International Disabled', 'failed'],
    ['Something new', 'unknown'],
    [undefined, 'unknown'],
  ])('%s › %s', (result, outcome) => {
    expect(outcomeOf(result)).toBe(outcome);
  });

  it('matching ignores case and spaces around the result', () => {
    expect(outcomeOf('  call CONNECTED ')).toBe('connected');
  });

  it('every outcome has a label', () => {
    for (const outcome of callOutcomes) expect(outcomeLabels[outcome]).toEqual(expect.any(String));
  });
});

describe('outcome › CRM_OUTCOME_MAP', () => {
  it('re-maps single results over the defaults', () => {
    const map = parseOutcomeMap('Hang Up=missed, Rejected = no-answer');
    // A string is the parse error: fail with it rather than skip the checks below.
    assert(typeof map !== 'string', String(map));
    expect(outcomeOf('Hang Up', map)).toBe('missed');
    expect(outcomeOf('Rejected', map)).toBe('no-answer');
    expect(outcomeOf('Accepted', map)).toBe('connected');
  });

  it.each([
    ['Hang Up', /not Result=outcome/],
    ['Hang Up=gone', /"gone" is not an outcome/],
  ])('%s › a message naming the problem', (value, message) => {
    expect(parseOutcomeMap(value)).toMatch(message);
  });

  it('a bad map stops the adapter at start, naming CRM_OUTCOME_MAP', () => {
    const make = () => parseHubSpotSettings({ HUBSPOT_ACCESS_TOKEN: 'pat-x', CRM_OUTCOME_MAP: 'Busy=maybe' });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(/CRM_OUTCOME_MAP: "maybe" is not an outcome/);
  });
});

describe('outcome › HubSpot hs_call_status', () => {
  it.each([
    ['connected', 'inbound', 'COMPLETED'],
    ['voicemail', 'inbound', 'NO_ANSWER'],
    ['voicemail', 'outbound', 'COMPLETED'],
    ['missed', 'inbound', 'NO_ANSWER'],
    ['no-answer', 'outbound', 'NO_ANSWER'],
    ['busy', 'outbound', 'BUSY'],
    ['rejected', 'outbound', 'BUSY'],
    ['abandoned', 'inbound', 'CANCELED'],
    ['failed', 'outbound', 'FAILED'],
    ['unknown', 'inbound', undefined],
  ] as const)('%s (%s) › %s', (outcome, direction, status) => {
    expect(hubspotStatus(outcome, direction)).toBe(status);
  });
});
