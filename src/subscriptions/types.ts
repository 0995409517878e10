import { z } from 'zod';

/**
 * RingCentral's `SubscriptionInfo`, validated where it enters: only the
 * fields we act on are required; the rest passes through. `status` is an open string because
 * older accounts report values (`Suspended`) the current spec no longer lists.
 */
export const subscriptionInfoSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  eventFilters: z.array(z.string()).default([]),
  expirationTime: z.string().optional(),
  expiresIn: z.number().optional(),
  creationTime: z.string().optional(),
  deliveryMode: z
    .looseObject({ transportType: z.string().optional(), address: z.string().optional() })
    .optional(),
  disabledFilters: z
    .array(
      z.looseObject({ filter: z.string(), reason: z.string().optional(), message: z.string().optional() }),
    )
    .optional(),
  blacklistedData: z
    .looseObject({ reason: z.string().optional(), blacklistedAt: z.string().optional() })
    .optional(),
});

export const subscriptionListSchema = z.looseObject({ records: z.array(subscriptionInfoSchema).default([]) });

export type SubscriptionInfo = z.infer<typeof subscriptionInfoSchema>;

/** What the keeper and `/health/ready` report. */
export const subscriptionStates = ['active', 'expiring', 'blacklisted', 'missing'] as const;
export type SubscriptionState = (typeof subscriptionStates)[number];

/** What `ensure` did to get one healthy subscription. */
export type EnsureAction = 'created' | 'recreated' | 'updated' | 'renewed' | 'reused';
