import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestStore } from '../support/test-store.ts';
import { streamCursor } from '../../server/db/queries/cursor.ts';
import { rowsOf, type Store } from '../../server/db/store.ts';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

const series = (n: number) => sql`select g as n from generate_series(1, ${n}) g order by g`;

describe('streamCursor', () => {
  it('yields every row once, in order, page by page, while the caller queries the same transaction between pages', async () => {
    const seen: number[] = [];
    await store.db.transaction(async (tx) => {
      for await (const page of streamCursor<{ n: number }>(tx, 'all_rows', series(2_500), 1_000)) {
        seen.push(...page.map((r) => Number(r.n)));
        const [side] = await rowsOf<{ one: number }>(tx, sql`select 1 as one`);
        expect(side.one).toBe(1);
      }
    });
    expect(seen).toEqual(Array.from({ length: 2_500 }, (_, i) => i + 1));
  });

  it('closes the cursor when the caller stops early, with a fetch still in flight', async () => {
    await store.db.transaction(async (tx) => {
      for await (const page of streamCursor<{ n: number }>(tx, 'early_exit', series(5_000), 1_000)) {
        expect(page).toHaveLength(1_000);
        break;
      }
      const open = await rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from pg_cursors where name = 'early_exit'`);
      expect(open[0].n).toBe(0);
    });
  });
});
