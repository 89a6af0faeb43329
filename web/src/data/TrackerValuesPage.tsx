import { useEffect, useState } from 'react';
import { describeError } from '../api/client';
import type { TrackerValue } from '../api/types';
import { useApp } from '../app/context';
import { hrefOf } from '../app/route';
import { Empty, Loading, Notice, PageHeading } from '../components/ui';

/** The values recorded for a tracker, a page at a time. */
export function TrackerValuesPage() {
  const { api, org } = useApp();
  const [tracker, setTracker] = useState(org.trackers[0] ? String(org.trackers[0].id) : '');
  const [values, setValues] = useState<TrackerValue[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (after: string | null) => {
    if (!tracker) return;
    setError(null);
    const q = new URLSearchParams({ limit: '50' });
    if (after) q.set('cursor', after);
    try {
      const d = await api.get<{ values?: TrackerValue[]; nextCursor?: string | null } | TrackerValue[]>(api.orgPath(`/trackers/${encodeURIComponent(tracker)}/values?${q}`));
      const page = Array.isArray(d) ? d : (d.values ?? []);
      setValues((prev) => (after && prev ? [...prev, ...page] : page));
      setCursor(Array.isArray(d) ? null : (d.nextCursor ?? null));
    } catch (e) {
      setError(describeError(e));
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the tracker changes
  useEffect(() => {
    setValues(null);
    void load(null);
  }, [tracker]);

  const t = org.trackers.find((x) => String(x.id) === tracker);
  return (
    <>
      <PageHeading title="Tracker values" intro="The values imported into a tracker, with the job and the file row each came from." />
      {org.trackers.length === 0 ? (
        <div className="card">
          <Empty title="Your organisation has no trackers" />
        </div>
      ) : (
        <div className="field" style={{ maxWidth: 420 }}>
          <label htmlFor="tracker">Tracker</label>
          <select id="tracker" value={tracker} onChange={(e) => setTracker(e.target.value)}>
            {org.trackers.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name} ({x.type.toLowerCase()})
              </option>
            ))}
          </select>
        </div>
      )}
      {error ? <Notice tone="danger">{<p>{error}</p>}</Notice> : null}
      {tracker && !values && !error ? <Loading what="values" /> : null}
      {values && values.length === 0 ? (
        <div className="card">
          <Empty title={`No values in “${t?.name ?? tracker}” yet`}>
            <p>Values appear here when a Trackers file is imported into it.</p>
            <a className="btn" href={hrefOf({ page: 'import', templateId: null })}>
              Import a file
            </a>
          </Empty>
        </div>
      ) : null}
      {values && values.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Tracker values">
          <table data-testid="tracker-values">
            <caption className="sr-only">Values of {t?.name}</caption>
            <thead>
              <tr>
                <th scope="col">Customer (user id)</th>
                <th scope="col">Group</th>
                <th scope="col" className="num">
                  Loyalty log id
                </th>
                <th scope="col" className="num">
                  Item id
                </th>
                <th scope="col" className="num">
                  Value
                </th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {values.map((v) => (
                <tr key={`${v.loyaltyLogId}-${v.itemId ?? ''}`}>
                  <td>{v.userId ?? '—'}</td>
                  <td>{v.groupId ?? '—'}</td>
                  <td className="num">{v.loyaltyLogId}</td>
                  <td className="num">{v.itemId ?? '—'}</td>
                  <td className="num mono">{v.value}</td>
                  <td>
                    <a href={hrefOf({ page: 'job', id: v.jobId })}>row {v.rowNumber} of job {v.jobId.slice(0, 8)}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursor ? (
        <div className="actions">
          <button type="button" className="btn secondary" onClick={() => void load(cursor)}>
            Show more
          </button>
        </div>
      ) : null}
    </>
  );
}
