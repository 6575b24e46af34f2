/**
 * The one entry point: reads configuration, opens the store (running migrations), creates the admin and the demo
 * project on first run, and listens.
 */
import { loadConfig } from './config.ts';
import { openStore } from './db/store.ts';
import { DomainEvents } from './events.ts';
import { buildApp } from './app.ts';
import { ensureAdmin } from './commands/bootstrap.ts';
import { seedDemo } from './commands/seed-demo.ts';
import { startJobs } from './jobs/scheduler.ts';
import { leaseExpiryJob } from './jobs/lease-expiry.ts';
import { rootMessage } from './errors.ts';

async function main() {
  const config = loadConfig();
  const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  const ctx = { config, store, events: new DomainEvents() };
  const admin = await ensureAdmin(ctx, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
  if (admin && config.SEED_DEMO) await seedDemo(ctx, admin.user);
  const built = await buildApp(ctx);
  await new Promise<void>((resolve, reject) => {
    built.server.once('error', reject);
    built.server.listen(config.PORT, config.HOST, resolve);
  });
  const stopJobs = startJobs([leaseExpiryJob(ctx), ...built.jobs]);
  const address = built.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;
  const where = store.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  console.log(`Curate is listening on ${url}  (store: ${where})`);
  if (admin) {
    console.log(
      `Admin login: ${admin.user.email} / ${admin.generated ? admin.password + '   (generated: shown only this once)' : '(ADMIN_PASSWORD)'}`,
    );
  } else {
    console.log(`Admin login: ${config.ADMIN_EMAIL} (password as set on first run)`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await stopJobs();
    await built.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  // The root cause says which (refused, wrong password, no such database) when the store is unavailable.
  const message = error instanceof Error ? error.message : String(error);
  const root = rootMessage(error);
  console.error(`Curate could not start: ${message}${root === message ? '' : ` (${root})`}`);
  process.exit(1);
});
