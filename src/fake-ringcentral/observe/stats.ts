import type { DeliveryLogEntry, FakeStats, RateLimitGroup, RequestLogEntry } from '../types.js';

const zeroGroups = (): Record<RateLimitGroup, number> => ({ Light: 0, Medium: 0, Heavy: 0, Auth: 0 });

/** Counters and logs of what the fake received and sent, for tests to assert on. */
export function createStats() {
  const requestLog: RequestLogEntry[] = [];
  const deliveryLog: DeliveryLogEntry[] = [];
  let counters = fresh();

  function fresh() {
    return {
      byGroup: zeroGroups(),
      byRoute: {} as Record<string, number>,
      rateLimited: 0,
      rateLimitedByGroup: zeroGroups(),
      notificationsSent: 0,
      notificationFailures: 0,
      notificationsDropped: 0,
    };
  }

  return {
    requestLog,
    deliveryLog,
    recordRequest(entry: RequestLogEntry): void {
      requestLog.push(entry);
      if (entry.group) counters.byGroup[entry.group]++;
      const route = entry.route ?? 'unmatched';
      counters.byRoute[route] = (counters.byRoute[route] ?? 0) + 1;
      if (entry.status === 429 && !entry.fault && entry.group) {
        counters.rateLimited++;
        counters.rateLimitedByGroup[entry.group]++;
      }
    },
    recordDelivery(entry: DeliveryLogEntry): void {
      deliveryLog.push(entry);
      counters.notificationsSent++;
      if (!entry.ok) counters.notificationFailures++;
    },
    recordDrop(): void {
      counters.notificationsDropped++;
    },
    snapshot(): FakeStats {
      return {
        requests: requestLog.length,
        byGroup: { ...counters.byGroup },
        byRoute: { ...counters.byRoute },
        rateLimited: counters.rateLimited,
        rateLimitedByGroup: { ...counters.rateLimitedByGroup },
        notificationsSent: counters.notificationsSent,
        notificationFailures: counters.notificationFailures,
        notificationsDropped: counters.notificationsDropped,
      };
    },
    /** Empties counters and both logs in place (the arrays handed out stay valid). */
    reset(): void {
      requestLog.length = 0;
      deliveryLog.length = 0;
      counters = fresh();
    },
  };
}

export type Stats = ReturnType<typeof createStats>;
