import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressBar } from '../../../scripts/cli/progress-bar.ts';

/** A stand-in for stderr that records what is written: a terminal of some width, or a pipe (a CI log). */
function stream(tty: { columns: number } | null) {
  const written: string[] = [];
  return { written, isTTY: tty !== null, columns: tty?.columns, write: (text: string) => written.push(text) > 0 };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('progressBar', () => {
  it('writes one line per 10% step to a pipe, whatever the number of updates', () => {
    const out = stream(null);
    const bar = progressBar('importing docs.jsonl', 1000, out);
    for (let done = 0; done <= 1000; done++) bar.update(done, `${done} B`);
    bar.done();
    expect(out.written).toHaveLength(11);
    expect(out.written[0]).toBe('importing docs.jsonl 0% 0 B\n');
    expect(out.written[10]).toBe('importing docs.jsonl 100% 1000 B\n');
  });

  it('redraws one line on a terminal, never wider than the terminal, and ends it when done', () => {
    vi.useFakeTimers();
    const out = stream({ columns: 40 });
    const bar = progressBar('importing a-corpus-file-with-a-long-name.jsonl.gz', 100, out);
    for (let done = 0; done <= 100; done += 10) {
      bar.update(done, `${done / 10} / 10.0 MB`);
      vi.advanceTimersByTime(200);
    }
    bar.done();
    const frames = out.written.slice(0, -1);
    expect(frames).toHaveLength(11);
    for (const frame of frames) {
      expect(frame.startsWith('\r')).toBe(true);
      expect(frame.endsWith('\x1b[K')).toBe(true);
      // A line wider than the terminal wraps, and \r then redraws only its last part: the bar scrolls the screen.
      expect(frame.slice(1, -3).length).toBeLessThan(40);
    }
    expect(frames.at(-1)).toMatch(/^\rimporting a-corpus.* 100% 10 \/ 10\.0 MB\x1b\[K$/);
    expect(out.written.at(-1)).toBe('\n');
  });

  it('keeps the bar where the terminal has room for it', () => {
    vi.useFakeTimers();
    const out = stream({ columns: 80 });
    progressBar('importing docs.jsonl', 100, out).update(40, '4.0 / 10.0 MB');
    expect(out.written).toEqual([`\rimporting docs.jsonl [${'#'.repeat(12)}${'-'.repeat(18)}]  40% 4.0 / 10.0 MB\x1b[K`]);
  });

  it('draws a terminal at most every 100 ms, except the final frame', () => {
    vi.useFakeTimers();
    const out = stream({ columns: 200 });
    const bar = progressBar('exporting', 100, out);
    for (let done = 0; done <= 100; done++) bar.update(done);
    expect(out.written).toHaveLength(2);
    expect(out.written[1]).toContain('100%');
  });
});
