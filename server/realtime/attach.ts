import type { RequestHandler } from 'express';
import type { Server as SocketServer, Socket } from 'socket.io';
import type { AppContext } from '../context.ts';
import { can } from '../auth/policies.ts';
import { labelersOf, projectAccessOf } from '../db/queries/members.ts';
import type { User } from '../db/schema.ts';
import { describeForLog } from '../describe-error.ts';

/**
 * Socket.IO over the same session as HTTP: the handshake runs the session and passport middleware, and a socket
 * without a signed-in, enabled user is refused. Each socket joins its user's room; staff join project rooms to
 * watch progress. Domain events are forwarded to their rooms after the command committed.
 * When a user's access changes, their sockets on every process are disconnected (the adapter carries it), so a
 * disabled or demoted user hears nothing more; the client reconnects, and the handshake decides afresh.
 */
export function attachRealtime(io: SocketServer, ctx: AppContext, authMiddleware: RequestHandler[]): () => void {
  for (const middleware of authMiddleware) io.engine.use(middleware);
  io.use((socket, next) => {
    const user = userOf(socket);
    if (!user) return next(new Error('unauthenticated'));
    next();
  });
  io.on('connection', (socket) => {
    const user = userOf(socket)!;
    void socket.join(`user:${user.id}`);
    if (can(user, 'annotate')) void socket.join('annotators');
    socket.on('watch:project', (projectId: unknown, ack?: (r: { ok: boolean; error?: string }) => void) => {
      if (typeof projectId !== 'number' || !Number.isInteger(projectId) || !can(user, 'quality.read'))
        return ack?.({ ok: false, error: 'forbidden' });
      // Watching follows the same project rules as HTTP: staff of this project only (a hidden one looks the same).
      projectAccessOf(ctx.store.db, 'project', projectId, user.id).then(
        (access) => {
          if (!access || !can(user, 'quality.read', access)) return ack?.({ ok: false, error: 'forbidden' });
          void socket.join(`project:${projectId}`);
          ack?.({ ok: true });
        },
        () => ack?.({ ok: false, error: 'unavailable' }),
      );
    });
  });
  return ctx.events.subscribe((event) => {
    if (event.name === 'user:access-changed') return io.in(`user:${event.payload.userId}`).disconnectSockets(true);
    if (!event.to) return;
    const { to, name, payload } = event;
    const rooms = [...(to.projectId !== undefined ? [`project:${to.projectId}`] : []), ...(to.userId !== undefined ? [`user:${to.userId}`] : [])];
    if (!(to.annotators && to.projectId !== undefined)) {
      if (to.annotators) rooms.push('annotators');
      if (rooms.length) io.to(rooms).emit(name, payload);
      return;
    }
    // A project's news for annotators goes only to those who may label it: everyone when it is open to all,
    // else its members (each in their user room); a non-member never hears of a project hidden from them.
    labelersOf(ctx.store.db, to.projectId).then(
      (labelers) => {
        if (labelers?.openToAll) rooms.push('annotators');
        else rooms.push(...(labelers?.memberIds ?? []).map((id) => `user:${id}`));
        io.to(rooms).emit(name, payload);
      },
      (error: unknown) => console.error(`realtime: could not tell who labels project ${to.projectId} for ${name}: ${describeForLog(error)}`),
    );
  });
}

function userOf(socket: Socket): User | undefined {
  const user = (socket.request as unknown as { user?: User }).user;
  return user && !user.disabled ? user : undefined;
}
