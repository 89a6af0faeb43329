import { useEffect, useRef, useState } from 'react';
import { describeError } from '../api/client';
import { followEvents } from '../api/sse';
import type { JobSummary } from '../api/types';
import { useApp } from '../app/context';
import { Notice, ProgressBar, StatusBadge } from '../components/ui';
import { getJob } from './job-api';
import { addSample, formatCount, formatRate, formatTimeLeft, type ProgressSample, percentDone, rateOf, secondsLeft } from './progress-format';
import { isFinished, statusWords } from './words';

interface Progress {
  status: string;
  rowsDone: number;
  rowsTotal: number | null;
}

/**
 * A running job's progress, live: rows done of rows known, the rate and the time left, from the
 * job's event stream (fetch streaming, to send the key); polling when the stream is unavailable.
 * Calls `onFinished` once with the job's final document.
 */
export function LiveProgress({ job, onFinished, onStatus, canCancel = true }: { job: JobSummary; onFinished(job: JobSummary): void; onStatus?(status: string): void; canCancel?: boolean }) {
  const { api } = useApp();
  const [p, setP] = useState<Progress>({ status: job.status, rowsDone: job.progress?.rowsDone ?? 0, rowsTotal: job.progress?.rowsTotal ?? null });
  const [samples, setSamples] = useState<ProgressSample[]>([]);
  const [announce, setAnnounce] = useState('');
  const [cancelling, setCancelling] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const finished = useRef(false);
  const lastAnnounced = useRef(-1);
  const done = useRef(onFinished);
  done.current = onFinished;
  const statusChanged = useRef(onStatus);
  statusChanged.current = onStatus;
  useEffect(() => {
    statusChanged.current?.(p.status);
  }, [p.status]);

  useEffect(() => {
    const abort = new AbortController();
    const id = job.jobId;
    const finish = async () => {
      if (finished.current) return;
      finished.current = true;
      abort.abort();
      try {
        done.current(await getJob(api, id));
      } catch (e) {
        setError(describeError(e));
      }
    };
    const update = (next: Partial<Progress>) => {
      setP((prev) => ({ ...prev, ...next }));
      if (next.rowsDone !== undefined) setSamples((s) => addSample(s, { at: performance.now(), rowsDone: next.rowsDone! }));
      if (next.status && isFinished(next.status)) void finish();
    };
    const poll = async () => {
      while (!abort.signal.aborted) {
        try {
          const j = await getJob(api, id);
          update({ status: j.status, rowsDone: j.progress?.rowsDone ?? j.rows.total, rowsTotal: j.progress?.rowsTotal ?? null });
          if (isFinished(j.status) || j.status === 'INTERRUPTED') return void finish();
        } catch (e) {
          if (abort.signal.aborted) return;
          setError(describeError(e));
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    followEvents(
      api,
      api.orgPath(`/jobs/${encodeURIComponent(id)}/events`),
      (e) => {
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(e.data) as Record<string, unknown>;
        } catch {
          return;
        }
        if (e.event === 'status') {
          const status = String(data.status ?? '');
          // the final event: whatever the status, the job document says the rest
          update({ status });
          void finish();
          return;
        }
        const prog = (data.progress as Record<string, unknown> | undefined) ?? data;
        update({
          ...(typeof data.status === 'string' ? { status: data.status } : {}),
          ...(typeof prog.rowsDone === 'number' ? { rowsDone: prog.rowsDone } : {}),
          ...(typeof prog.rowsTotal === 'number' ? { rowsTotal: prog.rowsTotal } : {}),
        });
      },
      abort.signal,
    ).then(
      // the stream ended: the job is over, or the server closed it; ask for the job
      () => !finished.current && poll(),
      () => !abort.signal.aborted && poll(),
    );
    return () => abort.abort();
  }, [api, job.jobId]);

  const rate = rateOf(samples);
  const pct = percentDone(p.rowsDone, p.rowsTotal);
  const left = secondsLeft(p.rowsDone, p.rowsTotal, rate);

  // announce every 25 percent, not every event
  useEffect(() => {
    const step = pct == null ? -1 : Math.floor(pct / 25);
    if (step > lastAnnounced.current) {
      lastAnnounced.current = step;
      setAnnounce(`${statusWords(p.status).label}: ${pct} percent, ${formatCount(p.rowsDone)} rows of ${formatCount(p.rowsTotal ?? 0)}.`);
    }
  }, [pct, p.status, p.rowsDone, p.rowsTotal]);

  const cancel = async () => {
    setConfirming(false);
    setCancelling(true);
    try {
      await api.post(api.orgPath(`/jobs/${encodeURIComponent(job.jobId)}/cancel`));
    } catch (e) {
      setError(describeError(e));
      setCancelling(false);
    }
  };

  return (
    <section className="card" aria-labelledby="progress-h" data-testid="live-progress">
      <div className="spread">
        <h2 id="progress-h">{p.status === 'QUEUED' ? 'Waiting for its turn to start' : job.dryRun || p.status === 'VALIDATING' ? 'Checking every row' : 'Importing'}</h2>
        {onStatus ? null : <StatusBadge status={p.status} />}
      </div>
      <ProgressBar value={pct} label={job.dryRun ? 'Dry run progress' : 'Import progress'} />
      <dl className="stats">
        <div className="stat">
          <dt>Rows done</dt>
          <dd data-testid="rows-done">
            {formatCount(p.rowsDone)}
            {p.rowsTotal != null ? <span className="muted small"> of {formatCount(p.rowsTotal)}</span> : null}
          </dd>
        </div>
        <div className="stat">
          <dt>Rate</dt>
          <dd>{formatRate(rate)}</dd>
        </div>
        <div className="stat">
          <dt>Time left</dt>
          <dd>{p.rowsTotal == null ? 'counting rows…' : formatTimeLeft(left)}</dd>
        </div>
      </dl>
      <p className="sr-only" aria-live="polite" role="status">
        {announce}
      </p>
      {error ? <Notice tone="danger">{<p>{error}</p>}</Notice> : null}
      {canCancel && !confirming ? (
        <div className="actions">
          <button type="button" className="btn danger" onClick={() => setConfirming(true)} disabled={cancelling}>
            {cancelling ? 'Stopping…' : job.dryRun ? 'Cancel the check' : 'Cancel the import'}
          </button>
        </div>
      ) : null}
      {canCancel && confirming ? (
        <div className="notice warning" role="group" aria-labelledby="confirm-cancel">
          <p id="confirm-cancel">
            {job.dryRun
              ? 'Stop checking this file? Nothing has been written; you can check it again later.'
              : 'Stop this import for good? The rows imported so far stay imported; the rest of the file is not imported, and a cancelled import cannot be resumed.'}
          </p>
          <div className="actions">
            <button type="button" className="btn danger" onClick={cancel} autoFocus>
              {job.dryRun ? 'Yes, stop checking' : 'Yes, cancel the import'}
            </button>
            <button type="button" className="btn secondary" onClick={() => setConfirming(false)}>
              {job.dryRun ? 'Keep checking' : 'Keep importing'}
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
