import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgressBar, formatProgressLine, progressFacts, progressReporter } from './progress.js';

const JOB = '0029b329-5d1e-4c1a-9a57-1f1d2b3c4d5e';

describe('progressFacts', () => {
  it('measures the rate since the run started and the time left at that rate', () => {
    const facts = progressFacts({ done: 0, atMs: 0 }, { done: 120_000, known: 1_000_000 }, 1_500);
    expect(facts).toEqual({ done: 120_000, known: 1_000_000, percent: 12, rowsPerSecond: 80_000, secondsLeft: 11 });
  });

  it("counts only this run's rows for a resumed job", () => {
    const facts = progressFacts({ done: 500_000, atMs: 10_000 }, { done: 600_000, known: 1_000_000 }, 12_000);
    expect(facts.rowsPerSecond).toBe(50_000);
    expect(facts.secondsLeft).toBe(8);
    expect(facts.percent).toBe(60);
  });

  it('says 100% only when every row is done', () => {
    expect(progressFacts({ done: 0, atMs: 0 }, { done: 999_999, known: 1_000_000 }, 1_000).percent).toBe(99);
    expect(progressFacts({ done: 0, atMs: 0 }, { done: 1_000_000, known: 1_000_000 }, 1_000)).toMatchObject({ percent: 100, secondsLeft: 0 });
  });

  it('gives no rate before there is something to measure, and no time left without a total', () => {
    expect(progressFacts({ done: 0, atMs: 0 }, { done: 0, known: 10 }, 5_000)).toMatchObject({ rowsPerSecond: null, secondsLeft: null });
    expect(progressFacts({ done: 0, atMs: 0 }, { done: 2_000, known: 10_000 }, 100)).toMatchObject({ rowsPerSecond: null, secondsLeft: null });
    expect(progressFacts({ done: 0, atMs: 0 }, { done: 2_000, known: null }, 1_000)).toMatchObject({ percent: null, rowsPerSecond: 2_000, secondsLeft: null });
  });
});

describe('formatDuration', () => {
  it('says seconds, minutes, or hours and minutes', () => {
    expect(formatDuration(10)).toBe('10 s');
    expect(formatDuration(59.4)).toBe('59 s');
    expect(formatDuration(150)).toBe('3 min');
    expect(formatDuration(3_600)).toBe('1 h 0 min');
    expect(formatDuration(7_500)).toBe('2 h 5 min');
  });
});

describe('formatProgressLine', () => {
  it('names the job by its short id, the rows, the percentage, the rate and the time left', () => {
    const facts = progressFacts({ done: 0, atMs: 0 }, { done: 120_000, known: 1_000_000 }, 1_412);
    expect(formatProgressLine(JOB, facts)).toBe('Job 0029b329…: 120,000 of 1,000,000 rows (12%), 84,986 rows/s, about 11 s left');
  });

  it('leaves out what is not known yet', () => {
    expect(formatProgressLine(JOB, progressFacts({ done: 0, atMs: 0 }, { done: 0, known: 6_000 }, 0))).toBe('Job 0029b329…: 0 of 6,000 rows (0%)');
    expect(formatProgressLine(JOB, progressFacts({ done: 0, atMs: 0 }, { done: 4_000, known: null }, 2_000))).toBe('Job 0029b329…: 4,000 rows so far, 2,000 rows/s');
  });

  it('drops the time left once the job is done', () => {
    expect(formatProgressLine(JOB, progressFacts({ done: 0, atMs: 0 }, { done: 6_000, known: 6_000 }, 2_000))).toBe('Job 0029b329…: 6,000 of 6,000 rows (100%), 3,000 rows/s');
  });
});

describe('formatProgressBar', () => {
  it('shows the same facts as the line, beside the bar', () => {
    const facts = progressFacts({ done: 0, atMs: 0 }, { done: 500, known: 1_000 }, 1_000);
    expect(formatProgressBar('IMPORTING', facts, 10)).toBe('IMPORTING  [#####-----]  50%  500 / 1,000 rows, 500 rows/s, about 1 s left');
  });
});

describe('progressReporter', () => {
  it('in a log, writes a line no more often than the interval', () => {
    let clock = 0;
    const out: string[] = [];
    const reporter = progressReporter({ mode: 'lines', jobId: JOB, intervalMs: 5_000, write: (s) => out.push(s), now: () => clock });
    for (const [at, done] of [
      [0, 0],
      [2_000, 2_000],
      [5_000, 4_000],
      [6_000, 6_000],
      [10_000, 8_000],
    ]) {
      clock = at!;
      reporter.update({ status: 'IMPORTING', done: done!, known: 10_000 });
    }
    reporter.end();
    expect(out).toEqual(['Job 0029b329…: 4,000 of 10,000 rows (40%), 800 rows/s, about 8 s left\n', 'Job 0029b329…: 8,000 of 10,000 rows (80%), 800 rows/s, about 3 s left\n']);
  });

  it('on a terminal, redraws one line in place and ends it with a line break', () => {
    let clock = 0;
    const out: string[] = [];
    const reporter = progressReporter({ mode: 'bar', jobId: JOB, intervalMs: 5_000, write: (s) => out.push(s), now: () => clock });
    reporter.update({ status: 'IMPORTING', done: 0, known: 4 });
    clock = 1_000;
    reporter.update({ status: 'IMPORTING', done: 4, known: 4 });
    reporter.end();
    expect(out.map((s) => s.startsWith('\r'))).toEqual([true, true, false]);
    expect(out[1]).toContain('4 / 4 rows, 4 rows/s');
    expect(out[2]).toBe('\n');
  });

  it('writes nothing when off (--json)', () => {
    const out: string[] = [];
    const reporter = progressReporter({ mode: 'off', jobId: JOB, intervalMs: 0, write: (s) => out.push(s) });
    reporter.update({ status: 'IMPORTING', done: 1, known: 2 });
    reporter.end();
    expect(out).toEqual([]);
  });
});
