/**
 * QUEUE_PREFIX (`config.queuePrefix`) names one service's keys. Every Redis key it writes, BullMQ's and
 * ours, starts with the prefix as a hash tag, `{<QUEUE_PREFIX>}`, so that
 * (a) two services with different prefixes share a Redis without touching each other, and
 * (b) on Redis Cluster all our keys (and BullMQ's) land in one slot, which Lua scripts require.
 * BullMQ gets `hashTag(queuePrefix)` as its `prefix`; our own keys live under `keys.keyPrefix`.
 */
export function hashTag(queuePrefix: string): string {
  return `{${queuePrefix}}`;
}

export function createKeys(queuePrefix: string) {
  const ns = `${hashTag(queuePrefix)}:rc`;
  return {
    /** What every key below starts with, `{<QUEUE_PREFIX>}:rc`; adapters get it as `keyPrefix` too. */
    keyPrefix: ns,
    /** Notification uuids already seen (redelivery dedupe). */
    seenNotification: (uuid: string) => `${ns}:seen:${uuid}`,
    /** Per-call party states: hash partyId -> JSON. */
    callParties: (telephonySessionId: string) => `${ns}:call:${telephonySessionId}:parties`,
    /** Per-call party order: hash partyId -> newest sequence stored (events arrive out of order). */
    callPartyOrder: (telephonySessionId: string) => `${ns}:call:${telephonySessionId}:party-order`,
    /** Per-call parties still live: the call has ended when this set is empty. */
    callLiveParties: (telephonySessionId: string) => `${ns}:call:${telephonySessionId}:live-parties`,
    /** Per-call facts: hash (sessionId, accountId, firstSeenAt, lastEventAt, endedAt, ...). */
    callMeta: (telephonySessionId: string) => `${ns}:call:${telephonySessionId}:meta`,
    /**
     * Per-call story for `rc-enrich call <id>`: capped list of JSON entries. The key keeps its first
     * name, `journey`, so stories written before the rename stay readable.
     */
    callStory: (telephonySessionId: string) => `${ns}:call:${telephonySessionId}:journey`,
    /** Live calls by last event time, swept for calls whose Disconnected never came. */
    liveCalls: () => `${ns}:live-calls`,
    /** Shared listings (Active Calls / Call Log) per account. */
    listingMeta: (kind: string, accountId: string) => `${ns}:listing:${kind}:${accountId}`,
    listingIndex: (kind: string, accountId: string, fetchId: string) =>
      `${ns}:listing:${kind}:${accountId}:${fetchId}`,
    listingLock: (kind: string, accountId: string) => `${ns}:lock:listing:${kind}:${accountId}`,
    /** Enrich jobs sleeping until the account's next listing, woken when it is saved. */
    listingWaiters: (kind: string, accountId: string) => `${ns}:listing:${kind}:${accountId}:waiters`,
    /** Calls of an account waiting for the Call Log, scored by first-seen time (sets the query's dateFrom). */
    callLogPending: (accountId: string) => `${ns}:pending:call-log:${accountId}`,
    /** Calls of an account waiting for Active Calls, scored by end time (times the listings). */
    activePending: (accountId: string) => `${ns}:pending:active-calls:${accountId}`,
    /** Until when an account's latest burst has records due in Active Calls (holds its Call Log queries). */
    burstUntil: (accountId: string) => `${ns}:burst-until:${accountId}`,
    /** Recent (absent, present) bounds of RingCentral's visibility delay, learned from matches. */
    visibilitySamples: () => `${ns}:visibility-samples`,
    /** Rate-limit budget of one RingCentral API group. */
    budget: (group: string) => `${ns}:budget:${group}`,
    budgetPenalty: (group: string) => `${ns}:budget:${group}:penalty`,
    budgetLimits: (group: string) => `${ns}:budget:${group}:limits`,
    /** Present (with a TTL) while the group's background requests are held back for the lookups. */
    budgetBackgroundHold: (group: string) => `${ns}:budget:${group}:background-hold`,
    /** Requests waiting for a slot of the group, by priority (scored by when their claim lapses). */
    budgetClaims: (group: string) => `${ns}:budget:${group}:claims`,
    /** Bumped on every change of the group's budget: a slot is taken only if nothing changed since it was read. */
    budgetVersion: (group: string) => `${ns}:budget:${group}:version`,
    /** Shared RingCentral token store (the SDK's localStorage) and its login lock. */
    token: (item: string) => `${ns}:token:${item}`,
    loginLock: () => `${ns}:lock:login`,
    /** The RingCentral account id the credentials belong to (learned from `GET /account/~`). */
    account: () => `${ns}:account`,
    /** Adapter state (e.g. call -> CRM record id). */
    adapter: (adapterName: string) => `${ns}:adapter:${adapterName}`,
    /** RingCentral extension and account facts (owner mapping, time zone), cached for every process. */
    directory: (item: string) => `${ns}:directory:${item}`,
    /** Where RingCentral serves a recording's audio (its contentUri), learned when the call is delivered. */
    recordingContentUri: (accountId: string, recordingId: string) =>
      `${ns}:recording:${accountId}:${recordingId}:content-uri`,
    /** Delivered calls that may still gain a recording or a better record, scored by when to look next. */
    lateData: () => `${ns}:late-data`,
    /** The watches themselves: hash `<adapter>|<telephonySessionId>` -> JSON. */
    lateDataWatch: () => `${ns}:late-data:watch`,
    /** The delivered ledger: one key per adapter and call, kept for the reconcile horizon. */
    delivered: (adapterName: string, telephonySessionId: string) =>
      `${ns}:delivered:${adapterName}:${telephonySessionId}`,
    /** The reconciler's watermark, cursor and last run, and the lock that gives it one owner. */
    reconcileState: () => `${ns}:reconcile`,
    reconcileLock: () => `${ns}:lock:reconcile`,
    /** Where an interrupted `rc-enrich backfill` of one period resumes. */
    backfillCursor: (period: string) => `${ns}:backfill:${period}`,
    /** Subscription bookkeeping (subscriptions/state.ts). */
    subscription: () => `${ns}:subscription`,
  };
}

export type Keys = ReturnType<typeof createKeys>;
