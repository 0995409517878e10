import type { Redis } from 'ioredis';
import type { Keys } from '../infra/keys.js';
import type { PartySnapshot } from './types.js';

/** A party in one of these states has left the session. Codes are compared case-insensitively. */
const terminalCodes = new Set(['disconnected', 'gone']);
export const isTerminalStatus = (code: string) => terminalCodes.has(code.toLowerCase());

// One round trip per notification, atomic so concurrent api processes agree on when a call ended:
// dedupe the notification, keep each party's newest state (by sequence: events arrive out of order),
// append to the call's journey, and report whether this event is the one that ended the call.
const recordScript = `
local function pending()
  if redis.call('HEXISTS', KEYS[3], 'endedAt') == 1 and redis.call('HEXISTS', KEYS[3], 'doneAt') == 0 then return 1 end
  return 0
end
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then return {'duplicate', 0, pending()} end
local now, ttl = ARGV[1], tonumber(ARGV[3])
for _, party in ipairs(cjson.decode(ARGV[4])) do
  local prev = redis.call('HGET', KEYS[2], party.id)
  if (not prev) or tonumber(cjson.decode(prev).sequence) < tonumber(party.sequence) then
    redis.call('HSET', KEYS[2], party.id, cjson.encode(party))
  end
end
redis.call('HSETNX', KEYS[3], 'firstSeenAt', now)
redis.call('HSETNX', KEYS[3], 'sessionId', ARGV[5])
redis.call('HSETNX', KEYS[3], 'accountId', ARGV[6])
redis.call('HSET', KEYS[3], 'lastEventAt', now)
local ended = true
for _, value in ipairs(redis.call('HVALS', KEYS[2])) do
  if not cjson.decode(value).terminal then ended = false end
end
local endedNow = 0
if ended then
  if not redis.call('HGET', KEYS[3], 'endedAt') then
    redis.call('HSET', KEYS[3], 'endedAt', now, 'endReason', 'disconnected')
    endedNow = 1
  end
  redis.call('ZREM', KEYS[4], ARGV[7])
else
  redis.call('HDEL', KEYS[3], 'endedAt', 'endReason')
  redis.call('ZADD', KEYS[4], now, ARGV[7])
end
redis.call('RPUSH', KEYS[5], ARGV[8])
redis.call('LTRIM', KEYS[5], -200, -1)
for i = 2, 5 do redis.call('EXPIRE', KEYS[i], ttl) end
return {'recorded', endedNow, pending()}
`;

// A call whose last event is older than the quiet period is declared ended, unless one arrived since.
const quietEndScript = `
local last = tonumber(redis.call('HGET', KEYS[1], 'lastEventAt') or '0')
redis.call('ZREM', KEYS[2], ARGV[3])
if redis.call('HGET', KEYS[1], 'endedAt') or last == 0 or last > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'endedAt', ARGV[1], 'endReason', 'quiet')
return 1
`;

export interface CallEvent {
  uuid: string;
  telephonySessionId: string;
  sessionId: string;
  accountId: string;
  parties: PartySnapshot[];
  journeyEntry: Record<string, unknown>;
}

export interface CallMeta {
  telephonySessionId: string;
  sessionId: string;
  accountId: string;
  firstSeenAt: number;
  lastEventAt: number;
  endedAt?: number;
  endReason?: 'disconnected' | 'quiet';
  doneAt?: number;
  parties: PartySnapshot[];
}

export interface CallStateOptions {
  dedupeTtlSeconds?: number;
  stateTtlSeconds?: number;
}

/** Each call's parties and facts in Redis, with a TTL: the source of truth for "has this call ended?". */
export function createCallState(redis: Redis, keys: Keys, options: CallStateOptions = {}) {
  const dedupeTtl = options.dedupeTtlSeconds ?? 24 * 3600;
  const stateTtl = options.stateTtlSeconds ?? 7 * 24 * 3600;

  return {
    /**
     * Record one notification. `duplicate`: its uuid was seen before. `endedNow`: this event ended the call.
     * `awaitingLookup`: the call has ended and is not enriched yet (scheduling its lookup is idempotent,
     * so a redelivered notification can repair a schedule that failed the first time).
     */
    async record(
      event: CallEvent,
      now = Date.now(),
    ): Promise<{ duplicate: boolean; endedNow: boolean; awaitingLookup: boolean }> {
      const tsid = event.telephonySessionId;
      const parties = event.parties.map((party) => ({ ...party, terminal: isTerminalStatus(party.status) }));
      const journey = JSON.stringify({ at: new Date(now).toISOString(), ...event.journeyEntry });
      const [outcome, endedNow, awaiting] = (await redis.eval(
        recordScript,
        5,
        keys.seenNotification(event.uuid),
        keys.callParties(tsid),
        keys.callMeta(tsid),
        keys.liveCalls(),
        keys.callJourney(tsid),
        now,
        dedupeTtl,
        stateTtl,
        JSON.stringify(parties),
        event.sessionId,
        event.accountId,
        tsid,
        journey,
      )) as [string, number, number];
      return { duplicate: outcome === 'duplicate', endedNow: endedNow === 1, awaitingLookup: awaiting === 1 };
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
          .map((value) => stripInternal(JSON.parse(value) as PartySnapshot & { terminal?: boolean }))
          .sort((a, b) => a.id.localeCompare(b.id)),
      };
    },

    /** Mark the call enriched: later notifications for it schedule nothing. */
    async markDone(telephonySessionId: string, now = Date.now()): Promise<void> {
      await redis.hset(keys.callMeta(telephonySessionId), 'doneAt', now);
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
