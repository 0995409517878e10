import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';
import type { PartySnapshot } from './types.js';

/** A party in one of these states has left the session. Codes are compared case-insensitively. */
const terminalCodes = new Set(['disconnected', 'gone']);
export const isTerminalStatus = (code: string) => terminalCodes.has(code.toLowerCase());

// One round trip per notification, atomic so concurrent api processes agree on when a call ended:
// keep each party's newest state (by sequence: events arrive out of order), append to the call's
// story, and report whether this event is the one that ended the call. Nothing here decodes JSON:
// a party's order and liveness live in their own keys, so the cost is per party of this notification,
// not per party of the call, and the stored JSON is exactly what JS wrote (cjson would turn [] into {}).
// The dedupe key is the last write: if anything before it fails, a retry of the same uuid is not a
// "duplicate" and the notification is not lost.
const recordScript = `
local function pending()
  if redis.call('HEXISTS', KEYS[3], 'endedAt') == 1 and redis.call('HEXISTS', KEYS[3], 'doneAt') == 0 then return 1 end
  return 0
end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'duplicate', 0, pending(), 0} end
local now, ttl, maxParties = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[8])
local dropped = 0
for i = 9, #ARGV, 4 do
  local id, sequence = ARGV[i], tonumber(ARGV[i + 1])
  local prev = redis.call('HGET', KEYS[6], id)
  if (not prev) and redis.call('HLEN', KEYS[6]) >= maxParties then
    dropped = dropped + 1
  elseif (not prev) or tonumber(prev) < sequence then
    redis.call('HSET', KEYS[6], id, ARGV[i + 1])
    redis.call('HSET', KEYS[2], id, ARGV[i + 3])
    if ARGV[i + 2] == '1' then redis.call('SREM', KEYS[7], id) else redis.call('SADD', KEYS[7], id) end
  end
end
redis.call('HSETNX', KEYS[3], 'firstSeenAt', now)
redis.call('HSETNX', KEYS[3], 'sessionId', ARGV[4])
redis.call('HSETNX', KEYS[3], 'accountId', ARGV[5])
redis.call('HSET', KEYS[3], 'lastEventAt', now)
local ended = redis.call('HLEN', KEYS[6]) > 0 and redis.call('SCARD', KEYS[7]) == 0
local endedNow = 0
if ended then
  if not redis.call('HGET', KEYS[3], 'endedAt') then
    redis.call('HSET', KEYS[3], 'endedAt', now, 'endReason', 'disconnected')
    endedNow = 1
  end
  redis.call('ZREM', KEYS[4], ARGV[6])
else
  redis.call('HDEL', KEYS[3], 'endedAt', 'endReason')
  redis.call('ZADD', KEYS[4], now, ARGV[6])
end
redis.call('RPUSH', KEYS[5], ARGV[7])
redis.call('LTRIM', KEYS[5], -200, -1)
for i = 2, 7 do if i ~= 4 then redis.call('EXPIRE', KEYS[i], ttl) end end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
return {'recorded', endedNow, pending(), dropped}
`;

// A recovery finished the call from its Call Log record: keep what the notifications said, fill in what
// they never told (the call may be unknown), and mark it done so a late notification schedules nothing.
const recoveredScript = `
redis.call('HSETNX', KEYS[1], 'firstSeenAt', ARGV[1])
redis.call('HSETNX', KEYS[1], 'lastEventAt', ARGV[1])
redis.call('HSETNX', KEYS[1], 'sessionId', ARGV[2])
redis.call('HSETNX', KEYS[1], 'accountId', ARGV[3])
if not redis.call('HGET', KEYS[1], 'endedAt') then
  redis.call('HSET', KEYS[1], 'endedAt', ARGV[4], 'endReason', 'call-log')
end
redis.call('HSET', KEYS[1], 'doneAt', ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
`;

// A call whose last event is older than the quiet period is declared ended, unless one arrived since.
// It leaves the live set only when it ended (or its state expired): a call that had an event after the
// sweep listed it keeps its place, with the score that event gave it, or it would never be swept again.
const quietEndScript = `
local last = tonumber(redis.call('HGET', KEYS[1], 'lastEventAt') or '0')
if redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 or last == 0 then
  redis.call('ZREM', KEYS[2], ARGV[3])
  return 0
end
if last > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'endedAt', ARGV[1], 'endReason', 'quiet')
redis.call('ZREM', KEYS[2], ARGV[3])
return 1
`;

export interface CallEvent {
  uuid: string;
  telephonySessionId: string;
  sessionId: string;
  accountId: string;
  parties: PartySnapshot[];
  storyEntry: Record<string, unknown>;
}

export interface CallMeta {
  telephonySessionId: string;
  sessionId: string;
  accountId: string;
  firstSeenAt: number;
  lastEventAt: number;
  endedAt?: number;
  /** `call-log`: the end never reached us; a recovery read it from the Call Log. */
  endReason?: 'disconnected' | 'quiet' | 'call-log';
  doneAt?: number;
  parties: PartySnapshot[];
}

