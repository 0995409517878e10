import { z } from 'zod';

/**
 * What RingCentral POSTs. Only the fields rc-enrich relies on are required; everything else passes
 * through (`looseObject`), and status codes are open strings: real traffic carries values outside
 * the documented enums.
 */
const phone = z.looseObject({
  phoneNumber: z.string().optional(),
  name: z.string().optional(),
  extensionId: z.string().optional(),
});

export const partySchema = z.looseObject({
  id: z.string().min(1),
  accountId: z.string().optional(),
  extensionId: z.string().optional(),
  direction: z.string().optional(),
  from: phone.optional(),
  to: phone.optional(),
  status: z.looseObject({ code: z.string().min(1), reason: z.string().optional() }),
  missedCall: z.boolean().optional(),
  recordings: z.array(z.looseObject({ id: z.string(), active: z.boolean().optional() })).optional(),
});

export const telephonySessionBodySchema = z.looseObject({
  sequence: z.number().int(),
  sessionId: z.string(),
  telephonySessionId: z.string().min(1).max(256),
  eventTime: z.string().optional(),
  parties: z.array(partySchema).min(1).max(100),
});

export const notificationSchema = z.looseObject({
  uuid: z.string().min(1).max(256),
  event: z.string().min(1).max(2048),
  timestamp: z.string().optional(),
  subscriptionId: z.string().optional(),
  ownerId: z.string().optional(),
  body: z.record(z.string(), z.unknown()),
});

export type Notification = z.infer<typeof notificationSchema>;
export type TelephonySessionBody = z.infer<typeof telephonySessionBodySchema>;

export const isTelephonySessionEvent = (event: string) => /\/telephony\/sessions(\?|$)/.test(event);
export const isSubscriptionReminder = (event: string) => event.startsWith('/restapi/v1.0/subscription/');

/** The account a notification belongs to: the party's, else the one in the event filter path. */
export function accountIdOf(notification: Notification, body: TelephonySessionBody): string {
  const fromParty = body.parties.find((party) => party.accountId)?.accountId;
  if (fromParty) return fromParty;
  const fromEvent = /\/account\/([^/]+)\//.exec(notification.event)?.[1];
  return fromEvent && fromEvent !== '~' ? fromEvent : (notification.ownerId ?? '~');
}

/** Zod's issues as one line a human can act on. */
export function describeIssues(error: z.ZodError, root: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${[root, ...issue.path].join('.')}: ${issue.message}`)
    .join('; ');
}
