export type CallDirection = 'Inbound' | 'Outbound';

export interface StartCallOptions {
  /** Default 'Inbound'. */
  direction?: CallDirection;
  /** E.164 caller number (Inbound: the customer; Outbound: the company number the agent dials from). */
  from?: string;
  to?: string;
  /** The agent's extension id; default the token owner's extension. */
  extensionId?: string;
  agentName?: string;
  /** Caller id name shown for the customer (Inbound only). */
  callerName?: string;
  /** Inbound only: the caller goes through an IVR menu first (one more party, which disconnects first). */
  viaIvr?: boolean;
  /** Answered calls get a recording (ids in the party events, `recording` on the records). */
  recorded?: boolean;
  /**
   * Recorded calls only: the recording becomes available this long after the call ends (RingCentral:
   * most within minutes, some up to 30). Before that, records carry no `recording` and the recording
   * endpoints answer 404. Default: the fake-wide `recordingDelayMs` draw.
   */
  recordingDelayMs?: number;
  /** The call never shows in Active Calls (not even in progress) but does reach the Call Log. */
  missingFromActiveCalls?: boolean;
  /** The call never reaches the Call Log. */
  missingFromCallLog?: boolean;
  /** Override the fake-wide `deliverNotifications` for this call. */
  deliverNotifications?: boolean;
  /** `result` on the records of an answered, ended call (default 'Call connected'). */
  result?: string;
  /** Inbound: the call queue (an extension of type Department) the call went through; a leg of its own. */
  queue?: FakeExtensionRef;
  /** Inbound: extensions rung before the agent that did not answer (queue members), one Missed leg each. */
  missedBy?: FakeExtensionRef[];
  /** Answered calls: the agent transferred the call to this extension (a TransferCall leg). */
  transferTo?: FakeExtensionRef;
  /** Inbound, unanswered: the caller leaves a message in the agent's mailbox (result Voicemail). */
  voicemail?: boolean;
}

/** An extension of the account on a leg (see FakeRingCentralOptions.extensions for its info). */
export interface FakeExtensionRef {
  extensionId: string;
  name?: string;
}

export interface PlayCallOptions extends StartCallOptions {
  /** Time between start and answer (default 0). */
  ringMs?: number;
  /** Time between answer and hang-up (default 0). */
  talkMs?: number;
  /** false: nobody answers, the call ends as 'Missed' after ringMs (default true). */
  answered?: boolean;
}

export interface StepOptions {
  /** false: change the call's state without generating any notification (lost events). Default true. */
  notify?: boolean;
}

/** pstn = the outside number; ivr = the IVR menu (inbound viaIvr only); agent = the user's extension. */
export type PartyRole = 'pstn' | 'ivr' | 'agent';

export interface EmitOptions {
  party: PartyRole;
  /** status.code, e.g. 'Answered', 'Disconnected', 'Gone', 'VoiceMail' (any string accepted). */
  code: string;
  reason?: string;
  missedCall?: boolean;
  /** Use this sequence instead of the next one (duplicates, out-of-order tests); the counter is untouched. */
  sequence?: number;
  /** ISO event time; default now. */
  eventTime?: string;
  /** Override the party's `recordings` array. */
  recordings?: Array<{ id: string; active: boolean }>;
}

export interface PartyInfo {
  phoneNumber?: string;
  name?: string;
  extensionId?: string;
}

export interface TelephonyParty {
  accountId: string;
  extensionId?: string;
  id: string;
  direction: CallDirection;
  to: PartyInfo;
  from: PartyInfo;
  status: { code: string; reason?: string; rcc: boolean };
  recordings?: Array<{ id: string; active: boolean }>;
  park: Record<string, never>;
  missedCall: boolean;
  standAlone: boolean;
  muted: boolean;
}

export interface TelephonySessionBody {
  sequence: number;
  sessionId: string;
  telephonySessionId: string;
  serverId: string;
  eventTime: string;
  parties: [TelephonyParty];
  origin: { type: 'Call' };
}

export interface NotificationEnvelope<Body = TelephonySessionBody> {
  uuid: string;
  event: string;
  timestamp: string;
  subscriptionId: string;
  ownerId: string;
  body: Body;
}

export type ReminderEnvelope = NotificationEnvelope<{ expiresIn: number }>;
