import { asc, eq, isNull, sql } from 'drizzle-orm';
import { projects } from '../schema.ts';
import { rowsOf, type Tx } from '../store.ts';
import { visibleToMember } from './members.ts';

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

/**
 * Updates a project's editable fields (a change of nothing returns it as it is). `settings` names only the sections
 * to replace: they are merged into the stored settings by the database (`||`), so two updates of different sections
 * at the same time both survive.
 */
export async function updateProject(db: Tx, id: number, changes: Omit<Partial<NewProject>, 'settings'> & { settings?: Record<string, unknown> }) {
  const { settings, ...columns } = changes;
  const values = { ...columns, ...(settings ? { settings: sql`${projects.settings} || ${JSON.stringify(settings)}::jsonb` } : {}) };
  if (!Object.values(values).some((v) => v !== undefined)) return findProject(db, id);
  const [project] = await db.update(projects).set(values).where(eq(projects.id, id)).returning();
  return project;
}

/**
 * Projects with their document, item and judgment counts: the live ones (archived ones too with `includeArchived`),
 * or with `visibleTo` only those that user may see as a non-admin (live, and open to all or a member of).
 */
export async function listProjectsWithCounts(db: Tx, filter: { visibleTo?: number; includeArchived?: boolean } = {}) {
  const list = await db
    .select()
    .from(projects)
    .where(filter.visibleTo !== undefined ? visibleToMember(filter.visibleTo) : filter.includeArchived ? undefined : isNull(projects.archivedAt))
    .orderBy(asc(projects.id));
  const counts = await rowsOf<{ project_id: number; documents: number; items: number; judgments: number }>(
    db,
    sql`select p.id as project_id,
          (select count(*)::int from documents d where d.project_id = p.id) as documents,
          (select count(*)::int from items i where i.project_id = p.id) as items,
          (select count(*)::int from judgments j where j.project_id = p.id and j.kind = 'label' and j.status = 'final') as judgments
        from projects p`,
  );
  // The id stays out of the counts: the pg driver reads a bigint as a string, PGlite as a number, and clients got both.
  const byId = new Map(counts.map(({ project_id, ...c }) => [Number(project_id), c]));
  return list.map((p) => ({ ...p, counts: byId.get(p.id) ?? { documents: 0, items: 0, judgments: 0 } }));
}
