import { describe, expect, it } from 'vitest';
import { can, canSee, effectiveRole, type ProjectAccess } from '../../../server/auth/policies.ts';
import type { Role } from '../../../server/db/schema.ts';

const user = (role: Role, disabled = false) => ({ role, disabled });
const closed = (memberRole: ProjectAccess['memberRole'] = null): ProjectAccess => ({ openToAll: false, memberRole, archived: false });
const open = (memberRole: ProjectAccess['memberRole'] = null): ProjectAccess => ({ openToAll: true, memberRole, archived: false });

describe('project policies', () => {
  it('takes the lesser of the global and the member role', () => {
    expect(effectiveRole(user('reviewer'), closed('reviewer'))).toBe('reviewer');
    expect(effectiveRole(user('reviewer'), closed('annotator'))).toBe('annotator');
    expect(effectiveRole(user('annotator'), closed('reviewer'))).toBe('annotator');
    expect(effectiveRole(user('admin'), closed())).toBe('admin');
  });

  it('hides a closed project from non-members and opens an open one to label only', () => {
    expect(canSee(user('annotator'), closed())).toBe(false);
    expect(canSee(user('reviewer'), closed())).toBe(false);
    expect(canSee(user('annotator'), open())).toBe(true);
    expect(can(user('annotator'), 'annotate', open())).toBe(true);
    expect(can(user('reviewer'), 'review', open())).toBe(false);
    expect(can(user('reviewer'), 'review', open('reviewer'))).toBe(true);
  });

  it('keeps admin-only abilities for admins whatever the membership', () => {
    expect(can(user('reviewer'), 'projects.manage', closed('reviewer'))).toBe(false);
    expect(can(user('admin'), 'export', closed())).toBe(true);
  });

  it('shows an archived project to admins only, members or not', () => {
    const archived = (access: ProjectAccess): ProjectAccess => ({ ...access, archived: true });
    expect(canSee(user('annotator'), archived(open('annotator')))).toBe(false);
    expect(canSee(user('reviewer'), archived(closed('reviewer')))).toBe(false);
    expect(can(user('admin'), 'export', archived(closed()))).toBe(true);
  });

  it('gives a disabled user nothing, member or not', () => {
    expect(canSee(user('admin', true), open())).toBe(false);
    expect(can(user('annotator', true), 'annotate', open('annotator'))).toBe(false);
    expect(can(user('annotator', true), 'annotate')).toBe(false);
  });

  it('falls back to the global role without a project', () => {
    expect(can(user('reviewer'), 'review')).toBe(true);
    expect(can(user('annotator'), 'review')).toBe(false);
    expect(can(undefined, 'annotate')).toBe(false);
  });
});
