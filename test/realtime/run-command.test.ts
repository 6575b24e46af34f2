import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../server/db/store.ts';
import { runCommand } from '../../server/commands/run-command.ts';
import type { DomainEvent } from '../../server/events.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

function heard() {
  const events: DomainEvent[] = [];
  const unsubscribe = t.ctx.events.subscribe((event) => events.push(event));
  return { events, unsubscribe };
}

const auditCount = async (action: string) =>
  Number((await rowsOf<{ n: number }>(t.ctx.store.db, sql`select count(*)::int as n from audit_log where action = ${action}`))[0].n);

describe('runCommand', () => {
  it('publishes what the command emitted once it committed, and not before', async () => {
    const { events, unsubscribe } = heard();
    const event: DomainEvent = { name: 'judgments:changed', payload: { projectId: 1, batchId: null, itemId: 1 } };
    await runCommand(t.ctx, async (tx, emit) => {
      emit(event);
      await tx.execute(sql`insert into audit_log (actor_id, action, target) values (${t.admin.id}, 'test.commit', 'x')`);
      expect(events).toEqual([]);
      return null;
    });
    unsubscribe();
    expect(events).toEqual([event]);
    expect(await auditCount('test.commit')).toBe(1);
  });

  it('publishes nothing and keeps no row when the command throws after emitting', async () => {
    const { events, unsubscribe } = heard();
    await expect(
      runCommand(t.ctx, async (tx, emit) => {
        await tx.execute(sql`insert into audit_log (actor_id, action, target) values (${t.admin.id}, 'test.rollback', 'x')`);
        emit({ name: 'batch:opened', payload: { projectId: 1, batchId: 1, name: 'never' }, to: { annotators: true } });
        throw new Error('late failure');
      }),
    ).rejects.toThrow('late failure');
    unsubscribe();
    expect(events).toEqual([]);
    expect(await auditCount('test.rollback')).toBe(0);
  });

  it('answers the committed result even when a subscriber throws', async () => {
    const unsubscribe = t.ctx.events.subscribe(() => {
      throw new Error('broken subscriber');
    });
    const { events, unsubscribe: stop } = heard();
    const result = await runCommand(t.ctx, async (_tx, emit) => {
      emit({ name: 'judgments:changed', payload: { projectId: 1, batchId: null, itemId: 2 } });
      return 'done';
    });
    unsubscribe();
    stop();
    expect(result).toBe('done');
    expect(events).toHaveLength(1);
  });
});
