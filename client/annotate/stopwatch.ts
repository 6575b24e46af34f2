/**
 * Time a task was actually on screen: paused while the tab is hidden, so a lunch break does not count as labeling
 * time in the annotator statistics.
 */
export class Stopwatch {
  #elapsed = 0;
  #since: number | null;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.#since = this.now();
  }

  pause(): void {
    if (this.#since === null) return;
    this.#elapsed += this.now() - this.#since;
    this.#since = null;
  }

  resume(): void {
    this.#since ??= this.now();
  }

  elapsedMs(): number {
    return Math.round(this.#elapsed + (this.#since === null ? 0 : this.now() - this.#since));
  }
}
