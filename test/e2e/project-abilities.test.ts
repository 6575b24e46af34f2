import { describe, expect, test } from 'vitest';
import { signInAt, watchProblems } from './support/browser.ts';
import { useServerAndBrowser } from './support/session.ts';
import { joinProject } from '../support/factories.ts';

/**
 * The pages of a project offer what the caller may do in that project, not what their global role allows: a global
 * reviewer who joined one project as annotator and another as reviewer labels the first and reviews the second.
 */
describe('a global reviewer who only labels a project', () => {
  const e2e = useServerAndBrowser();

  test('sees no staff links or buttons there, and the staff pages of the project they review', async () => {
    const labels = await e2e.app.buildProject({ name: `labels only ${Date.now()}`, openToAll: false });
    const reviews = await e2e.app.buildProject({ name: `reviews ${Date.now()}`, openToAll: false });
    const reviewer = await e2e.app.buildUser('reviewer');
    await joinProject(e2e.app, labels.id, reviewer, 'annotator');
    await joinProject(e2e.app, reviews.id, reviewer, 'reviewer');

    const page = await e2e.browser.newPage();
    const problems = watchProblems(page);
    await signInAt(page, e2e.app.url, reviewer.email);
    const table = page.getByTestId('projects-table');
    await table.getByRole('link', { name: labels.name }).waitFor();
    // The project they only label is, to them, its labeling screen; the one they review opens on its documents.
    await expect.poll(() => table.getByRole('link', { name: labels.name }).getAttribute('href')).toBe(`/annotate/${labels.id}`);
    await expect.poll(() => table.getByRole('link', { name: reviews.name }).getAttribute('href')).toBe(`/projects/${reviews.id}`);

    const navLinks = () => page.getByTestId('project-nav').getByRole('link').allTextContents();
    await page.goto(`${e2e.app.url}/annotate/${labels.id}`);
    await page.getByTestId('project-nav').getByRole('link', { name: 'Label' }).waitFor();
    expect(await navLinks()).toEqual(['Label']);

    await page.goto(`${e2e.app.url}/review/${labels.id}`);
    await page.getByText('Your role cannot review this project.').waitFor();
    expect(await navLinks()).toEqual(['Label']);

    await page.goto(`${e2e.app.url}/projects/${labels.id}/quality`);
    await page.getByTestId('quality-not-allowed').waitFor();
    expect(await page.getByTestId('reaggregate').count()).toBe(0);

    await page.goto(`${e2e.app.url}/review/${reviews.id}`);
    await page.getByTestId('review-empty').waitFor();
    await expect.poll(navLinks).toEqual(['Documents', 'Label', 'Quality', 'Review']);
    expect(problems).toEqual([]);
    await page.close();
  });
});
