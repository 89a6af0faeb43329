import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCsv, writeErrorReport, writeSuccessReport } from '../src/jobs/reports.js';
import type { Store } from '../src/store/port.js';
import { lines, loadOrg, runImport, tempStore } from './helpers.js';

/**
 * Reports are written whole or not at all (spec: cli.md, "Reports are written whole or not at
 * all (a temporary file renamed into place)"): a write that fails half-way leaves neither half a
 * report nor its temporary file, and a report already at the path stays as it was.
 */

const TEMPLATE = { mapping: { customer: 'Mobile', trackedValue: 'Value' }, config: { tracker: 'Spend 2025' } };
const CSV = lines('Mobile,Bill No,Date,Store,Value', '919876543211,B-1,2025-03-01 10:15,S001,12.50', '919999999999,B-2,2025-03-02,S001,3');

async function importedJob() {
  const t = await tempStore();
  await loadOrg(t.store);
  const { job } = await runImport(t.store, TEMPLATE, CSV);
  const out = path.join(t.dir, 'reports');
  fs.mkdirSync(out);
  return { ...t, job, out };
}

async function close(store: Store, dir: string): Promise<void> {
  await store.close().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
}

describe('report files', () => {
  it('writes a report and leaves nothing else in its directory', async () => {
    const { store, dir, job, out } = await importedJob();
    try {
      const file = path.join(out, 'success.csv');
      fs.writeFileSync(file, 'an earlier report, longer than the new one '.repeat(100));
      expect(await writeSuccessReport(store, job, file)).toBe(1);
      expect(await writeErrorReport(store, job, path.join(out, 'errors.csv'))).toBe(1);
      expect(fs.readdirSync(out).sort()).toEqual(['errors.csv', 'success.csv']);
      expect(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, '').split('\r\n')[1]).toBe('2,1002,,90001,,12.5');
      expect(fs.readFileSync(file, 'utf8')).not.toContain('an earlier report');
    } finally {
      await close(store, dir);
    }
  });

  it('writes a report of many pieces without piling listeners on the file stream', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-report-'));
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      // 40 pieces of 64 KB, each more than the stream buffers: each waits for a drain, which
      // used to leave an error listener behind every time.
      const piece = 'x'.repeat(64 * 1024);
      const count = await writeCsv(path.join(dir, 'big.csv'), async (write) => {
        for (let i = 0; i < 40; i++) await write(piece);
        return 40;
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(count).toBe(40);
      expect(fs.statSync(path.join(dir, 'big.csv')).size).toBe(40 * 64 * 1024 + 3);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves no half report and no temporary file when the store is lost half-way, and keeps the report already there', async () => {
    const { store, dir, job, out } = await importedJob();
    try {
      const kept = path.join(out, 'success.csv');
      fs.writeFileSync(kept, 'the report of yesterday');
      await store.close();
      // The header is written before the rows are read: the write fails after it has begun.
      await expect(writeSuccessReport(store, job, kept)).rejects.toThrow(`Cannot write the report "${kept}"`);
      await expect(writeSuccessReport(store, job, path.join(out, 'new.csv'))).rejects.toThrow('Cannot write the report');
      expect(fs.readdirSync(out)).toEqual(['success.csv']);
      expect(fs.readFileSync(kept, 'utf8')).toBe('the report of yesterday');
    } finally {
      await close(store, dir);
    }
  });

  it('names the missing directory when a report cannot be written there', async () => {
    const { store, dir, job, out } = await importedJob();
    try {
      const file = path.join(out, 'no-such-dir', 'errors.csv');
      await expect(writeErrorReport(store, job, file)).rejects.toThrow(`the directory "${path.dirname(file)}" does not exist`);
      expect(fs.readdirSync(out)).toEqual([]);
    } finally {
      await close(store, dir);
    }
  });
});
