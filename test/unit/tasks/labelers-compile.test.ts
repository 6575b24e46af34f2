import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

const TASKS = join(import.meta.dirname, '../../../tasks');

/** Every component under tasks/: the three labelers and the shared pieces they render text with. */
const components = readdirSync(TASKS, { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.svelte'))
  .sort();

describe('task components', () => {
  it('include a Labeler for each task type', () => {
    expect(components).toEqual(
      expect.arrayContaining(['quality-rating/Labeler.svelte', 'synthetic-review/Labeler.svelte', 'pairwise-preference/Labeler.svelte']),
    );
  });

  it.each(components)('%s compiles without warnings and never renders raw HTML', (path) => {
    const source = readFileSync(join(TASKS, path), 'utf8');
    // Corpus text is hostile: a {@html} anywhere in a labeler is an XSS hole.
    expect(source.replace(/<!--[\s\S]*?-->/g, '')).not.toContain('{@html');
    const { warnings } = compile(source, { filename: path, generate: 'client' });
    expect(warnings.map((w) => `${w.code}: ${w.message}`)).toEqual([]);
  });
});
