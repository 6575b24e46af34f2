/**
 * The annotator's outbox: answers and skips not yet confirmed by the server, kept in localStorage so a reload or a
 * dropped connection loses nothing. Each entry carries a client id the server deduplicates on, so sending an entry
 * twice records it once.
 */
import type { SkipInput } from '../lib/types.ts';

/** A judgment waiting to be sent. */
export interface PendingJudgment {
  kind: 'judgment';
  clientId: string;
  slotId: number;
  value: unknown;
  timeSpentMs: number;
}

/** A skip (or flag) waiting to be sent. */
export interface PendingSkip {
  kind: 'skip';
  clientId: string;
  slotId: number;
  reason: string;
  flag?: SkipInput['flag'];
}

export type OutboxEntry = PendingJudgment | PendingSkip;

/**
 * The storage key: per user, so someone signing in on a shared browser never sends another person's answers
 * under their own name, and per project, so each labeling screen flushes only its own work.
 */
export function outboxKey(userId: number, projectId: number): string {
  return `curate:outbox:v1:u${userId}:p${projectId}`;
}

function isEntry(value: unknown): value is OutboxEntry {
  const entry = value as Partial<OutboxEntry> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    (entry.kind === 'judgment' || entry.kind === 'skip') &&
    typeof entry.clientId === 'string' &&
    Number.isInteger(entry.slotId)
  );
}

/**
 * Entries in the order they were made. Every operation reads storage afresh, so two tabs of the same project add to
 * one list instead of overwriting each other's.
 */
export class Outbox {
  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
    private readonly key: string,
  ) {}

  entries(): OutboxEntry[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.storage.getItem(this.key) ?? '[]');
    } catch {
      // A corrupt value cannot be sent anyway; starting empty beats refusing to label.
      return [];
    }
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  }

  add(entry: OutboxEntry): void {
    const entries = this.entries();
    if (!entries.some((e) => e.clientId === entry.clientId)) this.#write([...entries, entry]);
  }

  remove(clientId: string): void {
    this.#write(this.entries().filter((e) => e.clientId !== clientId));
  }

  #write(entries: OutboxEntry[]): void {
    if (entries.length === 0) this.storage.removeItem(this.key);
    else this.storage.setItem(this.key, JSON.stringify(entries));
  }
}
