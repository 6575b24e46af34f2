/** What each page of the client makes the browser fetch, read from Vite's build manifest (build.manifest: true). */
import { z } from 'zod';

const chunkSchema = z.object({
  file: z.string(),
  src: z.string().optional(),
  isEntry: z.boolean().optional(),
  isDynamicEntry: z.boolean().optional(),
  imports: z.array(z.string()).default([]),
  dynamicImports: z.array(z.string()).default([]),
  css: z.array(z.string()).default([]),
});

/** dist/.vite/manifest.json: chunks keyed by their source (or `_name.js` for shared chunks). */
export const manifestSchema = z.record(z.string(), chunkSchema);

/** A parsed build manifest. */
export type Manifest = z.infer<typeof manifestSchema>;

/** One page's downloads: the built files, named as under dist/. */
export interface PageLoad {
  /** The page component's source, relative to client/ (e.g. `annotate/AnnotatePage.svelte`). */
  page: string;
  js: string[];
  css: string[];
}

/** The chunk keys reached from `from` through static imports, and through on-demand ones `follow` accepts. */
function reach(manifest: Manifest, from: string[], follow: (key: string) => boolean, into = new Set<string>()): Set<string> {
  const pending = [...from];
  while (pending.length > 0) {
    const key = pending.pop()!;
    if (into.has(key)) continue;
    into.add(key);
    pending.push(...manifest[key].imports, ...manifest[key].dynamicImports.filter(follow));
  }
  return into;
}

/**
 * For every page the entry imports on demand (each route's component): the entry's chunks, the page's chunks and
 * those of whatever the page itself imports on demand (a task type's labeler, say), since showing it fetches them.
 * Counting every such import, not just the one a given project needs, makes the figure an upper bound.
 */
export function pageLoads(manifest: Manifest): PageLoad[] {
  const entries = Object.keys(manifest).filter((key) => manifest[key].isEntry);
  const pages = new Set(entries.flatMap((key) => manifest[key].dynamicImports));
  const shell = reach(manifest, entries, () => false);
  return [...pages].sort().map((page) => {
    const chunks = [...reach(manifest, [page], (key) => !pages.has(key), new Set(shell))].map((key) => manifest[key]);
    return {
      page,
      js: [...new Set(chunks.map((c) => c.file).filter((f) => f.endsWith('.js')))].sort(),
      css: [...new Set(chunks.flatMap((c) => c.css))].sort(),
    };
  });
}
