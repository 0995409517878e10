import type { Logger } from 'pino';
import type { AccountIdentity } from '../ringcentral/account.js';
import { enrichJobId, type Queues } from '../queues.js';
import { accountIdOf, type Notification, type TelephonySessionBody } from '../ringcentral/notification.js';
import type { CallState } from './call-state.js';
import type { PartySnapshot } from './types.js';

interface Deps {
  /** Wait after a call ends before its first lookup (ENRICH_VISIBILITY_DELAY_MS). */
  visibilityDelayMs: number;
  /** The account we serve, once known; notifications of any other account are acknowledged and dropped. */
  account: Pick<AccountIdentity, 'known'>;
  callState: CallState;
  queues: Pick<Queues, 'enrich'>;
  logger: Logger;
}

export type IntakeOutcome = 'accepted' | 'duplicate' | 'other-account';

/** The story's one-line party summary is capped too: 200 entries of it are kept per call. */
const maxStoryPartiesLength = 1_000;

/**
 * What the webhook does with a valid telephony-session notification: record it in the call state and,
 * when the call has ended, schedule its lookup. Redis only: nothing here calls RingCentral or a CRM.
 */
export function createCallIntake({ visibilityDelayMs, account, callState, queues, logger }: Deps) {
  async function scheduleLookup(telephonySessionId: string, accountId: string, delayMs: number) {
    // The job id is the call: a second end event, a redelivery or another api process adds nothing.
    await queues.enrich.add(
      'enrich',
      { telephonySessionId, accountId },
      { jobId: enrichJobId(telephonySessionId), delay: delayMs },
    );
  }

  return {
    scheduleLookup,
    async accept(notification: Notification, body: TelephonySessionBody): Promise<IntakeOutcome> {
      const accountId = accountIdOf(notification, body);
      const ours = await account.known();
      if (ours !== undefined && accountId !== ours) return 'other-account';
      const parties = body.parties.map((party) => toSnapshot(party, body));
      const { duplicate, awaitingLookup, partiesDropped } = await callState.record({
        uuid: notification.uuid,
        telephonySessionId: body.telephonySessionId,
        sessionId: body.sessionId,
        accountId,
        parties,
        storyEntry: {
          step: 'notification',
          uuid: notification.uuid,
          sequence: body.sequence,
          parties: parties
            .map((party) => `${party.id}:${party.status}`)
            .join(',')
            .slice(0, maxStoryPartiesLength),
        },
      });
      if (partiesDropped > 0) {
        logger.warn(
          { telephonySessionId: body.telephonySessionId, partiesDropped },
          'call has more parties than rc-enrich keeps; the extra ones were dropped',
        );
      }
      if (awaitingLookup) {
        await scheduleLookup(body.telephonySessionId, accountId, visibilityDelayMs);
      }
      return duplicate ? 'duplicate' : 'accepted';
    },
  };
}

export type CallIntake = ReturnType<typeof createCallIntake>;

function toSnapshot(
  party: TelephonySessionBody['parties'][number],
  body: TelephonySessionBody,
): PartySnapshot {
  return {
    id: party.id,
    accountId: party.accountId,
    extensionId: party.extensionId,
    direction: party.direction,
    status: party.status.code,
    reason: party.status.reason,
    from: party.from,
    to: party.to,
    missedCall: party.missedCall,
    recordings: party.recordings,
    sequence: body.sequence,
    eventTime: body.eventTime,
  };
}
