export interface DisabledFilter {
  filter: string;
  reason: string;
  message: string;
}

/** The subscription as the fake stores it. Times are `now()` milliseconds. */
export interface SubscriptionRecord {
  id: string;
  ownerId: string;
  /** With `~` expanded, except the renewal-reminder filter which keeps `subscription/~` (as the spec example). */
  eventFilters: string[];
  disabledFilters: DisabledFilter[];
  address: string;
  verificationToken?: string;
  createdAt: number;
  expiresAt: number;
  /** Lifetime asked for at creation (or last PUT); `/renew` extends by this much. */
  lifetimeSec: number;
  status: 'Active' | 'Blacklisted';
  blacklistedData?: { reason: string; blacklistedAt: string };
}

/** RingCentral's `SubscriptionInfo`; the verification token is never echoed. */
export interface SubscriptionInfo {
  uri: string;
  id: string;
  creationTime: string;
  status: 'Active' | 'Blacklisted';
  eventFilters: string[];
  disabledFilters?: DisabledFilter[];
  expirationTime: string;
  expiresIn: number;
  deliveryMode: { transportType: 'WebHook'; encryption: false; address: string };
  blacklistedData?: { reason: string; blacklistedAt: string };
}

/** What `fake.subscriptions.list()` returns: the public view plus what only the fake knows. */
export interface FakeSubscription extends SubscriptionInfo {
  ownerId: string;
  verificationToken?: string;
}
