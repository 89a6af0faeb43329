/** A one-line progress bar on standard error, drawn only when a person is watching a terminal. */
export function progressBar(enabled: boolean): { update(p: { status: string; done: number; known: number | null }): void; end(): void } {
  let last = 0;
  let drawn = false;
  return {
    update({ status, done, known }) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && done !== known) return;
      last = now;
      const width = 30;
      const ratio = known ? Math.min(1, done / known) : 0;
      const filled = Math.round(ratio * width);
      const line = `${status.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${done.toLocaleString('en-US')} / ${known?.toLocaleString('en-US') ?? '?'} rows`;
      process.stderr.write(`\r${line}`);
      drawn = true;
    },
    end() {
      if (drawn) process.stderr.write('\n');
    },
  };
}
