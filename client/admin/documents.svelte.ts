import { api, handleError, type DocumentFilters, type DocumentPage } from '../lib/api.ts';

const PAGE_SIZE = 50;

/** One metadata filter row as the form edits it: a dotted path into the document's meta and the value it must hold. */
export interface MetaFilterDraft {
  path: string;
  value: string;
}

/** The most metadata filters the server takes at once. */
export const MAX_META_FILTERS = 5;

/**
 * Keyset paging over a project's documents: a stack of `after` cursors gives Previous without offsets. The filters
 * apply from the first page on, and the page's `matches` counts every page they match.
 */
export class DocumentsState {
  page = $state<DocumentPage | null>(null);
  search = $state('');
  source = $state('');
  lang = $state('');
  meta = $state<MetaFilterDraft[]>([]);
  cursors = $state<(number | undefined)[]>([undefined]);
  loading = $state(false);
  /** The document open in the detail view, if any. */
  selectedId = $state<number | null>(null);
  pageNumber = $derived(this.cursors.length);
  /** The filters the shown page was fetched with, so the summary says what matched even while the form is edited. */
  applied = $state<DocumentFilters>({});
  filtered = $derived(Boolean(this.applied.search || this.applied.source || this.applied.lang || Object.keys(this.applied.meta ?? {}).length));

  constructor(private readonly projectId: number) {}

  /** Starts over from the first page with the current search and filters. */
  reload(): Promise<void> {
    this.cursors = [undefined];
    this.applied = this.#filters();
    return this.#fetch();
  }

  next(): Promise<void> {
    if (this.page?.nextAfter == null) return Promise.resolve();
    this.cursors = [...this.cursors, this.page.nextAfter];
    return this.#fetch();
  }

  previous(): Promise<void> {
    if (this.cursors.length < 2) return Promise.resolve();
    this.cursors = this.cursors.slice(0, -1);
    return this.#fetch();
  }

  addMetaFilter(): void {
    if (this.meta.length < MAX_META_FILTERS) this.meta = [...this.meta, { path: '', value: '' }];
  }

  removeMetaFilter(index: number): void {
    this.meta = this.meta.filter((_, i) => i !== index);
  }

  /** Clears every filter and the search, and shows the first page of everything. */
  clear(): Promise<void> {
    this.search = this.source = this.lang = '';
    this.meta = [];
    return this.reload();
  }

  #filters(): DocumentFilters {
    const text = (s: string) => s.trim() || undefined;
    const meta = Object.fromEntries(this.meta.map((m) => [m.path.trim(), m.value] as const).filter(([path]) => path));
    return { search: text(this.search), source: text(this.source), lang: text(this.lang), meta };
  }

  async #fetch(): Promise<void> {
    this.loading = true;
    try {
      this.page = await api.documents(this.projectId, { ...this.applied, after: this.cursors.at(-1), limit: PAGE_SIZE });
    } catch (error) {
      handleError(error);
    } finally {
      this.loading = false;
    }
  }
}
