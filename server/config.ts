import { z } from 'zod';
import path from 'node:path';

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
  SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Public base URL used in links given to crowd workers (ExternalQuestion). */
  PUBLIC_URL: z.string().url().optional(),
  MTURK_ENDPOINT: z.string().url().default('https://mturk-requester-sandbox.us-east-1.amazonaws.com'),
  MTURK_REGION: z.string().default('us-east-1'),
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  MAX_DOCUMENT_BYTES: z.coerce.number().int().positive().default(1_000_000),
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
