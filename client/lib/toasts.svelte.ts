/** A short message shown in the aria-live toast region. */
export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** Transient notifications; each disappears after a few seconds or when dismissed. */
class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  info(text: string): void {
    this.#push('info', text);
  }

  error(text: string): void {
    this.#push('error', text);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }

  #push(kind: Toast['kind'], text: string): void {
    const id = this.#next++;
    this.items = [...this.items, { id, kind, text }];
    setTimeout(() => this.dismiss(id), kind === 'error' ? 8000 : 4000);
  }
}

/** The app's toasts. */
export const toasts = new Toasts();
