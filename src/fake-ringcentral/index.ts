/**
 * A fake RingCentral platform on loopback: OAuth (JWT + refresh), rate limits, Active Calls, Call Log,
 * recordings, webhook subscriptions with the real handshake, and a call simulator that sends
 * telephony-session notifications. Speaks the documented API closely enough for `@ringcentral/sdk`.
 * The behaviour and every choice it makes are described in README.md next to this file.
 */
export { createFakeRingCentral, type FakeRingCentral } from './fake.js';
export { defaultPermissions, defaultRateLimits } from './options.js';
export { unaddressedSubscriptionId } from './calls/emitter.js';
export { fakeRecordingContent } from './api/recordings.js';
export type { FakeCall } from './calls/call.js';
export type { CallPhase } from './calls/state.js';
export type { FakeCalls } from './calls/registry.js';
export type { FakeSubscriptions } from './subscriptions/admin.js';
export type { FakeNotifications } from './notifications/api.js';
export type * from './calls/types.js';
export type * from './subscriptions/types.js';
export type * from './types.js';
