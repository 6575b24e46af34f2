/**
 * Preloaded (`--import`) into a process bench:aggregate times: prints the process's CPU seconds on stderr as it
 * exits, which says more than wall time on a machine other work is loading.
 */
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\ncpu-seconds ${(user + system) / 1e6}\n`);
});
