import type { DeadLetters } from './dead-letters.js';

/** One line per dead letter, newest first. */
export function formatDeadLetters(list: Awaited<ReturnType<DeadLetters['list']>>): string {
  const total = list.total.enrich + list.total.deliver;
  if (total === 0) return 'No dead letters.';
  const lines = list.items.map((item) =>
    [
      item.queue.padEnd(7),
      item.id,
      `call=${item.telephonySessionId}`,
      ...(item.adapter ? [`adapter=${item.adapter}`] : []),
      `attempts=${item.attemptsMade}/${item.attempts}`,
      `failed=${item.finishedOn ?? '?'}`,
      `reason=${JSON.stringify(item.failedReason)}`,
    ].join('  '),
  );
  const shown = list.items.length < total ? ` (newest ${list.items.length} shown; --limit for more)` : '';
  lines.push(`${total} dead letter(s): enrich ${list.total.enrich}, deliver ${list.total.deliver}${shown}`);
  return lines.join('\n');
}
