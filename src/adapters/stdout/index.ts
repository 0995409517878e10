import type { Writable } from 'node:stream';
import { createNdjsonAdapter } from '../ndjson.js';
import type { AdapterFactory, AdapterOptions, CrmAdapter } from '../types.js';
import { parseStdoutSettings } from './settings.js';

/**
 * `stdout`: one JSON line per call on standard output (the default adapter: try rc-enrich without a
 * CRM, or pipe it into another tool). Lines are written whole and in order; `deliver` resolves once the
 * stream has taken the line, so backpressure from a slow reader slows delivery instead of growing memory.
 */
export function createStdoutAdapter(options: AdapterOptions, stream: Writable = process.stdout): CrmAdapter {
  parseStdoutSettings(options.env);
  // A broken pipe (the reader went away) must fail deliveries, which are retried, not crash the process.
  stream.on('error', (err) =>
    options.logger.error({ err: err.message }, 'stdout adapter: the output stream failed'),
  );
  return createNdjsonAdapter('stdout', options, (line) => write(stream, line));
}

function write(stream: Writable, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(line, (err) => (err ? reject(err) : resolve()));
  });
}

const factory: AdapterFactory = (options) => createStdoutAdapter(options);
export default factory;
