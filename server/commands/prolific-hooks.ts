import type { AppContext } from '../context.ts';
import type { AnyCrowdChannel } from '../crowd/channel.ts';
import { ProlificChannel } from '../crowd/prolific/prolific-channel.ts';
import { getSetting, putSetting } from '../db/queries/server-settings.ts';
import { badRequest, conflict } from '../errors.ts';

/** Where the subscribed workspace's hook secret is kept, so every process verifies deliveries with it. */
const HOOK_SECRET_SETTING = 'prolific_hook_secret';

/**
 * Subscribes Prolific's submission status changes to our hook route (or targetUrl) and stores the workspace's hook
 * secret; the secret itself is not answered, as the server is the only one that needs it.
 */
export async function subscribeProlificHooks(ctx: AppContext, channel: AnyCrowdChannel, args: { workspaceId: string; targetUrl?: string }) {
  if (!(channel instanceof ProlificChannel)) throw conflict(`Hooks are Prolific's: this server's crowd channel is ${channel.name}`);
  const base = ctx.config.PUBLIC_URL?.replace(/\/$/, '');
  const targetUrl = args.targetUrl ?? (base && `${base}/api/prolific/hooks`);
  if (!targetUrl) throw badRequest('Give targetUrl, or set PUBLIC_URL so the hook route can be named from it');
  const { subscriptionId, secret } = await channel.subscribeHooks({ workspaceId: args.workspaceId, targetUrl });
  await putSetting(ctx.store.db, HOOK_SECRET_SETTING, secret);
  return { subscriptionId, eventType: 'submission.status.change', targetUrl };
}

/** The secrets a delivery may be signed with: the one stored by subscribing, and PROLIFIC_HOOK_SECRET if set. */
export async function prolificHookSecrets(ctx: AppContext): Promise<string[]> {
  const stored = await getSetting(ctx.store.db, HOOK_SECRET_SETTING);
  return [stored, ctx.config.PROLIFIC_HOOK_SECRET].filter((s): s is string => !!s);
}
