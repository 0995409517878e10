import { createPrivateKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { outcomeMapSetting, type OutcomeMap } from '../outcome.js';
import { parseAdapterSettings, requestTimeoutSetting, secret, secureUrl, type Secret } from '../settings.js';

const JWT_KEYS = ['SALESFORCE_CLIENT_ID', 'SALESFORCE_USERNAME', 'SALESFORCE_PRIVATE_KEY'] as const;

const schema = z
  .object({
    SALESFORCE_INSTANCE_URL: secureUrl('SALESFORCE_INSTANCE_URL').optional(),
    SALESFORCE_ACCESS_TOKEN: secret().optional(),
    SALESFORCE_CLIENT_ID: z.string().optional(),
    SALESFORCE_USERNAME: z.string().optional(),
    SALESFORCE_PRIVATE_KEY: z
      .string()
      // .env files often hold a PEM on one line with literal \n.
      .transform((value, ctx) => {
        try {
          return createPrivateKey(value.replace(/\\n/g, '\n'));
        } catch {
          ctx.addIssue({
            code: 'custom',
            message: 'SALESFORCE_PRIVATE_KEY must be a PEM private key (-----BEGIN …)',
          });
          return z.NEVER;
        }
      })
      .optional(),
    // The login receives a signed assertion and returns a token: never over plain http on a network.
    SALESFORCE_LOGIN_URL: secureUrl('SALESFORCE_LOGIN_URL').default('https://login.salesforce.com'),
    SALESFORCE_API_VERSION: z
      .string()
      .regex(/^v\d+\.\d$/, 'SALESFORCE_API_VERSION must look like v60.0')
      .default('v60.0'),
    SALESFORCE_EXTERNAL_ID_FIELD: z
      .string()
      .regex(
        /^[A-Za-z]\w*$/,
        'SALESFORCE_EXTERNAL_ID_FIELD must be a field API name, e.g. RingCentral_Call_Id__c',
      )
      .optional(),
    SALESFORCE_FALLBACK_OWNER_ID: z
      .string()
      .regex(
        /^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/,
        "SALESFORCE_FALLBACK_OWNER_ID must be a User's Id (005…)",
      )
      .optional(),
    SALESFORCE_MAX_API_USAGE: z.coerce
      .number({ error: 'SALESFORCE_MAX_API_USAGE must be a fraction, e.g. 0.9' })
      .gt(0, 'SALESFORCE_MAX_API_USAGE must be above 0')
      .max(1, 'SALESFORCE_MAX_API_USAGE must be at most 1')
      .default(0.9),
    ...requestTimeoutSetting,
    ...outcomeMapSetting,
  })
  .superRefine((e, ctx) => {
    const jwtSet = JWT_KEYS.filter((key) => e[key] !== undefined);
    if (jwtSet.length === 0 && e.SALESFORCE_ACCESS_TOKEN === undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          'SALESFORCE_ACCESS_TOKEN (with SALESFORCE_INSTANCE_URL) or SALESFORCE_CLIENT_ID, SALESFORCE_USERNAME ' +
          'and SALESFORCE_PRIVATE_KEY (OAuth JWT bearer flow) are required',
      });
    } else if (jwtSet.length > 0 && jwtSet.length < JWT_KEYS.length) {
      for (const key of JWT_KEYS.filter((k) => e[k] === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} is required for the OAuth JWT bearer flow`,
        });
      }
    } else if (jwtSet.length === 0 && e.SALESFORCE_INSTANCE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SALESFORCE_INSTANCE_URL'],
        message:
          'SALESFORCE_INSTANCE_URL is required with SALESFORCE_ACCESS_TOKEN (e.g. https://acme.my.salesforce.com)',
      });
    }
  });

export type SalesforceAuthSettings =
  | { kind: 'token'; accessToken: Secret; instanceUrl: string }
  | {
      kind: 'jwt';
      clientId: string;
      username: string;
      privateKey: KeyObject;
      loginUrl: string;
      instanceUrl?: string;
    };

export interface SalesforceSettings {
  auth: SalesforceAuthSettings;
  apiVersion: string;
  externalIdField?: string;
  /** Owner (Assigned To) of calls nobody handled, and of calls whose owner could not be found. */
  fallbackOwnerId?: string;
  /** Above this share of the org's daily API allocation, deliveries wait (other integrations need some too). */
  maxApiUsage: number;
  timeoutMs: number;
  outcomes: OutcomeMap;
}

export function parseSalesforceSettings(
  env: Readonly<Record<string, string | undefined>>,
): SalesforceSettings {
  const e = parseAdapterSettings('salesforce', schema, env);
  // With both configured, the JWT flow wins: it can log in again when a session expires.
  const auth: SalesforceAuthSettings =
    e.SALESFORCE_CLIENT_ID && e.SALESFORCE_USERNAME && e.SALESFORCE_PRIVATE_KEY
      ? {
          kind: 'jwt',
          clientId: e.SALESFORCE_CLIENT_ID,
          username: e.SALESFORCE_USERNAME,
          privateKey: e.SALESFORCE_PRIVATE_KEY,
          loginUrl: e.SALESFORCE_LOGIN_URL,
          instanceUrl: e.SALESFORCE_INSTANCE_URL,
        }
      : { kind: 'token', accessToken: e.SALESFORCE_ACCESS_TOKEN!, instanceUrl: e.SALESFORCE_INSTANCE_URL! };
  return {
    auth,
    apiVersion: e.SALESFORCE_API_VERSION,
    externalIdField: e.SALESFORCE_EXTERNAL_ID_FIELD,
    fallbackOwnerId: e.SALESFORCE_FALLBACK_OWNER_ID,
    maxApiUsage: e.SALESFORCE_MAX_API_USAGE,
    timeoutMs: e.CRM_REQUEST_TIMEOUT_MS,
    outcomes: e.CRM_OUTCOME_MAP,
  };
}
