import { type ReactNode, useEffect, useRef } from 'react';
import { statusWords, type Tone } from '../jobs/words';

/** The page's one h1, focused when the page appears so that a screen reader announces it. */
export function PageHeading({ title, intro, children }: { title: string; intro?: ReactNode; children?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [title]);
  useEffect(() => {
    document.title = `${title} · Loyalty import`;
  }, [title]);
  return (
    <div className="page-head">
      <div>
        <h1 ref={ref} tabIndex={-1}>
          {title}
        </h1>
        {intro ? <p>{intro}</p> : null}
      </div>
      {children ? <div className="row">{children}</div> : null}
    </div>
  );
}

/** A job status: a coloured badge that also says it in words. */
export function StatusBadge({ status }: { status: string }) {
  const w = statusWords(status);
  return (
    <span className={`badge ${w.tone}`} title={w.explain}>
      {w.label}
    </span>
  );
}

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

/** A message box; errors are announced (role alert), the rest are status. */
export function Notice({ tone, title, children, focus }: { tone: 'info' | 'success' | 'warning' | 'danger'; title?: string; children?: ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <div ref={ref} tabIndex={focus ? -1 : undefined} className={`notice ${tone}`} role={tone === 'danger' ? 'alert' : 'status'}>
      {title ? <h2>{title}</h2> : null}
      {children}
    </div>
  );
}

/** A progress bar with its label; indeterminate while the value is unknown. */
export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  return (
    <div
      className={`progress${value == null ? ' indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value == null ? undefined : Math.round(value)}
      aria-valuetext={value == null ? 'In progress' : `${Math.round(value)} percent`}
    >
      <div style={value == null ? undefined : { width: `${value}%` }} />
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/** A loading line for a screen reader and the eye. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

/** "2 Mar 2025, 10:15" in the reader's locale; an em dash for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** The head of a table of a file's rows: the row number, what the page says of the row, then the file's columns. */
export function RowsHead({ about, columns }: { about: string; columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        <th scope="col" className="num">
          Row
        </th>
        <th scope="col">{about}</th>
        {columns.map((h, i) => (
          <th scope="col" key={i}>
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}