export interface CallStateOptions {
  dedupeTtlSeconds?: number;
  stateTtlSeconds?: number;
  /** Parties kept per call; later new parties are dropped (a bound on one call's Redis state). */
  maxPartiesPerCall?: number;
}

/** Real calls have a handful of parties; a queue ringing many agents stays well below this. */
export const defaultMaxPartiesPerCall = 200;

/** Each call's parties and facts in Redis, with a TTL: the source of truth for "has this call ended?". */
export function createCallState(redis: Redis, keys: Keys, options: CallStateOptions = {}) {
  const dedupeTtl = options.dedupeTtlSeconds ?? 24 * 3600;
  const stateTtl = options.stateTtlSeconds ?? 7 * 24 * 3600;
  const maxParties = options.maxPartiesPerCall ?? defaultMaxPartiesPerCall;

  return {
    /**
     * Record one notification. `duplicate`: its uuid was seen before. `endedNow`: this event ended the call.
     * `awaitingLookup`: the call has ended and is not enriched yet (scheduling its lookup is idempotent,
     * so a redelivered notification can repair a schedule that failed the first time).
     */
    async record(
      event: CallEvent,
      now = Date.now(),
    ): Promise<{ duplicate: boolean; endedNow: boolean; awaitingLookup: boolean; partiesDropped: number }> {
      const tsid = event.telephonySessionId;
      const partyArgs = event.parties.flatMap((party) => [
        party.id,
        String(party.sequence),
        isTerminalStatus(party.status) ? '1' : '0',
        JSON.stringify(party),
      ]);
      const story = JSON.stringify({ at: new Date(now).toISOString(), ...event.storyEntry });
      const [outcome, endedNow, awaiting, dropped] = (await redis.eval(
        recordScript,
        7,
        keys.seenNotification(event.uuid),
        keys.callParties(tsid),
        keys.callMeta(tsid),
        keys.liveCalls(),
        keys.callStory(tsid),
        keys.callPartyOrder(tsid),
        keys.callLiveParties(tsid),
        now,
        dedupeTtl,
        stateTtl,
        event.sessionId,
        event.accountId,
        tsid,
        story,
        maxParties,
        ...partyArgs,
      )) as [string, number, number, number];
      return {
        duplicate: outcome === 'duplicate',
        endedNow: endedNow === 1,
        awaitingLookup: awaiting === 1,
        partiesDropped: dropped,
      };
    },

    async get(telephonySessionId: string): Promise<CallMeta | null> {
      const [meta, parties] = await Promise.all([
        redis.hgetall(keys.callMeta(telephonySessionId)),
        redis.hvals(keys.callParties(telephonySessionId)),
      ]);
      if (!meta.firstSeenAt) return null;
      return {
        telephonySessionId,
        sessionId: meta.sessionId ?? '',
        accountId: meta.accountId ?? '',
        firstSeenAt: Number(meta.firstSeenAt),
        lastEventAt: Number(meta.lastEventAt),
        endedAt: meta.endedAt ? Number(meta.endedAt) : undefined,
        endReason: meta.endReason as CallMeta['endReason'],
        doneAt: meta.doneAt ? Number(meta.doneAt) : undefined,
        parties: parties
          // Entries written before the order hash existed carry a `terminal` flag: not part of the snapshot.
          .map((value) => stripInternal(JSON.parse(value) as PartySnapshot & { terminal?: boolean }))
          .sort((a, b) => a.id.localeCompare(b.id)),
      };
    },

    /** Mark the call enriched: later notifications for it schedule nothing. */
    async markDone(telephonySessionId: string, now = Date.now()): Promise<void> {
      await redis.hset(keys.callMeta(telephonySessionId), 'doneAt', now);
    },

    /** The call was finished from its Call Log record (reconcile, back-fill): ended and done. */
    async markRecovered(
      call: { telephonySessionId: string; sessionId: string; accountId: string; endedAt: number },
      now = Date.now(),
    ): Promise<void> {
      await redis.eval(
        recoveredScript,
        2,
        keys.callMeta(call.telephonySessionId),
        keys.liveCalls(),
        now,
        call.sessionId,
        call.accountId,
        call.endedAt,
        stateTtl,
        call.telephonySessionId,
      );
    },

    /** Calls whose last event is older than `quietSinceMs` and that never ended. */
    async quietCalls(quietSinceMs: number, limit = 500): Promise<string[]> {
      return redis.zrangebyscore(keys.liveCalls(), '-inf', quietSinceMs, 'LIMIT', 0, limit);
    },

    /** Declare a quiet call ended; false when an event arrived since or it already ended. */
    async endQuietCall(telephonySessionId: string, quietSinceMs: number, now = Date.now()): Promise<boolean> {
      const result = await redis.eval(
        quietEndScript,
        2,
        keys.callMeta(telephonySessionId),
        keys.liveCalls(),
        now,
        quietSinceMs,
        telephonySessionId,
      );
      return Number(result) === 1;
    },
  };
}

export type CallState = ReturnType<typeof createCallState>;

function stripInternal(party: PartySnapshot & { terminal?: boolean }): PartySnapshot {
  const { terminal: _terminal, ...rest } = party;
  return rest;
}
