import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type SignedInAgent, type TestApp } from '../support/test-app.ts';
import { buildBatch, buildDocuments } from '../support/factories.ts';
import { listAudit } from '../../server/db/queries/audit.ts';
import type { User } from '../../server/db/schema.ts';
import { io as connect } from 'socket.io-client';

let t: TestApp;
let admin: SignedInAgent;
let closedId: number;
let openId: number;
let member: { user: User; as: SignedInAgent };
let outsider: { user: User; as: SignedInAgent };
let reviewerMember: { user: User; as: SignedInAgent };
let reviewerAsAnnotator: { user: User; as: SignedInAgent };
let reviewerOutsider: { user: User; as: SignedInAgent };

async function person(role: 'annotator' | 'reviewer') {
  const user = await t.buildUser(role);
  return { user, as: await t.signIn(user) };
}

function addMember(projectId: number, email: string, role: 'annotator' | 'reviewer') {
  return admin.agent.post(`/api/projects/${projectId}/members`).set('X-CSRF-Token', admin.csrf).send({ email, role });
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.signIn(t.admin);
  closedId = (await t.buildProject({ openToAll: false })).id;
  openId = (await t.buildProject({ openToAll: true })).id;
  for (const id of [closedId, openId]) {
    await buildDocuments(t, id, [
      { id: 'a', text: 'one' },
      { id: 'b', text: 'two' },
    ]);
    await buildBatch(t, id, { k: 1 });
  }
  [member, outsider, reviewerMember, reviewerAsAnnotator, reviewerOutsider] = await Promise.all([
    person('annotator'),
    person('annotator'),
    person('reviewer'),
    person('reviewer'),
    person('reviewer'),
  ]);
  await addMember(closedId, member.user.email, 'annotator').expect(201);
  await addMember(closedId, reviewerMember.user.email, 'reviewer').expect(201);
  await addMember(closedId, reviewerAsAnnotator.user.email, 'annotator').expect(201);
});
afterAll(() => t.close());

