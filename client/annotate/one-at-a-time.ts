/**
 * Runs an async job one run at a time: a call while it runs is not lost but makes it run once more afterwards, and
 * every caller's promise settles when the runs it asked for are over.
 */
export class OneAtATime {
  #running: Promise<void> | null = null;
  #again = false;

  constructor(private readonly job: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.job();
        } while (this.#again);
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }
}
