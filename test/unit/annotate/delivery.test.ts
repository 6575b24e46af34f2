import { describe, expect, it } from 'vitest';
import { failureAction, retryDelayMs } from '../../../client/annotate/delivery.ts';
import { Stopwatch } from '../../../client/annotate/stopwatch.ts';
import { screenActionOf } from '../../../client/annotate/screen-keys.ts';

describe('failureAction', () => {
  it('retries what may succeed later, waits for a new sign-in, drops what the server refused for good', () => {
    expect([0, 429, 500, 503].map(failureAction)).toEqual(['retry', 'retry', 'retry', 'retry']);
    expect([401, 403].map(failureAction)).toEqual(['wait', 'wait']);
    expect([400, 404, 409].map(failureAction)).toEqual(['drop', 'drop', 'drop']);
  });
});

describe('retryDelayMs', () => {
  it('doubles from one second and stops growing at thirty', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });
});

describe('Stopwatch', () => {
  it('counts only the time it runs', () => {
    let now = 100;
    const watch = new Stopwatch(() => now);
    now = 1100;
    watch.pause();
    now = 60_000;
    expect(watch.elapsedMs()).toBe(1000);
    watch.resume();
    watch.resume();
    now = 60_500;
    expect(watch.elapsedMs()).toBe(1500);
  });
});

describe('screenActionOf', () => {
  const key = (k: string, mods: Partial<KeyboardEvent> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

  it('maps the screen keys and leaves the rest (and browser chords) alone', () => {
    expect(['s', 'f', 'u', '?'].map((k) => screenActionOf(key(k)))).toEqual(['skip', 'flag', 'undo', 'help']);
    expect(screenActionOf(key('3'))).toBeNull();
    expect(screenActionOf(key('constructor'))).toBeNull();
    expect(screenActionOf(key('f', { ctrlKey: true }))).toBeNull();
  });
});
