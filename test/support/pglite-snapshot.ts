/**
 * Global setup of the tiers that open stores: one migrated PGlite database, dumped to a file that every test file's
 * in-memory store starts from (test-store.ts), instead of each paying seconds of initdb and migrations. Nothing is
 * made when the tiers run on PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { snapshotPglite } from '../../server/db/store.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The dump's path, or null on PostgreSQL. */
    pgliteSnapshot: string | null;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('pgliteSnapshot', null);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curate-pglite-'));
  const file = path.join(dir, 'migrated.tar');
  fs.writeFileSync(file, Buffer.from(await (await snapshotPglite()).arrayBuffer()));
  project.provide('pgliteSnapshot', file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
