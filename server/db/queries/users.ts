import { asc, eq, sql } from 'drizzle-orm';
import { users, type Role } from '../schema.ts';
import type { Tx } from '../store.ts';

/** Finds a user by email (case-insensitive: emails are stored lower-cased). */
export async function findUserByEmail(db: Tx, email: string) {
  const [user] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return user;
}

/** Finds a user by id. */
export async function findUserById(db: Tx, id: number) {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

/** All users, oldest first. */
export function listUsers(db: Tx) {
  return db.select().from(users).orderBy(asc(users.id));
}

/** Inserts a user; the caller has hashed the password. */
export async function insertUser(db: Tx, values: { email: string; name: string; passwordHash: string; role: Role }) {
  const [user] = await db
    .insert(users)
    .values({ ...values, email: values.email.toLowerCase() })
    .returning();
  return user;
}

/** Changes role, name or disabled flag. */
export async function updateUser(db: Tx, id: number, changes: Partial<{ role: Role; disabled: boolean; name: string; passwordHash: string }>) {
  const [user] = await db.update(users).set(changes).where(eq(users.id, id)).returning();
  return user;
}

/** How many enabled admins exist: the last one may not be demoted or disabled. */
export async function countActiveAdmins(db: Tx) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(sql`${users.role} = 'admin' and not ${users.disabled}`);
  return row.n;
}

/** How many users exist at all (first run detection). */
export async function countUsers(db: Tx) {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row.n;
}
