import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import type { Keys } from '../../infra/keys.js';
import type { RingCentralClient } from '../../ringcentral/client.js';
import { createRingCentralDirectory } from '../../ringcentral/directory.js';
import type { AdapterOptions } from '../types.js';
import { loadOwnerMap } from './map-file.js';

/**
 * What every adapter is given for owners and dates: RingCentral's extension info (cached in Redis),
 * CRM_OWNER_MAP read and checked now (a bad file stops the start, naming the problem), CRM_TIME_ZONE.
 */
export function ownerOptions(services: {
  config: Config;
  logger: Logger;
  ringcentral: Pick<RingCentralClient, 'request'>;
  workerRedis: Redis;
  keys: Keys;
}): Pick<AdapterOptions, 'directory' | 'ownerMap' | 'timeZone'> {
  const { config, logger } = services;
  const path = config.crm.ownerMapPath;
  const ownerMap = path ? loadOwnerMap(path) : undefined;
  if (ownerMap) logger.info({ file: path, entries: ownerMap.size }, 'CRM_OWNER_MAP loaded');
  const directory = createRingCentralDirectory({
    ringcentral: services.ringcentral,
    redis: services.workerRedis,
    keys: services.keys,
    logger,
  });
  return { directory, ownerMap, timeZone: config.crm.timeZone };
}
