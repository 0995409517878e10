import type { Command } from 'commander';
import { formatCallStory } from '../../monitoring/call-story-format.js';
import { loadCallStory } from '../../monitoring/call-story.js';
import { redactSecrets } from '../../monitoring/redact.js';
import { safeJson, terminalSafe } from '../terminal-safe.js';
import { CliError, action, loadCliConfig, withServices } from '../context.js';

/** `call <telephonySessionId>`: what happened to one call, for "my call never showed up". */
export function registerCall(program: Command) {
  program
    .command('call')
    .description("one call's story: notifications, lookups, match, deliveries, and its jobs now")
    .argument('<telephonySessionId>', "the call's telephonySessionId (s-… in RingCentral's events)")
    .option('--json', 'print JSON')
    .action(
      action(async (telephonySessionId: string, options: { json?: boolean }) => {
        const config = loadCliConfig();
        const story = await withServices(config, (services) =>
          loadCallStory({ ...services, adapters: config.crm.adapters }, telephonySessionId),
        );
        if (!story)
          throw new CliError(
            `Nothing known about call ${telephonySessionId} under QUEUE_PREFIX=${config.queuePrefix}: ` +
              'never notified, or its history expired (kept 7 days)',
          );
        // `journey` is the story's former name, kept in the JSON for scripts written against it.
        const json = { ...story, journey: story.entries };
        console.log(options.json ? safeJson(redactSecrets(json)) : formatCallStory(terminalSafe(story)));
      }),
    );
}
