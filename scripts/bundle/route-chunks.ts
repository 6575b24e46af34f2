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
  /** JavaScript fetched before the page can show: the entry's and the page's chunks and all they import statically. */
  js: string[];
  /** JavaScript the page imports on demand once it runs (a library it needs only after showing, say). */
  laterJs: string[];
  /** Stylesheets of the chunks fetched to show the page. */
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

const jsFiles = (manifest: Manifest, keys: Set<string>) =>
  [...new Set([...keys].map((key) => manifest[key].file).filter((f) => f.endsWith('.js')))].sort();

/**
 * For every page the entry imports on demand (each route's component): what the browser fetches to show it (Vite
 * preloads a page's static imports with it) and what the page then imports on demand, other pages aside.
 */
export function pageLoads(manifest: Manifest): PageLoad[] {
  const entries = Object.keys(manifest).filter((key) => manifest[key].isEntry);
  const pages = new Set(entries.flatMap((key) => manifest[key].dynamicImports));
  const shell = reach(manifest, entries, () => false);
  return [...pages].sort().map((page) => {
    const shown = reach(manifest, [page], () => false, new Set(shell));
    const js = jsFiles(manifest, shown);
    const all = jsFiles(
      manifest,
      reach(manifest, [page], (key) => !pages.has(key), new Set(shell)),
    );
    return {
      page,
      js,
      laterJs: all.filter((file) => !js.includes(file)),
      css: [...new Set([...shown].flatMap((key) => manifest[key].css))].sort(),
    };
  });
}
