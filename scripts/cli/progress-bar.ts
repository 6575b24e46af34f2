/**
 * A progress line on stderr: a redrawn bar on a terminal, or a line per 10% step when output is piped (CI logs).
 */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  let lastStep = -1;
  let lastDraw = 0;
  const width = 30;
  return {
    update(done: number, extra = '') {
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      if (stream.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 100 && ratio < 1) return;
        lastDraw = now;
        const filled = Math.round(ratio * width);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${extra}\x1b[K`);
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
