import type { AppContext } from '../context.ts';
import type { CrowdChannel } from './channel.ts';
import { MturkChannel } from './mturk/mturk-channel.ts';

const channels = new WeakMap<AppContext, CrowdChannel>();

/** The crowd channel configured for this server (MTurk at MTURK_ENDPOINT), created on first use. */
export function crowdChannelOf(ctx: AppContext): CrowdChannel {
  let channel = channels.get(ctx);
  if (!channel) {
    channel = new MturkChannel({ endpoint: ctx.config.MTURK_ENDPOINT, region: ctx.config.MTURK_REGION });
    channels.set(ctx, channel);
  }
  return channel;
}
