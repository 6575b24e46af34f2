import { asc, eq, sql } from 'drizzle-orm';
import { projects } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';

export type NewProject = typeof projects.$inferInsert;

/** Inserts a project. */
export async function insertProject(db: Tx, values: NewProject) {
  const [project] = await db.insert(projects).values(values).returning();
  return project;
}

/** A project by id. */
export async function findProject(db: Tx, id: number) {
  const [project] = await db.select().from(projects).where(eq(projects.id, id));
  return project;
}

/** A project by its unique name. */
export async function findProjectByName(db: Tx, name: string) {
  const [project] = await db.select().from(projects).where(eq(projects.name, name));
  return project;
}

/** Updates a project's editable fields. */
export async function updateProject(db: Tx, id: number, changes: Partial<NewProject>) {
  const [project] = await db.update(projects).set(changes).where(eq(projects.id, id)).returning();
  return project;
}

/** All projects with their document, item and judgment counts. */
export async function listProjectsWithCounts(db: Tx) {
  const list = await db.select().from(projects).orderBy(asc(projects.id));
  const counts = await rowsOf<{ project_id: number; documents: number; items: number; judgments: number }>(
    db,
    sql`select p.id as project_id,
          (select count(*)::int from documents d where d.project_id = p.id) as documents,
          (select count(*)::int from items i where i.project_id = p.id) as items,
          (select count(*)::int from judgments j where j.project_id = p.id and j.kind = 'label' and j.status = 'final') as judgments
        from projects p`,
  );
  const byId = new Map(counts.map((c) => [Number(c.project_id), c]));
  return list.map((p) => ({ ...p, counts: byId.get(p.id) ?? { documents: 0, items: 0, judgments: 0 } }));
}
