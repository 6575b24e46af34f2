import { api, handleError, type DocumentPage } from '../lib/api.ts';

const PAGE_SIZE = 50;

/** Keyset paging over a project's documents: a stack of `after` cursors gives Previous without offsets. */
export class DocumentsState {
  page = $state<DocumentPage | null>(null);
  search = $state('');
  cursors = $state<(number | undefined)[]>([undefined]);
  loading = $state(false);
  pageNumber = $derived(this.cursors.length);

  constructor(private readonly projectId: number) {}

  /** Starts over from the first page with the current search. */
  reload(): Promise<void> {
    this.cursors = [undefined];
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

  async #fetch(): Promise<void> {
    this.loading = true;
    try {
      this.page = await api.documents(this.projectId, { after: this.cursors.at(-1), limit: PAGE_SIZE, search: this.search.trim() || undefined });
    } catch (error) {
      handleError(error);
    } finally {
      this.loading = false;
    }
  }
}
