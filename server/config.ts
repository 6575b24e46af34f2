import { z } from 'zod';
import net from 'node:net';
import path from 'node:path';

const PROXY_PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, subnet (`10.0.0.0/8`) or Express preset naming a proxy allowed to set X-Forwarded-For. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_PRESETS.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * Express's `trust proxy`: which peers may say who the client is (X-Forwarded-For, -Proto). Unset trusts none, so
 * a client cannot pick its own address for the login limit; `true` (trust anyone) is refused for that reason.
 */
export const trustProxySchema = z
  .string()
  .default('')
  .transform((value, ctx): false | number | string[] => {
    const text = value.trim();
    if (text === '' || text === 'false' || text === '0') return false;
    if (/^\d+$/.test(text)) return Number(text);
    const entries = text.split(',').map((e) => e.trim());
    const bad = entries.filter((e) => !isProxyAddress(e));
    if (bad.length) {
      ctx.addIssue({
        code: 'custom',
        message: `not a proxy address, subnet, hop count or one of ${[...PROXY_PRESETS].join('/')}: ${bad.join(', ')}`,
      });
      return z.NEVER;
    }
    return entries;
  });

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** When set, the real PostgreSQL server is used; otherwise the embedded PGlite store under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  SESSION_SECRET: z.string().min(16).optional(),
  ADMIN_EMAIL: z.string().email().default('admin@curate.local'),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Seed a demo project on the first run of an empty store. */
  SEED_DEMO: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Public base URL used in links given to crowd workers (ExternalQuestion). */
  PUBLIC_URL: z.string().url().optional(),
  MTURK_ENDPOINT: z.string().url().default('https://mturk-requester-sandbox.us-east-1.amazonaws.com'),
  MTURK_REGION: z.string().default('us-east-1'),
  /** The crowd marketplace crowd batches go to: Mechanical Turk, or Prolific (open to new researchers). */
  CROWD_CHANNEL: z.enum(['mturk', 'prolific']).default('mturk'),
  PROLIFIC_ENDPOINT: z.string().url().default('https://api.prolific.com/api/v1/'),
  /** A Prolific API token (sent as `Authorization: Token <token>`). */
  PROLIFIC_TOKEN: z.string().min(1).optional(),
  /** Where a participant who finished is sent with the completion code (the emulator serves its own). */
  PROLIFIC_COMPLETE_URL: z.string().url().default('https://app.prolific.com/submissions/complete'),
  /** Prolific's service fee on rewards and bonuses, in percent (unverified: the help pages say about 33.33). */
  PROLIFIC_SERVICE_FEE_PERCENT: z.coerce.number().min(0).max(100).default(33.33),
  /** Minimum pay per hour in cents of the study currency (Prolific: £6 or $8). */
  PROLIFIC_MIN_HOURLY_CENTS: z.coerce.number().int().positive().default(800),
  /** The workspace's hook secret (X-Hook-Secret), to verify Prolific's webhook deliveries; without it they are refused. */
  PROLIFIC_HOOK_SECRET: z.string().min(1).optional(),
  /** Failed logins per email in 15 minutes, whichever addresses they come from. */
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  /** Failed logins per client address in 15 minutes, whichever emails they name (password spraying). */
  LOGIN_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().positive().default(100),
  TRUST_PROXY: trustProxySchema,
  MAX_DOCUMENT_BYTES: z.coerce.number().int().positive().default(1_000_000),
  /** On shutdown, requests still running after this long are cut off: a client that never ends its upload must not hold the process. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** The built web client to serve; by default the repository's dist/ (tests serve a build of their own). */
  CLIENT_DIR: z.string().optional(),
  NODE_ENV: z.string().default('development'),
});

/** The one parsed configuration of a server process. */
export type Config = z.infer<typeof configSchema> & { dataDir: string };

/** Parses configuration from an environment; throws one readable error listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return { ...result.data, dataDir: path.resolve(result.data.DATA_DIR) };
}
