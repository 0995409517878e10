import { defaultFaultBody, unavailable } from '../http/errors.js';
import type { RouteResult } from '../http/io.js';
import type { FailNextOptions } from '../types.js';

interface Armed extends FailNextOptions {
  left: number;
}

/**
 * Injected failures, checked before authentication and rate limiting (they consume no budget):
 * `failNext` answers the next N matching requests with a canned status; `setDown(true)` answers
 * every `/restapi/v1.0/**` request with 503 CMN-201 (the OAuth endpoints stay up).
 */
export function createFaults() {
  const armed: Armed[] = [];
  let down = false;

  return {
    failNext(options: FailNextOptions): void {
      armed.push({ ...options, left: options.times ?? 1 });
    },
    setDown(value: boolean): void {
      down = value;
    },
    clear(): void {
      armed.length = 0;
      down = false;
    },
    /** The canned answer for this request, if any (consumes one use of a failNext rule). */
    take(method: string, path: string): RouteResult | undefined {
      const index = armed.findIndex((rule) => {
        if (rule.method && rule.method.toUpperCase() !== method) return false;
        if (typeof rule.path === 'string') return rule.path === path;
        rule.path.lastIndex = 0; // a /g regex would otherwise remember where it stopped
        return rule.path.test(path);
      });
      const rule = armed[index];
      if (rule) {
        if (--rule.left <= 0) armed.splice(index, 1);
        return {
          status: rule.status,
          body: rule.body ?? defaultFaultBody(rule.status),
          headers: rule.headers,
        };
      }
      if (down && path.startsWith('/restapi/v1.0')) return { status: 503, body: unavailable().body };
      return undefined;
    },
  };
}

export type Faults = ReturnType<typeof createFaults>;
