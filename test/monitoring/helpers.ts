import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnrecoverableError, Worker, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EnrichedCall } from '../../src/calls/types.js';

export interface Receiver {
  url: string;
  requests: Array<{ headers: IncomingHttpHeaders; body: string; status: number }>;
  /** Status for the next requests (the last one repeats). */
  answer(...statuses: number[]): void;
  close(): Promise<void>;
}

/** A loopback CRM webhook endpoint that answers the given statuses in turn (the last one repeats). */
export async function startReceiver(...statuses: number[]): Promise<Receiver> {
  let queue = statuses.length > 0 ? [...statuses] : [200];
  const requests: Receiver['requests'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = queue.length > 1 ? queue.shift()! : queue[0]!;
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/calls`,
    requests,
    answer: (...next) => {
      queue = [...next];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Env for the built-in `webhook` adapter pointed at a receiver. */
export const webhookEnv = (url: string) => ({
  CRM_ADAPTER: 'webhook',
  CRM_WEBHOOK_URL: url,
  CRM_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
});

/** An enriched call as the enrich worker would hand it to delivery. */
export function enrichedCall(telephonySessionId: string, accountId = '809646016'): EnrichedCall {
  const endedAt = new Date(Date.now() - 5_000).toISOString();
  return {
    telephonySessionId,
    sessionId: '429180487016',
    accountId,
    source: 'call-log',
    records: [
      {
        id: 'rec-1',
        sessionId: '429180487016',
        telephonySessionId,
        startTime: endedAt,
        direction: 'Inbound',
        result: 'Call connected',
      },
    ],
    parties: [{ id: 'p-1', status: 'Disconnected', sequence: 3 }],
    firstSeenAt: endedAt,
    endedAt,
  };
}

/** The value of one series in Prometheus text output, or undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[4]);
  }
  return undefined;
}

/** Add a job and have a throwaway worker fail it for good: a dead letter without the real processors. */
export async function failedJob<T>(
  queue: Queue<T>,
  connection: Redis,
  data: T,
  jobId: string,
  reason = 'gave up',
): Promise<void> {
  const worker = new Worker(
    queue.name,
    async () => {
      throw new UnrecoverableError(reason);
    },
    { connection, prefix: queue.opts.prefix },
  );
  try {
    await queue.add(queue.name as never, data as never, { jobId });
    const deadline = Date.now() + 10_000;
    while ((await queue.getJobState(jobId)) !== 'failed') {
      if (Date.now() > deadline) throw new Error(`job ${jobId} did not fail`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await worker.close();
  }
}
