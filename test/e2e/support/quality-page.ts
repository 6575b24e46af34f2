import type { Browser } from 'playwright-core';
import type { TestApp } from '../../support/test-app.ts';
import { signInAt, watchProblems } from './browser.ts';

/** A new admin on a project's quality page, re-aggregated from the page's own button; the page and what it complained of. */
export async function openReaggregatedQualityPage(session: { app: TestApp; browser: Browser }, projectId: number) {
  const admin = await session.app.buildUser('admin');
  const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watchProblems(page);
  await signInAt(page, `${session.app.url}/projects/${projectId}/quality`, admin.email);
  await page.getByTestId('reaggregate').click();
  await page.getByText(/Re-aggregated \d+ items/).waitFor();
  return { page, problems };
}
