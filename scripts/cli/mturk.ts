import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';
import { parseCliArgs, required } from './parse-args.ts';
import { ApiClient } from './api-client.ts';

const usage = `Usage (crowd and mturk are one command; it speaks the words of the server's CROWD_CHANNEL):
  npm run curate -- crowd estimate --batch ID --reward 0.10 [--items-per-hit 5] [--minutes 3]
  npm run curate -- crowd publish --batch ID --reward 0.50 --budget 10.00 --title T --description D --minutes 3
                   [--filters '[{"filter_id": "...", "selected_values": ["..."]}]']      (Prolific)
  npm run curate -- crowd hooks --workspace ID [--url URL]   (Prolific: deliveries of submission status changes start a sync)
  npm run curate -- mturk estimate --batch ID --reward 0.10 [--items-per-hit 5]
  npm run curate -- mturk publish --batch ID --reward 0.10 --budget 25.00 --title T --description D
                   [--items-per-hit 5] [--keywords K] [--locales US,GB] [--min-approval-rate 95] [--min-approved 100]
                   [--require-qualification] [--split-at-fee-cliff] [--qualification-test]
  npm run curate -- mturk sync --project NAME      (confirm, review, approve/reject/bonus per policy)
  npm run curate -- mturk status --project NAME
  npm run curate -- mturk expire --batch ID

The server talks to MTURK_ENDPOINT (sandbox by default). To rehearse offline: npm run mturk:emulator -- --port 9431
and start the server with MTURK_ENDPOINT=http://127.0.0.1:9431. For Prolific: CROWD_CHANNEL=prolific, PROLIFIC_TOKEN
and PROLIFIC_ENDPOINT (npm run prolific:emulator -- --port 9432 prints the settings to rehearse with).`;

/** The channel's words, as GET /api/crowd/channel gives them. */
type Vocabulary = import('../../server/crowd/channel.ts').ChannelVocabulary;

const command: CliCommand = {
  name: 'crowd',
  summary: 'publish batches to the crowd channel (Mechanical Turk or Prolific), sync and review work, see cost (alias: mturk)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      argv,
      {
        batch: { type: 'string' },
        project: { type: 'string' },
        reward: { type: 'string' },
        budget: { type: 'string' },
        title: { type: 'string' },
        description: { type: 'string' },
        keywords: { type: 'string' },
        'items-per-hit': { type: 'string' },
        locales: { type: 'string' },
        'min-approval-rate': { type: 'string' },
        'min-approved': { type: 'string' },
        'require-qualification': { type: 'boolean' },
        'split-at-fee-cliff': { type: 'boolean' },
        'qualification-test': { type: 'boolean' },
        minutes: { type: 'string' },
        filters: { type: 'string' },
        workspace: { type: 'string' },
        url: { type: 'string' },
      },
      1,
    );
    if (values.help) return (console.log(usage), 0);
    const action = positionals[0];
    if (!['estimate', 'publish', 'sync', 'status', 'expire', 'hooks'].includes(action ?? ''))
      throw new CliError(`unknown action "${action ?? ''}"; see --help`, 2);
    const client = await ApiClient.fromEnv();
    const itemsPerHit = values['items-per-hit'] ? Number(values['items-per-hit']) : 5;
    const { channel, vocabulary: w } = await client.request<{ channel: string; vocabulary: Vocabulary }>('GET', '/api/crowd/channel');
    // Each channel takes its own settings; the server refuses what its channel does not know.
    const channelOptions =
      channel === 'prolific'
        ? {
            estimatedCompletionMinutes: values.minutes ? Number(values.minutes) : undefined,
            filters: values.filters ? (JSON.parse(values.filters) as unknown) : undefined,
          }
        : { splitAtFeeCliff: values['split-at-fee-cliff'] ?? false };
    if (action === 'estimate') {
      const e = await client.request<Record<string, string | number>>('POST', `/api/batches/${required(values.batch, '--batch')}/crowd/estimate`, {
        json: { itemsPerHit, reward: required(values.reward, '--reward'), ...channelOptions },
      });
      console.log(
        `${e.hitCount} ${w.units}, ${e.assignmentCount} ${w.places}: rewards $${e.rewardTotal} + ${w.marketplace} fees $${e.fees} = $${e.grandTotal}`,
      );
      if (e.warning) console.error(`warning: ${e.warning} ${e.suggestion ?? ''}`);
    } else if (action === 'publish') {
      // Only MTurk keeps a prepaid balance worth showing before spending it, and only it takes keywords and qualifications.
      const balance = channel === 'prolific' ? undefined : (await client.request<{ balance: string }>('GET', '/api/crowd/balance')).balance;
      const mturkOptions =
        channel === 'prolific'
          ? {}
          : {
              keywords: values.keywords,
              qualifications: {
                locales: values.locales?.split(',').map((l) => l.trim().toUpperCase()),
                minApprovalRate: values['min-approval-rate'] ? Number(values['min-approval-rate']) : undefined,
                minApprovedHits: values['min-approved'] ? Number(values['min-approved']) : undefined,
                requireOurQualification: values['require-qualification'] ?? false,
              },
            };
      const result = await client.request<{ published: number; alreadyPublished: number; estimate: { cost: string } }>(
        'POST',
        `/api/batches/${required(values.batch, '--batch')}/crowd/publish`,
        {
          json: {
            itemsPerHit,
            reward: required(values.reward, '--reward'),
            budget: required(values.budget, '--budget'),
            title: required(values.title, '--title'),
            description: required(values.description, '--description'),
            purpose: values['qualification-test'] ? 'qualification' : 'work',
            ...channelOptions,
            ...mturkOptions,
          },
        },
      );
      const published = `published ${result.published} ${w.units} ($${result.estimate.cost}), ${result.alreadyPublished} already published`;
      console.log(balance === undefined ? published : `balance before: $${balance}; ${published}`);
    } else if (action === 'hooks') {
      const h = await client.request<{ subscriptionId: string; eventType: string; targetUrl: string }>('POST', '/api/crowd/hooks', {
        json: { workspaceId: required(values.workspace, '--workspace'), targetUrl: values.url },
      });
      console.log(`subscribed ${h.eventType} to ${h.targetUrl} (subscription ${h.subscriptionId}); the server keeps the hook secret`);
    } else if (action === 'expire') {
      const { expired } = await client.request<{ expired: number }>('POST', `/api/batches/${required(values.batch, '--batch')}/crowd/expire`);
      console.log(`expired ${expired} ${w.units}`);
    } else {
      const project = await client.projectByName(required(values.project, '--project'));
      if (action === 'sync') {
        const r = await client.request<Record<string, number>>('POST', `/api/projects/${project.id}/crowd/sync`);
        console.log(
          `${w.submissions} seen ${r.assignmentsSeen}; confirmed ${r.confirmed}; approved ${r.approved}; rejected ${r.rejected}; held ${r.held}; bonuses ${r.bonuses}`,
        );
      } else {
        const s = await client.request<{ hits: unknown[]; assignments: Record<string, number>; ledger: Record<string, number> }>(
          'GET',
          `/api/projects/${project.id}/crowd/status`,
        );
        const dollars = (c: number) => `$${(c / 100).toFixed(2)}`;
        console.log(
          `${s.hits.length} ${w.units}; ${w.submissions}: ${Object.entries(s.assignments)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        );
        console.log(
          `spent: rewards ${dollars(s.ledger.rewardCents)}, fees ${dollars(s.ledger.feeCents)}, bonuses ${dollars(s.ledger.bonusCents)}, total ${dollars(s.ledger.totalCents)}`,
        );
      }
    }
    return 0;
  },
};
export default command;
