import type { AppContext } from '../context.ts';
import type { AnyCrowdChannel } from './channel.ts';
import { MturkChannel } from './mturk/mturk-channel.ts';
import { ProlificChannel } from './prolific/prolific-channel.ts';

const channels = new WeakMap<AppContext, AnyCrowdChannel>();

/** The crowd channel configured for this server (CROWD_CHANNEL: MTurk at MTURK_ENDPOINT, or Prolific), created on first use. */
export function crowdChannelOf(ctx: AppContext): AnyCrowdChannel {
  let channel = channels.get(ctx);
  if (!channel) {
    const c = ctx.config;
    channel =
      c.CROWD_CHANNEL === 'prolific'
        ? new ProlificChannel({
            endpoint: c.PROLIFIC_ENDPOINT,
            token: c.PROLIFIC_TOKEN,
            serviceFeePercent: c.PROLIFIC_SERVICE_FEE_PERCENT,
            minHourlyCents: c.PROLIFIC_MIN_HOURLY_CENTS,
          })
        : new MturkChannel({ endpoint: c.MTURK_ENDPOINT, region: c.MTURK_REGION });
    channels.set(ctx, channel);
  }
  return channel;
}
