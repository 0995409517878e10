/** An extension as RingCentral's extension info describes it (only what owner mapping reads). */
export interface ExtensionInfo {
  id: string;
  /** RingCentral's extension type: `User`, `IvrMenu`, `Department` (a call queue), … */
  type?: string;
  name?: string;
  extensionNumber?: string;
  /** The contact email, lower case: how a RingCentral user is matched to a CRM user. */
  email?: string;
}

/** RingCentral facts adapters may ask for; cached, and outside the Heavy budget the call lookups use. */
export interface ExtensionDirectory {
  /** Undefined when RingCentral does not know the extension; throws when RingCentral cannot be asked. */
  extension(extensionId: string): Promise<ExtensionInfo | undefined>;
  /** The account's time zone name as RingCentral holds it (IANA, e.g. `America/Los_Angeles`), if any. */
  accountTimeZone(): Promise<string | undefined>;
}
