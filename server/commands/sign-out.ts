import { deleteSession } from '../db/queries/sessions.ts';
import { runCommand, type CommandContext } from './run-command.ts';

/**
 * Ends a signed-in session: its row is gone, then the user's sockets are disconnected, so the socket of that session
 * cannot reconnect. The sockets dropped are the user's, not only the session's: that is the one way sockets are
 * dropped (the same event, over the cluster adapter, as a disabled user or a revoked token), and a socket of the
 * user's other sessions reconnects at once (the client does so on a server disconnect) and passes the handshake on
 * its still valid session. A room per session would be a second way to drop sockets, for a sign-out now and then.
 */
export function signOut(ctx: CommandContext, props: { userId: number; sessionId: string }) {
  return runCommand(ctx, async (tx, emit) => {
    // express-session has usually destroyed the row already; deleting it here makes sure it is gone when the
    // sockets hear of it, whatever passport did with the session.
    await deleteSession(tx, props.sessionId);
    emit({ name: 'user:access-changed', payload: { userId: props.userId } });
  });
}
