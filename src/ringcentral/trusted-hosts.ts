import { ErrorCode, PermanentError } from '../errors.js';

/**
 * The SDK adds our bearer token to any absolute URL it is given, whatever its host. Every URL we hand
 * it passes through here first, so the token only ever goes to the configured RingCentral hosts.
 */
export function createTrustedHosts(serverUrl: string, extraHosts: string[] = []) {
  const server = new URL(serverUrl);
  const hosts = new Set([server.hostname.toLowerCase(), ...extraHosts]);
  // RingCentral serves recording content from its media host beside the platform host.
  if (server.hostname.endsWith('.ringcentral.com')) {
    hosts.add(server.hostname.replace(/^platform\./, 'media.'));
  }

  return {
    /** Returns a path or URL safe to give the SDK, or throws if it would leak the token. */
    assert(pathOrUrl: string): string {
      if (pathOrUrl.startsWith('/')) return pathOrUrl;
      let url: URL;
      try {
        url = new URL(pathOrUrl);
      } catch {
        throw new PermanentError(`Not a RingCentral path or URL: ${pathOrUrl}`, ErrorCode.UntrustedHost);
      }
      // Compare hostname, not host: RingCentral writes some media URLs with an explicit :443.
      const sameScheme = url.protocol === server.protocol || url.protocol === 'https:';
      if (!sameScheme || !hosts.has(url.hostname.toLowerCase())) {
        throw new PermanentError(
          `Refusing to send the RingCentral token to ${url.protocol}//${url.hostname}: not a trusted RingCentral host`,
          ErrorCode.UntrustedHost,
        );
      }
      return url.toString();
    },
    hosts: () => [...hosts],
  };
}

export type TrustedHosts = ReturnType<typeof createTrustedHosts>;
