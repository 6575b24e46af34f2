import { describe, expect, test } from 'vitest';
import { openReaggregatedQualityPage } from './support/quality-page.ts';
import { useServerAndBrowser } from './support/session.ts';
import { buildReviewedProjectWithGold } from '../support/reviewed-with-gold.ts';

/** The quality page's reliability diagram: each method's confidence against the gold items. */
describe('quality reliability diagram', () => {
  const e2e = useServerAndBrowser();

  const qualityPage = (projectId: number) => openReaggregatedQualityPage(e2e, projectId);

  test('a project with gold: the diagram of the method in use, its calibration error, and every method beside it', async () => {
    const { project } = await buildReviewedProjectWithGold(e2e.app, { documents: 45, gold: 36 });
    const { page, problems } = await qualityPage(project.id);
    const diagram = page.getByTestId('reliability-diagram');
    await diagram.waitFor();
    // The project aggregates with auto (the default), so the diagram opens on it, cross-fitted on the gold.
    expect(await diagram.getAttribute('data-method')).toBe('auto');
    expect(await page.locator('[data-testid="reliability-row"][data-method="auto"]').textContent()).toMatch(/in use.*cross-fitted/s);
    const rows = page.getByTestId('reliability-row');
    expect(await rows.count()).toBeGreaterThanOrEqual(9);
    const ece = await page.getByTestId('reliability-ece').textContent();
    expect(ece).toMatch(/^0\.\d{3}$/);
    expect(await diagram.locator('svg').getAttribute('aria-label')).toMatch(
      /^Reliability of .+ on 36 gold items, calibration error 0\.\d{3}: confidence /,
    );
    expect(await diagram.getByTestId('reliability-bin').count()).toBeGreaterThan(0);
    await page.getByTestId('reliability').screenshot({ path: '/tmp/curate-quality-reliability.png' });

    // Another method's row shows its own diagram and the error its row gives.
    const mace = page.locator('[data-testid="reliability-row"][data-method="mace"]');
    await mace.getByRole('button', { name: /Show/ }).click();
    await page.locator('[data-testid="reliability-diagram"][data-method="mace"]').waitFor();
    expect(await page.getByTestId('reliability-ece').textContent()).toBe(await mace.getByTestId('reliability-row-ece').textContent());
    expect(problems).toEqual([]);
  });

  test('too few gold items: says how many the diagram needs', async () => {
    const { project } = await buildReviewedProjectWithGold(e2e.app, { documents: 12, gold: 4 });
    const { page, problems } = await qualityPage(project.id);
    const empty = page.getByTestId('reliability-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toMatch(/needs at least 30 gold items with judgments; this project has 4\..* for 26 more/s);
    expect(await page.getByTestId('reliability-diagram').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
