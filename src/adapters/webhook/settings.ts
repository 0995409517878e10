import { z } from 'zod';
import { httpUrl, parseAdapterSettings, requestTimeoutSetting, secret, type Secret } from '../settings.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const GENERATE = `node -e "console.log('whsec_'+require('crypto').randomBytes(32).toString('base64'))"`;

/** Standard Webhooks: `whsec_` + base64 of 24 to 64 random bytes. */
const webhookSecret = z
  .string()
  .superRefine((value, ctx) => {
    const fail = (problem: string) =>
      ctx.addIssue({
        code: 'custom',
        message: `CRM_WEBHOOK_SECRET ${problem}; generate one with: ${GENERATE}`,
      });
    if (!value.startsWith('whsec_')) return fail('must start with whsec_ (a Standard Webhooks secret)');
    const encoded = value.slice('whsec_'.length);
    if (!BASE64.test(encoded)) return fail('must be whsec_ followed by base64');
    const bytes = Buffer.from(encoded, 'base64').length;
    if (bytes < 24 || bytes > 64) return fail(`must hold 24 to 64 random bytes (it holds ${bytes})`);
  })
  .pipe(secret());

const schema = z.object({
  CRM_WEBHOOK_URL: httpUrl('CRM_WEBHOOK_URL'),
  CRM_WEBHOOK_SECRET: webhookSecret,
  ...requestTimeoutSetting,
});

export interface WebhookSettings {
  url: string;
  secret: Secret;
  timeoutMs: number;
}

export function parseWebhookSettings(env: Readonly<Record<string, string | undefined>>): WebhookSettings {
  const e = parseAdapterSettings('webhook', schema, env, {
    CRM_WEBHOOK_URL: 'where each call is POSTed, e.g. https://crm.example.com/hooks/calls',
    CRM_WEBHOOK_SECRET: `the Standard Webhooks signing secret, whsec_…; generate one with: ${GENERATE}`,
  });
  return { url: e.CRM_WEBHOOK_URL, secret: e.CRM_WEBHOOK_SECRET, timeoutMs: e.CRM_REQUEST_TIMEOUT_MS };
}
