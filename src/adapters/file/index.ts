import { open } from 'node:fs/promises';
import { RetryableDeliveryError } from '../../errors.js';
import { createNdjsonAdapter } from '../ndjson.js';
import type { AdapterFactory, AdapterOptions, CrmAdapter } from '../types.js';
import { parseFileSettings, type FileSettings } from './settings.js';

/**
 * `file`: one JSON line per call appended to CRM_FILE_PATH (NDJSON). See ndjson.ts for what is
 * guaranteed about repeats.
 *
 * Why several processes can append to the same file safely: the file is opened with O_APPEND (flag
 * 'a') and each line goes out in a single write(2) (FileHandle.writeFile writes up to 512 KiB per call,
 * far above a call's line). With O_APPEND the kernel moves to the end of the file and writes in one
 * step, so no writer overwrites another, and local Linux file systems (ext4, xfs, btrfs) hold the inode
 * lock for the whole write, so lines do not interleave. PIPE_BUF (4 KiB) is the atomicity limit of
 * pipes and FIFOs, not of regular files: if CRM_FILE_PATH is a FIFO, lines over 4 KiB written by several
 * processes can interleave. NFS and SMB emulate O_APPEND on the client and can interleave or lose lines
 * written from several hosts: give each host its own file there. A short write (disk full) can leave a
 * partial line; the delivery then fails and is retried, so readers should skip lines that do not parse.
 *
 * The file is opened per line, so log rotation (rename, then a new file) needs no signal or restart.
 */
export async function createFileAdapter(options: AdapterOptions): Promise<CrmAdapter> {
  const settings = await parseFileSettings(options.env);
  options.logger.info({ path: settings.path, fsync: settings.fsync }, 'file adapter appends calls to a file');
  return createNdjsonAdapter('file', options, (line) => append(settings, line));
}

async function append(settings: FileSettings, line: string): Promise<void> {
  try {
    // 0600: the lines are call data (numbers, names); only the service's user reads them. The mode
    // applies when the file is created; an existing file keeps the mode the operator gave it.
    const handle = await open(settings.path, 'a', 0o600);
    try {
      await handle.writeFile(line);
      if (settings.fsync) await handle.datasync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    // Disk full, permissions, a vanished folder: all things an operator can fix while we retry.
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new RetryableDeliveryError(`file: cannot append to ${settings.path} (${code})`, undefined, {
      cause: err,
    });
  }
}

const factory: AdapterFactory = (options) => createFileAdapter(options);
export default factory;
