import type { Logger } from 'pino';
import { PermanentError, RetryableError } from '../errors.js';

/** What `/health/ready` says about RingCentral: no secrets, no ids. */
export type CredentialsStatus =
  { state: 'accepted' } | { state: 'checking' | 'refused' | 'unavailable'; reason: string };

export interface ProbePolicy {
  /** First wait after RingCentral did not answer; doubles each time. */
  initialRetryMs: number;
  /** Longest wait between two attempts (also the pace after a refusal, which only a fix can end). */
  maxRetryMs: number;
}

// Gentle: every login attempt spends the Auth budget (5 a minute) that `rc-enrich subscribe` also needs.
export const defaultProbePolicy: ProbePolicy = { initialRetryMs: 15_000, maxRetryMs: 5 * 60_000 };

/**
 * After one login attempt: what readiness says and when to try again. Accepted once is enough: from then
 * on a lapsed token is the shared login's business, not readiness's.
 */
export function afterProbe(
  outcome: { ok: true } | { error: unknown },
  failuresBefore: number,
  policy: ProbePolicy = defaultProbePolicy,
): { status: CredentialsStatus; retryInMs?: number } {
  if ('ok' in outcome) return { status: { state: 'accepted' } };
  const { error } = outcome;
  if (error instanceof PermanentError) {
    return {
      status: {
        state: 'refused',
        reason:
          'RingCentral refused our credentials: check RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET, ' +
          'RINGCENTRAL_JWT and RINGCENTRAL_SERVER_URL (the logs say what RingCentral answered)',
      },
      retryInMs: policy.maxRetryMs,
    };
  }
  const backoff = Math.min(policy.maxRetryMs, policy.initialRetryMs * 2 ** failuresBefore);
  const told = error instanceof RetryableError ? (error.retryAfterMs ?? 0) : 0;
  return {
    status: {
      state: 'unavailable',
      reason: 'RingCentral did not answer our login yet (network, 5xx or rate limit): trying again',
    },
    retryInMs: Math.min(policy.maxRetryMs, Math.max(backoff, told)),
  };
}

/**
 * From the start of a process that works with RingCentral until RingCentral has accepted our
 * credentials once: logs in (through the shared login, so a valid token another process obtained
 * counts and costs no request), and again after a pause while it has not worked.
 */
export function createCredentialsCheck(deps: {
  login: () => Promise<unknown>;
  logger: Logger;
  policy?: ProbePolicy;
}) {
  let status: CredentialsStatus = { state: 'checking', reason: 'logging in to RingCentral' };
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function attempt(): Promise<void> {
    timer = undefined;
    let outcome: { ok: true } | { error: unknown };
    try {
      await deps.login();
      outcome = { ok: true };
    } catch (error) {
      outcome = { error };
    }
    if (stopped) return;
    const next = afterProbe(outcome, failures, deps.policy);
    if (next.status.state !== status.state) {
      if (next.status.state === 'accepted') deps.logger.info('RingCentral accepted our credentials');
      else if ('error' in outcome) {
        const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
        const log = next.status.state === 'refused' ? deps.logger.error : deps.logger.warn;
        log.call(deps.logger, { err: message }, `not ready: ${next.status.reason}`);
      }
    }
    status = next.status;
    failures = next.status.state === 'accepted' ? 0 : failures + 1;
    if (next.retryInMs !== undefined) {
      timer = setTimeout(() => void attempt(), next.retryInMs);
      timer.unref();
    }
  }

  return {
    start(): void {
      void attempt();
    },
    status: (): CredentialsStatus => status,
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

export type CredentialsCheck = ReturnType<typeof createCredentialsCheck>;
