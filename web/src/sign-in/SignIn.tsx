import { type FormEvent, useState } from 'react';
import type { Session } from '../api/client';
import type { OrgDocument, Profile } from '../api/types';
import { openSession } from '../app/App';
import { Notice, PageHeading } from '../components/ui';

/** Sign in with an org id and a key; the key stays in this tab's session only. */
export function SignIn({ error, onSignedIn }: { error: string | null; onSignedIn(s: Session, d: { org: OrgDocument; profiles: Profile[] }): void }) {
  const [org, setOrg] = useState(() => new URLSearchParams(window.location.search).get('org') ?? '');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!org.trim() || !key.trim()) {
      setProblem(!org.trim() ? 'Enter your organisation id.' : 'Paste your key.');
      return;
    }
    setBusy(true);
    setProblem(null);
    const session = { org: org.trim(), key: key.trim() };
    try {
      onSignedIn(session, await openSession(session));
    } catch (err) {
      setProblem((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <main id="main" style={{ maxWidth: 480 }}>
      <div className="row" style={{ marginBottom: '1.5rem' }}>
        <img src="/icon.svg" alt="" width={36} height={36} />
        <span style={{ fontWeight: 650, fontSize: '1.1rem' }}>Loyalty import</span>
      </div>
      <PageHeading title="Sign in" intro="Use the organisation id and the key your administrator gave you." />
      <form className="card" onSubmit={submit} noValidate>
        {problem ? (
          <Notice tone="danger" title="You are not signed in">
            <p>{problem}</p>
          </Notice>
        ) : null}
        <div className="field">
          <label htmlFor="org">Organisation id</label>
          <input id="org" type="text" autoComplete="organization" value={org} onChange={(e) => setOrg(e.target.value)} placeholder="for example acme" />
        </div>
        <div className="field">
          <label htmlFor="key">Key</label>
          <input id="key" type="password" autoComplete="current-password" value={key} onChange={(e) => setKey(e.target.value)} aria-describedby="key-help" />
          <span id="key-help" className="help">
            Kept in this browser tab only, until you close it or sign out.
          </span>
        </div>
        <button className="btn" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
