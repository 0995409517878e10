import { randomUUID } from 'node:crypto';

let uuidCounter = 1_000_000;

export interface PartySpec {
  id: string;
  status: string;
  extensionId?: string;
  direction?: 'Inbound' | 'Outbound';
  reason?: string;
}

/** A telephony-session notification shaped like RingCentral's (see src/fake-ringcentral/calls/steps.ts). */
export function telephonyNotification(opts: {
  telephonySessionId: string;
  sessionId?: string;
  sequence: number;
  party: PartySpec;
  accountId?: string;
  uuid?: string;
}) {
  const accountId = opts.accountId ?? '809646016';
  const party = opts.party;
  return {
    uuid: opts.uuid ?? String(uuidCounter++),
    event: party.extensionId
      ? `/restapi/v1.0/account/${accountId}/extension/${party.extensionId}/telephony/sessions`
      : `/restapi/v1.0/account/${accountId}/telephony/sessions`,
    timestamp: new Date().toISOString(),
    subscriptionId: '2461434a-276a-4073-bd26-34089effbad5',
    ownerId: accountId,
    body: {
      sequence: opts.sequence,
      sessionId: opts.sessionId ?? '429180487016',
      telephonySessionId: opts.telephonySessionId,
      serverId: '10.13.22.27.TAM',
      eventTime: new Date().toISOString(),
      parties: [
        {
          accountId,
          ...(party.extensionId ? { extensionId: party.extensionId } : {}),
          id: party.id,
          direction: party.direction ?? 'Inbound',
          to: { phoneNumber: '+18003151571' },
          from: { phoneNumber: '+14083388064' },
          status: { code: party.status, rcc: false, ...(party.reason ? { reason: party.reason } : {}) },
          park: {},
          missedCall: false,
          standAlone: false,
          muted: false,
        },
      ],
      origin: { type: 'Call' },
    },
  };
}

export const newTelephonySessionId = () => `s-${randomUUID().replace(/-/g, '')}`;
