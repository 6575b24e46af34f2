import { describe, expect, it } from 'vitest';
import { manifestSchema, pageLoads } from '../../../scripts/bundle/route-chunks.ts';

/** A build shaped like ours: an entry importing two pages on demand, one of which imports a labeler on demand. */
const manifest = manifestSchema.parse({
  'index.html': {
    file: 'assets/index.js',
    isEntry: true,
    imports: ['_runtime.js'],
    dynamicImports: ['annotate/AnnotatePage.svelte', 'admin/QualityPage.svelte'],
    css: ['assets/index.css'],
  },
  '_runtime.js': { file: 'assets/runtime.js' },
  '_charts.js': { file: 'assets/charts.js', imports: ['_runtime.js'] },
  '_socket.js': { file: 'assets/socket.js' },
  'annotate/AnnotatePage.svelte': {
    file: 'assets/AnnotatePage.js',
    isDynamicEntry: true,
    imports: ['index.html', '_socket.js'],
    dynamicImports: ['tasks/Labeler.svelte', 'admin/QualityPage.svelte'],
    css: ['assets/AnnotatePage.css'],
  },
  'tasks/Labeler.svelte': { file: 'assets/Labeler.js', isDynamicEntry: true, imports: ['_schemas.js'] },
  '_schemas.js': { file: 'assets/schemas.js' },
  'admin/QualityPage.svelte': {
    file: 'assets/QualityPage.js',
    isDynamicEntry: true,
    imports: ['index.html', '_charts.js'],
    css: ['assets/QualityPage.css'],
  },
});

describe('pageLoads', () => {
  it("counts the entry's chunks and the page's to show it, what it imports on demand as later, never another page's", () => {
    const [quality, annotate] = pageLoads(manifest);
    expect(annotate).toEqual({
      page: 'annotate/AnnotatePage.svelte',
      js: ['assets/AnnotatePage.js', 'assets/index.js', 'assets/runtime.js', 'assets/socket.js'],
      laterJs: ['assets/Labeler.js', 'assets/schemas.js'],
      css: ['assets/AnnotatePage.css', 'assets/index.css'],
    });
    expect(quality).toEqual({
      page: 'admin/QualityPage.svelte',
      js: ['assets/QualityPage.js', 'assets/charts.js', 'assets/index.js', 'assets/runtime.js'],
      laterJs: [],
      css: ['assets/QualityPage.css', 'assets/index.css'],
    });
  });
});
