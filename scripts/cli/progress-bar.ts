/**
 * A progress line on stderr: a redrawn bar on a terminal, or a line per 10% step when output is piped (CI logs).
 *
 * Ours rather than cli-progress 3.12 because of the piped case: cli-progress prints nothing there by default, and
 * with `noTTYOutput` it prints a line every 2 s on a timer (`notTTYSchedule`), so a CI log gets a line per two
 * seconds the transfer takes (1,800 for an hour's import) rather than per step of progress. This writes at most
 * 11 lines whatever the size or duration, and needs no timer.
 */
export function progressBar(
  label: string,
  total: number,
  stream: { isTTY?: boolean; columns?: number; write(text: string): unknown } = process.stderr,
) {
  let lastStep = -1;
  let lastDraw = 0;
  return {
    update(done: number, extra = '') {
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      if (stream.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 100 && ratio < 1) return;
        lastDraw = now;
        stream.write(`\r${terminalLine(label, ratio, extra, stream.columns)}\x1b[K`);
      } else {
        const step = Math.floor(ratio * 10);
        if (step > lastStep) {
          lastStep = step;
          stream.write(`${label} ${step * 10}% ${extra}\n`);
        }
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

/**
 * `label [####------] 40% extra`, kept narrower than the terminal (a wrapped line is not redrawn by \r, so each
 * frame would scroll the screen): the bar shrinks, then goes, then the label is cut; the figures stay.
 */
function terminalLine(label: string, ratio: number, extra: string, columns = Infinity): string {
  const figures = `${(ratio * 100).toFixed(0).padStart(3)}% ${extra}`;
  const room = columns - 1 - label.length - figures.length - 4;
  const width = Math.min(30, room);
  if (width < 5) return `${label.slice(0, Math.max(0, columns - 2 - figures.length))} ${figures}`.slice(0, columns - 1);
  const filled = Math.round(ratio * width);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${figures}`;
}
