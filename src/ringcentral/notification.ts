import { z } from 'zod';

/**
 * What RingCentral POSTs. Only the fields rc-enrich relies on are required, and status codes are open
 * strings: real traffic carries values outside the documented enums. What is stored per party is a
 * fixed set of fields, each with a length cap (unknown party fields are dropped), so a sender cannot
 * grow a call's Redis state beyond a known size.
 */

/** Longest text kept for ids and codes, and for names and reasons (RingCentral's are far shorter). */
export const maxIdLength = 128;
export const maxTextLength = 256;

// A lone UTF-16 surrogate (JSON `"\ud800"`) has no UTF-8 form: it could never be stored as sent.
const loneSurrogate = /[\uD800-\uDFFF]/u;
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !loneSurrogate.test(value), 'must be valid Unicode text (a lone surrogate)');
const id = text(maxIdLength);

const phone = z.object({
  phoneNumber: text(64).optional(),
  name: text(maxTextLength).optional(),
  extensionId: id.optional(),
});

export const partySchema = z.object({
  id: id.min(1),
  accountId: id.optional(),
  extensionId: id.optional(),
  direction: text(32).optional(),
  from: phone.optional(),
  to: phone.optional(),
  status: z.object({ code: text(64).min(1), reason: text(maxTextLength).optional() }),
  missedCall: z.boolean().optional(),
  recordings: z
    .array(z.object({ id, active: z.boolean().optional() }))
    .max(20)
    .optional(),
});

export const telephonySessionBodySchema = z.looseObject({
  sequence: z.number().int().nonnegative(),
  sessionId: id,
  telephonySessionId: text(256).min(1),
  eventTime: text(64).optional(),
  parties: z.array(partySchema).min(1).max(100),
});

export const notificationSchema = z.looseObject({
  uuid: text(256).min(1),
  event: text(2048).min(1),
  timestamp: z.string().optional(),
  subscriptionId: id.optional(),
  ownerId: id.optional(),
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
