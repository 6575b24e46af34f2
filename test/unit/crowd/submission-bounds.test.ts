import { describe, expect, it } from 'vitest';
import {
  DEADLINE_GRACE_SECONDS,
  hitTakesSubmissions,
  lastSubmitTime,
  MAX_ASSIGNMENT_DURATION_SECONDS,
  submissionCapOfHit,
} from '../../../server/crowd/submission-bounds.ts';

describe('submissionCapOfHit', () => {
  it('allows every assignment plus room for returned ones, at least two', () => {
    expect(submissionCapOfHit(1)).toBe(3);
    expect(submissionCapOfHit(3)).toBe(5);
    expect(submissionCapOfHit(9)).toBe(14);
  });
});

describe('lastSubmitTime and hitTakesSubmissions', () => {
  const expiresAt = new Date('2026-12-01T00:00:00Z');
  it('is the expiry plus one assignment duration', () => {
    expect(lastSubmitTime({ expiresAt, assignmentDurationSeconds: 600 })).toEqual(new Date('2026-12-01T00:10:00Z'));
  });
  it('assumes the longest duration when none was recorded, and knows nothing without an expiry', () => {
    expect(lastSubmitTime({ expiresAt, assignmentDurationSeconds: null })!.getTime()).toBe(
      expiresAt.getTime() + MAX_ASSIGNMENT_DURATION_SECONDS * 1000,
    );
    expect(lastSubmitTime({ expiresAt: null, assignmentDurationSeconds: 600 })).toBeNull();
    expect(hitTakesSubmissions({ expiresAt: null, assignmentDurationSeconds: 600 }, new Date('2030-01-01'))).toBe(true);
  });
  it('takes submissions until the grace after the last submit time has passed', () => {
    const hit = { expiresAt, assignmentDurationSeconds: 600 };
    const last = lastSubmitTime(hit)!.getTime();
    expect(hitTakesSubmissions(hit, new Date(last + DEADLINE_GRACE_SECONDS * 1000))).toBe(true);
    expect(hitTakesSubmissions(hit, new Date(last + DEADLINE_GRACE_SECONDS * 1000 + 1))).toBe(false);
  });
});
