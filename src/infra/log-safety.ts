import { stdSerializers } from 'pino';

/**
 * Errors can carry call data: ioredis attaches the failed command with all its arguments (a whole
 * notification: phone numbers, names), HTTP clients attach bodies. Logged errors keep what says what
 * went wrong (type, message, code, stack) and drop those payloads.
 */
const payloadFields = ['command', 'args', 'data', 'body', 'response', 'request', 'config', 'call', 'records'];
const maxMessageLength = 500;

export function serializeError(err: unknown): Record<string, unknown> | unknown {
  if (!(err instanceof Error)) return err;
  const serialized: Record<string, unknown> = { ...stdSerializers.err(err) };
  for (const field of payloadFields) delete serialized[field];
  if (typeof serialized.message === 'string' && serialized.message.length > maxMessageLength) {
    serialized.message = `${serialized.message.slice(0, maxMessageLength)}…`;
  }
  return serialized;
}

/**
 * One log line per `key` per interval: during an outage every request and every retry fails the same
 * way, and one line (with how many were left out since the last) says as much as a thousand.
 */
export function createLogThrottle(intervalMs = 30_000, now = () => Date.now()) {
  const state = new Map<string, { lastAt: number; suppressed: number }>();
  return (key: string, emit: (suppressed: number) => void): void => {
    const entry = state.get(key);
    const at = now();
    if (entry && at - entry.lastAt < intervalMs) {
      entry.suppressed++;
      return;
    }
    state.set(key, { lastAt: at, suppressed: 0 });
    // Bounded: error kinds are few, but an unbounded map is how a slow leak starts.
    if (state.size > 1_000) state.delete(state.keys().next().value as string);
    emit(entry?.suppressed ?? 0);
  };
}

export type LogThrottle = ReturnType<typeof createLogThrottle>;
