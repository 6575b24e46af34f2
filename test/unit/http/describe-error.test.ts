import { describe, expect, it } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describeForLog } from '../../../server/describe-error.ts';

describe('describeForLog', () => {
  it("shows a failed statement and its driver's cause, never the values it ran with", () => {
    const driver = Object.assign(new Error('duplicate key value violates unique constraint "users_email_unique"'), { code: '23505' });
    const wrapped = new DrizzleQueryError('insert into users (email) values ($1)', ['secret-probe@example.org'], driver);
    const line = describeForLog(wrapped);
    expect(line).toContain('insert into users (email) values ($1)');
    expect(line).toContain('23505');
    expect(line).not.toContain('secret-probe');
  });
});
