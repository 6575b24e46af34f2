import { describe, expect, it } from 'vitest';
import { Outbox, outboxKey, type OutboxEntry } from '../../../client/annotate/outbox.ts';

/** A Storage stand-in: the outbox only reads and writes strings by key. */
function memoryStorage() {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
  };
}

const judgment = (clientId: string, slotId = 1): OutboxEntry => ({ kind: 'judgment', clientId, slotId, value: { score: 3 }, timeSpentMs: 1000 });

describe('outbox', () => {
  it('keys by user and project, so another user on the same browser never sends these answers', () => {
    expect(outboxKey(1, 2)).not.toBe(outboxKey(2, 2));
    expect(outboxKey(1, 2)).not.toBe(outboxKey(1, 3));
  });

  it('keeps entries in order across instances (a reload) and removes by client id', () => {
    const storage = memoryStorage();
    new Outbox(storage, 'k').add(judgment('a', 1));
    new Outbox(storage, 'k').add({ kind: 'skip', clientId: 'b', slotId: 2, reason: 'unsure' });
    const reloaded = new Outbox(storage, 'k');
    expect(reloaded.entries().map((e) => e.clientId)).toEqual(['a', 'b']);
    reloaded.remove('a');
    expect(reloaded.entries().map((e) => e.clientId)).toEqual(['b']);
    reloaded.remove('b');
    expect(storage.values.has('k')).toBe(false);
  });

  it('adds an entry once however often it is added', () => {
    const outbox = new Outbox(memoryStorage(), 'k');
    outbox.add(judgment('a'));
    outbox.add(judgment('a'));
    expect(outbox.entries()).toHaveLength(1);
  });

  it('sees entries another tab added instead of overwriting them', () => {
    const storage = memoryStorage();
    const tabA = new Outbox(storage, 'k');
    const tabB = new Outbox(storage, 'k');
    tabA.add(judgment('a', 1));
    tabB.add(judgment('b', 2));
    expect(tabA.entries().map((e) => e.clientId)).toEqual(['a', 'b']);
  });

  it('ignores corrupt storage and malformed entries', () => {
    const storage = memoryStorage();
    storage.setItem('k', '{not json');
    expect(new Outbox(storage, 'k').entries()).toEqual([]);
    storage.setItem('k', JSON.stringify([{ kind: 'judgment', clientId: 'a', slotId: 'x' }, judgment('b'), null]));
    expect(new Outbox(storage, 'k').entries().map((e) => e.clientId)).toEqual(['b']);
  });
});
