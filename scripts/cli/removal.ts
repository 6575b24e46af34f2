import { CliError } from './command.ts';
import type { ApiClient } from './api-client.ts';

/** The options `archive` and `delete` take, for a command's parseArgs table. */
export const removalOptions = {
  restore: { type: 'boolean' },
  yes: { type: 'boolean' },
  'archive-if-labeled': { type: 'boolean' },
} as const;

export const removalUsage = (
  noun: string,
  target: string,
) => `  npm run curate -- ${noun} archive ${target} [--restore]   (hide and make read-only, or bring back)
  npm run curate -- ${noun} delete ${target} --yes [--archive-if-labeled]
                   (deletes only what holds no judgments; with --archive-if-labeled a labeled one is archived instead)`;

/** Archives (or with --restore brings back) the project or batch at `path` (e.g. /api/batches/3). */
export async function archiveAt(client: ApiClient, path: string, restore: boolean | undefined) {
  await client.request('POST', `${path}/archive`, { json: { archived: !restore } });
  return restore ? 'restored' : 'archived';
}

/**
 * Deletes the project or batch at `path` once the user confirmed with --yes. The server never drops judgments: one
 * holding any is refused with the counts (a CliError), or archived with --archive-if-labeled.
 */
export async function deleteAt(client: ApiClient, path: string, values: { yes?: boolean; 'archive-if-labeled'?: boolean }) {
  if (!values.yes) throw new CliError('deleting cannot be undone: add --yes to confirm', 2);
  const result = await client.request<{ outcome: 'deleted' | 'archived'; removed?: Record<string, number> }>('DELETE', path, {
    json: { confirm: true, whenLabeled: values['archive-if-labeled'] ? 'archive' : 'refuse' },
  });
  if (result.outcome === 'archived') return 'archived instead of deleted: it holds judgments, which stay exportable';
  return `deleted (${Object.entries(result.removed ?? {})
    .map(([k, n]) => `${n} ${k}`)
    .join(', ')})`;
}
