import type { EnrichedCall } from '../../calls/types.js';
import { createTtlCache } from '../../infra/ttl-cache.js';
import { legExtensions, legsComplete, legsOf } from '../call-legs.js';
import {
  decideHandling,
  extensionKind,
  type CallHandler,
  type CallHandling,
  type HandlingBasis,
} from '../legs.js';
import type { OutcomeMap } from '../outcome.js';
import type { CallSummary } from '../summary.js';
import type { ExtensionDirectory, ExtensionInfo } from '../directory.js';
import type { OwnerMap } from './map-file.js';

/** Where the record's owner came from: the admin's map, an email match, the fallback, or nobody. */
export type OwnerSource = 'map' | 'email' | 'fallback' | 'none';
/** Why, as a stable code for metrics. */
export type OwnerReason =
  'mapped' | 'email' | 'nobody-handled' | 'no-email' | 'no-crm-user' | 'lookup-failed';

export interface OwnerDecision {
  /** The CRM user id to set as the record's owner; none: the CRM's default (the API user). */
  ownerId?: string;
  source: OwnerSource;
  reason: OwnerReason;
  /** One sentence for the call's story (`rc-enrich call <id>`). */
  detail: string;
}

interface Deps {
  adapter: string;
  /** What the CRM calls a user, for messages: "HubSpot owner", "Salesforce user". */
  userNoun: string;
  options: { directory?: ExtensionDirectory; ownerMap?: OwnerMap };
  fallbackOwnerId?: string;
  /** The setting that holds the fallback, named in messages. */
  fallbackSetting: string;
  /** The CRM's active user with this email, if any. */
  findUserByEmail(email: string, signal: AbortSignal): Promise<string | undefined>;
  outcomes?: OutcomeMap;
}

const basisText: Record<HandlingBasis, string> = {
  answered: 'answered',
  placed: 'placed the call',
  voicemail: 'voicemail',
  'nobody-answered': 'nobody answered',
  'before-extension': 'ended in the IVR or queue before reaching a person',
  unidentified: "answered, but RingCentral's records name no person",
};

/**
 * Who should own the CRM record of a call, and what the caller lived. RingCentral extension → CRM user:
 * CRM_OWNER_MAP by extension id, else the extension's contact email (RingCentral) → CRM_OWNER_MAP by
 * email, else the CRM user with that email. Calls nobody handled, and every failure on the way, go to
 * the fallback owner: a mapping problem never holds a delivery back, it is written in the decision.
 */
export function createOwnership(deps: Deps) {
  const { directory, ownerMap } = deps.options;
  // CRM users change rarely; a CRM lookup per call would spend its rate limit for nothing.
  const users = createTtlCache<string | undefined>({ ttlMs: 10 * 60_000, maxEntries: 5_000 });

  async function extensions(ids: string[], signal: AbortSignal) {
    const infos = new Map<string, ExtensionInfo>();
    const failures = new Map<string, string>();
    if (!directory) return { infos, failures };
    // One after the other: they share one rate group, and after the first call they come from the cache.
    for (const id of ids) {
      try {
        const info = await directory.extension(id);
        if (info) infos.set(id, info);
      } catch (err) {
        if (signal.aborted) throw err;
        failures.set(id, (err as Error).message);
      }
    }
    return { infos, failures };
  }

  async function crmUser(email: string, signal: AbortSignal): Promise<string | undefined> {
    const hit = users.get(email);
    if (hit) return hit.value;
    const id = await deps.findUserByEmail(email, signal);
    // A miss is asked again sooner: the user may just be being set up in the CRM.
    users.set(email, id, id ? undefined : 60_000);
    return id;
  }

  return {
    async decide(
      call: EnrichedCall,
      summary: CallSummary,
      signal: AbortSignal,
    ): Promise<{ handling: CallHandling; owner: OwnerDecision }> {
      const legs = legsOf(call);
      const { infos, failures } = await extensions(legExtensions(legs), signal);
      const handling = decideHandling({
        direction: summary.direction,
        legs,
        result: summary.result,
        complete: legsComplete(call),
        kindOf: (id) => extensionKind(infos.get(id)?.type),
        outcomes: deps.outcomes,
      });
      const owner = await resolve(handling, infos, failures, signal);
      return { handling, owner };
    },
  };

  async function resolve(
    handling: CallHandling,
    infos: Map<string, ExtensionInfo>,
    failures: Map<string, string>,
    signal: AbortSignal,
  ): Promise<OwnerDecision> {
    const handler = handling.handler;
    if (!handler) return fallback('nobody-handled', `nobody handled the call (${basisText[handling.basis]})`);
    const who = describe(handler, infos.get(handler.extensionId));
    const mapped = deps.options.ownerMap?.lookup(deps.adapter, handler.extensionId);
    if (mapped)
      return {
        ownerId: mapped,
        source: 'map',
        reason: 'mapped',
        detail: `${who} → ${mapped} (CRM_OWNER_MAP)`,
      };
    if (!directory) return fallback('no-email', `${who}: no RingCentral extension info to match by email`);
    const failure = failures.get(handler.extensionId);
    if (failure)
      return fallback('lookup-failed', `${who}: RingCentral extension info unavailable (${failure})`);
    const email = infos.get(handler.extensionId)?.email;
    if (!email) return fallback('no-email', `${who} has no contact email in RingCentral`);
    const byEmail = ownerMap?.lookup(deps.adapter, email);
    if (byEmail)
      return {
        ownerId: byEmail,
        source: 'map',
        reason: 'mapped',
        detail: `${who} <${email}> → ${byEmail} (CRM_OWNER_MAP)`,
      };
    let id: string | undefined;
    try {
      id = await crmUser(email, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      return fallback(
        'lookup-failed',
        `${who} <${email}>: ${deps.userNoun} lookup failed (${(err as Error).message})`,
      );
    }
    if (!id) return fallback('no-crm-user', `${who} <${email}>: no active ${deps.userNoun} with that email`);
    return {
      ownerId: id,
      source: 'email',
      reason: 'email',
      detail: `${who} <${email}> → ${deps.userNoun} ${id} (by email)`,
    };
  }

  function fallback(reason: OwnerReason, why: string): OwnerDecision {
    if (deps.fallbackOwnerId)
      return {
        ownerId: deps.fallbackOwnerId,
        source: 'fallback',
        reason,
        detail: `${why}; fallback owner ${deps.fallbackOwnerId}`,
      };
    return {
      source: 'none',
      reason,
      detail: `${why}; no fallback owner (${deps.fallbackSetting}): the CRM's default owner`,
    };
  }
}

export type Ownership = ReturnType<typeof createOwnership>;

function describe(handler: CallHandler, info: ExtensionInfo | undefined): string {
  const name = info?.name ?? handler.name;
  const number = info?.extensionNumber ?? handler.extensionNumber;
  return [name, number ? `ext. ${number}` : `extension ${handler.extensionId}`].filter(Boolean).join(' ');
}
