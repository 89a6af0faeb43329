import { type FormEvent, useEffect, useState } from 'react';
import { describeError } from '../api/client';
import type { Balance, LedgerEntry } from '../api/types';
import { useApp } from '../app/context';
import { hrefOf } from '../app/route';
import { Empty, formatDateTime, Loading, Notice, PageHeading } from '../components/ui';
import { formatDecimal } from '../jobs/progress-format';

interface Search {
  customer: string;
  group: string;
  promotion: string;
}

/** The points ledger and balances, searchable by customer (user id), group and promotion. */
export function LedgerPage() {
  const { api, org } = useApp();
  const [form, setForm] = useState<Search>({ customer: '', group: '', promotion: '' });
  const [search, setSearch] = useState<Search>(form);
  const [data, setData] = useState<{ entries: LedgerEntry[]; balances: Balance[] } | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (s: Search, after: string | null) => {
    setError(null);
    const q = new URLSearchParams({ limit: '50' });
    if (s.customer.trim()) q.set('customer', s.customer.trim());
    if (s.group.trim()) q.set('group', s.group.trim());
    if (s.promotion) q.set('promotion', s.promotion);
    if (after) q.set('cursor', after);
    try {
      const d = await api.get<{ entries?: LedgerEntry[]; balances?: Balance[]; nextCursor?: string | null }>(api.orgPath(`/ledger?${q}`));
      setData((prev) => ({ entries: after && prev ? [...prev.entries, ...(d.entries ?? [])] : (d.entries ?? []), balances: d.balances ?? prev?.balances ?? [] }));
      setCursor(d.nextCursor ?? null);
    } catch (e) {
      setError(describeError(e));
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: load on each new search
  useEffect(() => {
    setData(null);
    void load(search, null);
  }, [search]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch({ ...form });
  };
  const searched = search.customer || search.group || search.promotion;
  return (
    <>
      <PageHeading title="Points ledger" intro="Points awarded by imports, and each customer's or group's balance of points not yet expired." />
      <form className="card" onSubmit={submit} role="search" aria-label="Search the ledger">
        <div className="grid-2">
          <div className="field">
            <label htmlFor="l-customer">Customer (user id)</label>
            <input id="l-customer" type="search" inputMode="numeric" value={form.customer} onChange={(e) => setForm({ ...form, customer: e.target.value })} placeholder="for example 1001" />
          </div>
          <div className="field">
            <label htmlFor="l-group">User group (group id)</label>
            <input id="l-group" type="search" inputMode="numeric" value={form.group} onChange={(e) => setForm({ ...form, group: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="l-promo">Promotion</label>
            <select id="l-promo" value={form.promotion} onChange={(e) => setForm({ ...form, promotion: e.target.value })}>
              <option value="">All promotions</option>
              {org.promotions.map((p) => (
                <option key={p.identifier} value={p.identifier}>
                  {p.name} ({p.identifier})
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="actions" style={{ marginTop: 0 }}>
          <button className="btn" type="submit">
            Search
          </button>
          {searched ? (
            <button
              className="btn link"
              type="button"
              onClick={() => {
                const empty = { customer: '', group: '', promotion: '' };
                setForm(empty);
                setSearch(empty);
              }}
            >
              Clear the search
            </button>
          ) : null}
        </div>
      </form>
      {error ? <Notice tone="danger">{<p>{error}</p>}</Notice> : null}
      {!data && !error ? <Loading what="the ledger" /> : null}
      {data && data.entries.length === 0 ? (
        <div className="card">
          <Empty title={searched ? 'No points match this search' : 'No points awarded yet'}>
            <p>{searched ? 'Check the user id or group id, or clear the search.' : 'Points appear here when a Customer Promotion file is imported.'}</p>
            {searched ? null : (
              <a className="btn" href={hrefOf({ page: 'import', templateId: null })}>
                Import a file
              </a>
            )}
          </Empty>
        </div>
      ) : null}
      {data && data.balances.length > 0 ? (
        <section className="card" aria-labelledby="bal-h">
          <h2 id="bal-h">Balances</h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Balances">
            <table data-testid="balances">
              <thead>
                <tr>
                  <th scope="col">Customer (user id)</th>
                  <th scope="col">Group</th>
                  <th scope="col" className="num">
                    Points not expired
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.balances.slice(0, 100).map((b) => (
                  <tr key={`${b.userId ?? ''}-${b.groupId ?? ''}`}>
                    <td>{b.userId ?? '—'}</td>
                    <td>{b.groupId ?? '—'}</td>
                    <td className="num mono">{formatDecimal(b.points)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.balances.length > 100 ? <p className="muted small">The first 100 of {data.balances.length}; search for a customer to see theirs.</p> : null}
        </section>
      ) : null}
      {data && data.entries.length > 0 ? (
        <section className="card" aria-labelledby="ent-h">
          <h2 id="ent-h">Entries</h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Points entries">
            <table data-testid="ledger-entries">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Group</th>
                  <th scope="col" className="num">
                    Points
                  </th>
                  <th scope="col">Promotion</th>
                  <th scope="col">Store / till</th>
                  <th scope="col">Issued</th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {data.entries.map((e) => (
                  <tr key={`${e.jobId}-${e.rowNumber}`}>
                    <td>{e.userId ?? '—'}</td>
                    <td>{e.groupId ?? '—'}</td>
                    <td className="num mono">{formatDecimal(e.points)}</td>
                    <td>
                      {e.promotionName}
                      <div className="muted small mono">{e.promotionIdentifier}</div>
                    </td>
                    <td className="nowrap">{[e.storeCode, e.tillCode].filter(Boolean).join(' / ') || '—'}</td>
                    <td className="nowrap">{formatDateTime(e.issuedAt)}</td>
                    <td className="nowrap">{e.expiresAt ? formatDateTime(e.expiresAt) : 'Never'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {cursor ? (
        <div className="actions">
          <button type="button" className="btn secondary" onClick={() => void load(search, cursor)}>
            Show more entries
          </button>
        </div>
      ) : null}
    </>
  );
}
