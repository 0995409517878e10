import type { Config } from '../config.js';
import { LoginError, ReauthenticateError, RetryableError } from '../errors.js';
import type { Services } from '../services.js';
import { subscriptionParts } from '../subscriptions/feature.js';
import { webhookAddress } from '../webhook/path.js';
import { CliError, cliLogger, cliRingCentral, withServices } from './context.js';

/** Where a command writes: answers to stdout, warnings to stderr. Tests pass their own. */
export interface Output {
  out(line: string): void;
  warn(line: string): void;
}

export const consoleOutput: Output = {
  out: (line) => console.log(line),
  warn: (line) => console.error(`rc-enrich: warning: ${line}`),
};

/**
 * Settings the subscription commands need, checked before anything is sent, each problem named.
 * Warns (without failing) about a PUBLIC_URL RingCentral will not accept or cannot reach.
 */
export function checkSettings(
  config: Config,
  needs: { publicUrl?: boolean; verificationToken?: boolean },
  output: Output,
): void {
  const problems: string[] = [];
  const rc = config.ringcentral;
  if (!rc.clientId || !rc.clientSecret || !rc.jwt) {
    problems.push(
      "RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET and RINGCENTRAL_JWT must all be set (the app's JWT credentials)",
    );
  }
  const publicUrl = config.webhook.publicUrl;
  if (needs.publicUrl && !publicUrl) {
    problems.push(
      'PUBLIC_URL is not set: set it to the public HTTPS base URL of this service ' +
        '(RingCentral will deliver to PUBLIC_URL/webhooks/ringcentral), e.g. PUBLIC_URL=https://rc-enrich.example.com',
    );
  }
  if (needs.verificationToken && !config.webhook.verificationToken) {
    problems.push(
      'WEBHOOK_VERIFICATION_TOKEN is not set: choose a long random secret (e.g. `openssl rand -hex 32`) ' +
        'and give the running service the same value',
    );
  }
  if (problems.length > 0) throw new CliError(problems.join('\n'));

  if (needs.publicUrl && publicUrl) {
    const target = new URL(publicUrl);
    const local = isLocalHost(target.hostname);
    if (target.protocol !== 'https:' && !local) {
      output.warn(
        `PUBLIC_URL (${publicUrl}) is not HTTPS: RingCentral requires HTTPS (TLS 1.2 or later) for production webhooks`,
      );
    }
    if (local && !isLocalHost(new URL(rc.serverUrl).hostname)) {
      output.warn(
        `PUBLIC_URL (${publicUrl}) points at this machine: RingCentral's servers cannot reach it. ` +
          'Use a tunnel (e.g. `ngrok http 3000` or `cloudflared tunnel --url http://localhost:3000`) and set PUBLIC_URL to its https URL',
      );
    }
  }
}

/** Run `fn` with Redis open and a RingCentral client and the subscription parts wired; failures say what to do. */
export async function withSubscriptions<T>(
  config: Config,
  fn: (parts: ReturnType<typeof subscriptionParts>, services: Services) => Promise<T>,
): Promise<T> {
  return withServices(config, async (services) => {
    const logger = cliLogger(config);
    const ringcentral = cliRingCentral(config, services, logger);
    try {
      return await fn(subscriptionParts({ ...services, config, logger, ringcentral }), services);
    } catch (err) {
      throw explain(err, config);
    }
  });
}

export function targetAddress(config: Config): string | undefined {
  return config.webhook.publicUrl ? webhookAddress(config.webhook.publicUrl) : undefined;
}

function explain(err: unknown, config: Config): unknown {
  const credentials = 'check RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET and RINGCENTRAL_JWT';
  if (err instanceof LoginError) {
    return new CliError(`Cannot log in to RingCentral at ${config.ringcentral.serverUrl}: ${err.message}`);
  }
  if (err instanceof ReauthenticateError) {
    return new CliError(`RingCentral refused the app's access token (${err.message}): ${credentials}`);
  }
  if (err instanceof RetryableError) {
    return new CliError(
      `${err.message}\nRingCentral (${config.ringcentral.serverUrl}) is unavailable or busy: try again later`,
    );
  }
  return err;
}

function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
}
