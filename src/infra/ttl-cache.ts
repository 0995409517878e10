/**
 * A small in-process cache with a lifetime per entry and a size bound (oldest entry out first), for
 * lookups whose answer changes rarely and whose source has a rate limit (a CRM's user directory).
 */
export function createTtlCache<V>(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    /** `{ value }` when cached and fresh (the value may itself be undefined: a cached "none"). */
    get(key: string): { value: V } | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return { value: entry.value };
    },
    set(key: string, value: V, ttlMs = options.ttlMs): void {
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttlMs });
      while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
