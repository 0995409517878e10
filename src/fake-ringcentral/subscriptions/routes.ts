import type { ApiContext } from '../api/context.js';
import { invalidParameter, notFound, rcError } from '../http/errors.js';
import { parseJson } from '../http/io.js';
import type { Route, RouteRequest } from '../http/router.js';
import type { Poster } from '../notifications/post.js';
import { randomUuid, type Random } from '../random.js';
import { validateWebhook } from './handshake.js';
import { maxSubscriptionsPerOwner, toSubscriptionInfo, type SubscriptionStore } from './store.js';
import type { SubscriptionRecord } from './types.js';
import { defaultExpiresIn, parseDeliveryMode, parseEventFilters, parseExpiresIn } from './validate.js';

interface Deps {
  ctx: ApiContext;
  store: SubscriptionStore;
  poster: Poster;
  random: Random;
}

const objectBody = (req: RouteRequest): Record<string, unknown> => {
  const body = parseJson(req.body) ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidParameter('body');
  return body as Record<string, unknown>;
};

/** Webhook subscriptions (https://developers.ringcentral.com/api-reference/Subscriptions): create/update/delete Medium, list/get/renew Light. */
export function subscriptionRoutes({ ctx, store, poster, random }: Deps): Route[] {
  const { options } = ctx;
  const info = (record: SubscriptionRecord, now = options.now()) => ({
    body: toSubscriptionInfo(record, ctx.baseUrl(), now),
  });

  function owned(req: RouteRequest): SubscriptionRecord {
    const id = req.params.subscriptionId ?? '';
    const record = store.get(id);
    if (!record || record.ownerId !== req.token?.ownerId) throw notFound('subscriptionId', id);
    return record;
  }

  function renewable(req: RouteRequest): SubscriptionRecord {
    const record = owned(req);
    if (record.status === 'Blacklisted') {
      const message = `Subscription [${record.id}] is blacklisted and cannot be renewed; delete it and create a new one`;
      throw rcError(400, 'SUB-526', message);
    }
    return record;
  }

  async function create(req: RouteRequest) {
    const body = objectBody(req);
    const ownerId = req.token?.ownerId ?? '';
    const filters = parseEventFilters(body.eventFilters, options);
    const { address, verificationToken } = parseDeliveryMode(body.deliveryMode);
    const lifetimeSec = parseExpiresIn(body.expiresIn);
    if (store.list(ownerId).length >= maxSubscriptionsPerOwner) {
      throw rcError(403, 'SUB-505', 'Subscriptions limit exceeded');
    }
    await validateWebhook(address, poster, options.handshakeTimeoutMs);
    const now = options.now();
    const record: SubscriptionRecord = {
      id: randomUuid(random),
      ownerId,
      ...filters,
      address,
      verificationToken,
      createdAt: now,
      expiresAt: now + lifetimeSec * 1000,
      lifetimeSec,
      status: 'Active',
    };
    store.add(record);
    return info(record, now);
  }

  /** PUT renews; an empty body renews with the default lifetime and keeps the filters (spec). */
  function update(req: RouteRequest) {
    const record = renewable(req);
    const body = objectBody(req);
    if (body.eventFilters !== undefined) Object.assign(record, parseEventFilters(body.eventFilters, options));
    record.lifetimeSec = parseExpiresIn(body.expiresIn, defaultExpiresIn);
    const now = options.now();
    record.expiresAt = now + record.lifetimeSec * 1000;
    return info(record, now);
  }

  function renew(req: RouteRequest) {
    const record = renewable(req);
    const now = options.now();
    record.expiresAt = now + record.lifetimeSec * 1000;
    return info(record, now);
  }

  const base = '/restapi/v1.0/subscription';
  const one = `${base}/{subscriptionId}`;
  const route = (
    method: string,
    pattern: string,
    group: Route['group'],
    handler: Route['handler'],
  ): Route => ({
    method,
    pattern,
    group,
    auth: 'bearer',
    handler,
  });
  return [
    { ...route('POST', base, 'Medium', create), permission: 'SubscriptionWebhook' },
    route('GET', base, 'Light', (req) => ({
      body: {
        uri: `${ctx.baseUrl()}${base}`,
        records: store
          .list(req.token?.ownerId)
          .map((r) => toSubscriptionInfo(r, ctx.baseUrl(), options.now())),
      },
    })),
    route('GET', one, 'Light', (req) => info(owned(req))),
    route('PUT', one, 'Medium', update),
    route('DELETE', one, 'Medium', (req) => {
      store.remove(owned(req).id);
      return { status: 204 };
    }),
    route('POST', `${one}/renew`, 'Light', renew),
  ];
}
