import { describe, expect, it } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import pg from 'pg';
import { classifyDatabaseError } from '../../../server/http/database-errors.ts';
import { storeUnavailable } from '../../../server/errors.ts';

/** A driver error as node-postgres raises it, wrapped the way drizzle wraps every failed query. */
function failedQuery(message: string, code?: string) {
  const driver = new pg.DatabaseError(message, 0, 'error');
  if (code) driver.code = code;
  return new DrizzleQueryError('select 1 where $1', ['secret value'], driver);
}

describe('classifyDatabaseError', () => {
  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection because of crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['53300', 'sorry, too many clients already'],
    ['08006', 'connection failure'],
    ['08P01', 'protocol violation'],
  ])('a connection lost with %s answers 503 store_unavailable', (code, message) => {
    expect(classifyDatabaseError(failedQuery(message, code))).toMatchObject({ status: 503, id: 'store_unavailable' });
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'])('a socket error %s answers 503', (code) => {
    const socket = Object.assign(new Error(`connect ${code}`), { code });
    expect(classifyDatabaseError(new DrizzleQueryError('select 1', [], socket))).toMatchObject({ status: 503, id: 'store_unavailable' });
  });

  it.each(['Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable'])(
    'node-postgres "%s" (no code) answers 503',
    (message) => {
      expect(classifyDatabaseError(new DrizzleQueryError('select 1', [], new Error(message)))).toMatchObject({ status: 503 });
    },
  );

  it('keeps an AppError found down the chain, such as the pool failing to connect', () => {
    const unavailable = storeUnavailable(Object.assign(new Error('timeout exceeded when trying to connect'), {}));
    expect(classifyDatabaseError(new DrizzleQueryError('select 1', [], unavailable))).toBe(unavailable);
  });

  it('maps integrity violations to 409 and refused values to 400, without SQL or parameters in the message', () => {
    const unique = classifyDatabaseError(failedQuery('duplicate key value violates unique constraint "projects_name_unique"', '23505'));
    expect(unique).toMatchObject({ status: 409, id: 'conflict' });
    expect(classifyDatabaseError(failedQuery('insert or update on table "x" violates foreign key constraint', '23503'))).toMatchObject({
      status: 409,
    });
    for (const code of ['22P02', '22021', '22003', '22P05', '23502', '23514', '54000']) {
      const refused = classifyDatabaseError(failedQuery(`refused (${code})`, code));
      expect(refused).toMatchObject({ status: 400, id: 'bad_request', message: expect.stringContaining(`refused (${code})`) });
      expect(refused!.message).not.toMatch(/secret value|select/);
    }
    expect(unique!.message).not.toMatch(/secret value|select/);
  });

  it('leaves other failures (bugs) to be 500s', () => {
    expect(classifyDatabaseError(failedQuery('column "nope" does not exist', '42703'))).toBeUndefined();
    expect(classifyDatabaseError(failedQuery('deadlock detected', '40P01'))).toBeUndefined();
    expect(classifyDatabaseError(new TypeError('x is undefined'))).toBeUndefined();
  });
});