describe('project membership', () => {
  it('lists to annotators only the projects they may label', async () => {
    const mine = (await member.as.agent.get('/api/projects').expect(200)).body.projects.map((p: { id: number }) => p.id);
    expect(mine).toEqual(expect.arrayContaining([closedId, openId]));
    const theirs = (await outsider.as.agent.get('/api/projects').expect(200)).body.projects.map((p: { id: number }) => p.id);
    expect(theirs).toContain(openId);
    expect(theirs).not.toContain(closedId);
  });

  it('answers 404 to a non-member, exactly as for a project that does not exist', async () => {
    const hidden = await outsider.as.agent.get(`/api/projects/${closedId}`);
    const missing = await outsider.as.agent.get('/api/projects/999999');
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    await outsider.as.agent.post(`/api/projects/${closedId}/tasks/lease`).set('X-CSRF-Token', outsider.as.csrf).send({ count: 1 }).expect(404);
    await reviewerOutsider.as.agent.get(`/api/projects/${closedId}/review`).expect(404);
    await reviewerOutsider.as.agent.get(`/api/projects/${closedId}/quality`).expect(404);
  });

  it('lets members lease, and anyone signed in lease in a project open to all', async () => {
    const leased = await member.as.agent
      .post(`/api/projects/${closedId}/tasks/lease`)
      .set('X-CSRF-Token', member.as.csrf)
      .send({ count: 1 })
      .expect(200);
    expect(leased.body.tasks).toHaveLength(1);
    const open = await outsider.as.agent
      .post(`/api/projects/${openId}/tasks/lease`)
      .set('X-CSRF-Token', outsider.as.csrf)
      .send({ count: 1 })
      .expect(200);
    expect(open.body.tasks).toHaveLength(1);
  });

  it('caps a member role by the global role: a reviewer who joined as annotator labels but does not review', async () => {
    await reviewerMember.as.agent.get(`/api/projects/${closedId}/review`).expect(200);
    await reviewerMember.as.agent.get(`/api/projects/${closedId}/documents`).expect(200);
    const capped = await reviewerAsAnnotator.as.agent.get(`/api/projects/${closedId}/review`);
    expect(capped.status).toBe(403);
    await reviewerAsAnnotator.as.agent.get(`/api/projects/${closedId}`).expect(200);
    // A global annotator made a reviewer member still may not review.
    await addMember(closedId, member.user.email, 'reviewer').expect(200);
    await member.as.agent.get(`/api/projects/${closedId}/review`).expect(403);
    await addMember(closedId, member.user.email, 'annotator').expect(200);
    // Open to all means open to label, not to review.
    await reviewerOutsider.as.agent.get(`/api/projects/${openId}/review`).expect(403);
  });

  it('tells the caller what they may do in this project', async () => {
    const capped = (await reviewerAsAnnotator.as.agent.get(`/api/projects/${closedId}`).expect(200)).body.abilities;
    expect(capped).toMatchObject({ annotate: true, review: false, 'quality.read': false, 'documents.read': false, 'projects.manage': false });
    const staff = (await reviewerMember.as.agent.get(`/api/projects/${closedId}`).expect(200)).body.abilities;
    expect(staff).toMatchObject({ annotate: true, review: true, 'documents.read': true, 'projects.manage': false });
    expect((await admin.agent.get(`/api/projects/${closedId}`).expect(200)).body.abilities['projects.manage']).toBe(true);
  });

  it('sends annotators no staff-only settings, and staff all of them', async () => {
    const { body } = await member.as.agent.get(`/api/projects/${closedId}`).expect(200);
    expect(body.project).toMatchObject({ id: closedId, taskType: 'quality-rating' });
    expect(body.project.config).toBeDefined();
    for (const key of ['settings', 'fieldMapping', 'openToAll']) expect(body.project).not.toHaveProperty(key);
    const listed = (await member.as.agent.get('/api/projects').expect(200)).body.projects;
    for (const p of listed) expect(p).not.toHaveProperty('settings');
    const staff = await reviewerMember.as.agent.get(`/api/projects/${closedId}`).expect(200);
    expect(staff.body.project).toHaveProperty('settings');
    expect(staff.body.project.openToAll).toBe(false);
  });

  it('lets admins add, change, list and remove members, with audit entries', async () => {
    const extra = await person('annotator');
    const added = await addMember(closedId, extra.user.email.toUpperCase(), 'annotator').expect(201);
    expect(added.body.member).toMatchObject({ userId: extra.user.id, email: extra.user.email, role: 'annotator', globalRole: 'annotator' });
    await extra.as.agent.get(`/api/projects/${closedId}`).expect(200);

    const { body } = await admin.agent.get(`/api/projects/${closedId}/members`).expect(200);
    expect(body.members.map((m: { userId: number }) => m.userId)).toEqual(expect.arrayContaining([member.user.id, extra.user.id]));
    expect(body.openToAll).toBe(false);

    // Their open socket is dropped on removal, so it stops hearing of the project at once.
    const socket = connect(t.url, { transports: ['websocket'], extraHeaders: { cookie: extra.as.cookie }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
    const dropped = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await admin.agent.delete(`/api/projects/${closedId}/members/${extra.user.id}`).set('X-CSRF-Token', admin.csrf).expect(200);
    expect(await dropped).toBe('io server disconnect');
    await extra.as.agent.get(`/api/projects/${closedId}`).expect(404);
    await admin.agent.delete(`/api/projects/${closedId}/members/${extra.user.id}`).set('X-CSRF-Token', admin.csrf).expect(404);

    const audit = await listAudit(t.ctx.store.db, 50);
    const actions = audit.filter((a) => a.target === `project:${closedId}`).map((a) => [a.action, (a.details as { userId?: number }).userId]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['member.add', extra.user.id],
        ['member.remove', extra.user.id],
      ]),
    );
  });

  it('refuses an unknown email, a bad role, and members endpoints to non-admins', async () => {
    const unknown = await addMember(closedId, 'nobody@test.local', 'annotator');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/user/i);
    const badRole = await admin.agent
      .post(`/api/projects/${closedId}/members`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ email: member.user.email, role: 'admin' });
    expect(badRole.status).toBe(400);
    await member.as.agent.get(`/api/projects/${closedId}/members`).expect(403);
    await reviewerMember.as.agent
      .post(`/api/projects/${closedId}/members`)
      .set('X-CSRF-Token', reviewerMember.as.csrf)
      .send({ email: outsider.user.email, role: 'annotator' })
      .expect(403);
  });

  it('opens a project to all annotators and closes it again', async () => {
    await admin.agent.patch(`/api/projects/${closedId}`).set('X-CSRF-Token', admin.csrf).send({ openToAll: true }).expect(200);
    await outsider.as.agent.get(`/api/projects/${closedId}`).expect(200);
    await admin.agent.patch(`/api/projects/${closedId}`).set('X-CSRF-Token', admin.csrf).send({ openToAll: false }).expect(200);
    await outsider.as.agent.get(`/api/projects/${closedId}`).expect(404);
    const audit = await listAudit(t.ctx.store.db, 20);
    expect(
      audit.some((a) => a.action === 'project.update' && a.target === `project:${closedId}` && JSON.stringify(a.details).includes('openToAll')),
    ).toBe(true);
  });

  it('tells annotators of a new batch only in projects they may label', async () => {
    const socketOf = async (who: SignedInAgent) => {
      const socket = connect(t.url, { transports: ['websocket'], extraHeaders: { cookie: who.cookie }, reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
      return socket;
    };
    const [outsiderSocket, memberSocket] = await Promise.all([socketOf(outsider.as), socketOf(member.as)]);
    const heard: { who: string; projectId: number }[] = [];
    outsiderSocket.on('batch:opened', (p: { projectId: number }) => heard.push({ who: 'outsider', projectId: p.projectId }));
    memberSocket.on('batch:opened', (p: { projectId: number }) => heard.push({ who: 'member', projectId: p.projectId }));
    // Events reach a socket in order: once the outsider hears of the open project's batch, the closed one's has passed.
    const outsiderHeardOpen = new Promise<void>((resolve) =>
      outsiderSocket.on('batch:opened', (p: { projectId: number }) => p.projectId === openId && resolve()),
    );
    try {
      await buildBatch(t, closedId, { name: 'members only', excludeUsed: false });
      await buildBatch(t, openId, { name: 'for everyone', excludeUsed: false });
      await outsiderHeardOpen;
      await expect.poll(() => heard.filter((h) => h.who === 'member').length).toBe(2);
      expect(heard.filter((h) => h.who === 'outsider').map((h) => h.projectId)).toEqual([openId]);
    } finally {
      outsiderSocket.disconnect();
      memberSocket.disconnect();
    }
  });

  it('lets staff watch a project over Socket.IO only where they may read its quality', async () => {
    const watch = async (who: SignedInAgent) => {
      const socket = connect(t.url, { transports: ['websocket'], extraHeaders: { cookie: who.cookie }, reconnection: false, forceNew: true });
      try {
        return await socket.emitWithAck('watch:project', closedId);
      } finally {
        socket.disconnect();
      }
    };
    expect(await watch(admin)).toEqual({ ok: true });
    expect(await watch(reviewerMember.as)).toEqual({ ok: true });
    expect(await watch(reviewerOutsider.as)).toEqual({ ok: false, error: 'forbidden' });
    expect(await watch(reviewerAsAnnotator.as)).toEqual({ ok: false, error: 'forbidden' });
  });
});

describe('project settings', () => {
  it('changes only the fields a PATCH sends', async () => {
    const project = await t.buildProject({ openToAll: true });
    const patch = (body: object) => admin.agent.patch(`/api/projects/${project.id}`).set('X-CSRF-Token', admin.csrf).send(body).expect(200);
    await patch({ trainingMode: true, fieldMapping: { text: 'body' } });
    const { body } = await patch({ description: 'changed' });
    expect(body.project).toMatchObject({ description: 'changed', trainingMode: true, fieldMapping: { text: 'body' }, openToAll: true });
  });
});
