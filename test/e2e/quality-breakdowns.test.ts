import { describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { openReaggregatedQualityPage } from './support/quality-page.ts';
import { useServerAndBrowser } from './support/session.ts';
import { buildBatch, buildDocuments, buildTokenClient, labelAll } from '../support/factories.ts';

/** The quality page's breakdowns: agreement by batch and by rated aspect, and the summary of synthetic-data reviews. */
describe('quality breakdowns', () => {
  const e2e = useServerAndBrowser();

  const qualityPage = (projectId: number) => openReaggregatedQualityPage(e2e, projectId);

  test('synthetic review: agreement per batch, accept rate, corrections and error tags', async () => {
    const project = await e2e.app.buildProject({ taskType: 'synthetic-review' });
    await buildDocuments(
      e2e.app,
      project.id,
      Array.from({ length: 8 }, (_, i) => ({ id: `doc-${i}`, text: `Answer ${i}: the moon is made of cheese.`, prompt: `Question ${i}` })),
    );
    await buildBatch(e2e.app, project.id, { name: 'Round A', size: 4, redundancy: 2, seed: 1 });
    await buildBatch(e2e.app, project.id, { name: 'Round B', size: 4, redundancy: 2, seed: 2 });
    const [x, y] = await Promise.all([buildTokenClient(e2e.app), buildTokenClient(e2e.app)]);
    await labelAll(x, project.id, () => ({ decision: 'reject', tags: ['factual'] }));
    await labelAll(y, project.id, (i) =>
      i % 2 === 0
        ? { decision: 'needs-edit', tags: ['factual'], correctedText: `Answer ${i}: the moon is made of rock. ${randomUUID()}` }
        : { decision: 'reject', tags: ['factual', 'unsafe'] },
    );

    const { page, problems } = await qualityPage(project.id);
    const batches = page.getByTestId('agreement-by-batch');
    await batches.waitFor();
    expect(await batches.getByTestId('breakdown-name').allTextContents()).toEqual(['Round A', 'Round B']);
    expect(await batches.getByTestId('breakdown-row').first().textContent()).toMatch(/\d+\.\d%/);

    const edits = page.getByTestId('edit-summary');
    expect(await edits.getByTestId('edit-reviews').textContent()).toBe('16');
    expect(await edits.getByTestId('edit-accept-rate').textContent()).toBe('0.0%');
    expect(await edits.getByTestId('edit-corrected-rate').textContent()).toBe('25.0%');
    expect(await edits.getByTestId('edit-distance').textContent()).toMatch(/^mean \d+(\.\d)? · median \d+(\.\d)? · 90th pct \d+(\.\d)?$/);
    const tags = edits.getByTestId('error-tag-histogram');
    expect(await tags.locator('svg').getAttribute('aria-label')).toBe(
      'Reviews per error tag: factual (100.0% of reviews) 16, unsafe (25.0% of reviews) 4',
    );
    expect(await page.getByTestId('agreement-by-aspect').count()).toBe(0);
    await page.screenshot({ path: '/tmp/curate-quality-edits.png', fullPage: true });
    expect(problems).toEqual([]);
  });

  test('quality rating with aspects: an aspect read the same way and one read differently', async () => {
    const config = {
      aspects: [
        { key: 'coherence', label: 'Coherence', scale: { min: 1, max: 5 } },
        { key: 'toxicity', label: 'Toxicity', scale: { min: 0, max: 2 } },
      ],
    };
    const project = await e2e.app.buildProject({ config });
    await buildDocuments(
      e2e.app,
      project.id,
      Array.from({ length: 12 }, (_, i) => ({ id: `doc-${i}`, text: `Page ${i} ${randomUUID()}` })),
    );
    await buildBatch(e2e.app, project.id, { redundancy: 2 });
    const [x, y] = await Promise.all([buildTokenClient(e2e.app), buildTokenClient(e2e.app)]);
    await labelAll(x, project.id, (i) => ({ score: i % 6, aspects: { coherence: 1 + (i % 5), toxicity: i % 3 } }));
    await labelAll(y, project.id, (i) => ({ score: i % 6, aspects: { coherence: 1 + (i % 5), toxicity: (i + 1) % 3 } }));

    const { page, problems } = await qualityPage(project.id);
    const aspects = page.getByTestId('agreement-by-aspect');
    await aspects.waitFor();
    expect(await aspects.getByTestId('breakdown-name').allTextContents()).toEqual(['Coherence', 'Toxicity']);
    const [coherence, toxicity] = await aspects.getByTestId('breakdown-alpha').all();
    expect(Number(await coherence.getAttribute('data-value'))).toBeCloseTo(1, 6);
    expect(await coherence.textContent()).toContain('Reliable');
    expect(Number(await toxicity.getAttribute('data-value'))).toBeLessThan(0);
    expect(await toxicity.textContent()).toContain('Unreliable');
    // One batch: its figures are the project's, so no batch table.
    expect(await page.getByTestId('agreement-by-batch').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
