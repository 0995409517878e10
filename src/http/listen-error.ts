/** The port could not be taken: one line that says why and what to change, instead of a stack trace. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/**
 * A listen failure a person can fix (the port is taken, or needs privileges) as a ListenError naming
 * the setting to change (`PORT`, `--port`); anything else unchanged.
 */
export function explainListenError(
  err: unknown,
  where: { port: number; host: string },
  setting: string,
): unknown {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  const address = `${where.host}:${where.port}`;
  if (code === 'EADDRINUSE')
    return new ListenError(
      `Port ${where.port} is already in use (${address}): stop what runs there, or choose another port with ${setting}.`,
    );
  if (code === 'EACCES')
    return new ListenError(
      `Not allowed to listen on ${address} (ports below 1024 need privileges): choose another port with ${setting}.`,
    );
  if (code === 'EADDRNOTAVAIL')
    return new ListenError(`${where.host} is not an address of this machine: check HOST.`);
  return err;
}
