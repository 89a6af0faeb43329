import { useCallback, useEffect, useState } from 'react';
import { Api, ApiError, describeError, type Session } from '../api/client';
import { readOrg, readProfiles } from '../api/normalise';
import type { OrgDocument, Profile } from '../api/types';
import { Loading, Notice } from '../components/ui';
import { LedgerPage } from '../data/LedgerPage';
import { TrackerValuesPage } from '../data/TrackerValuesPage';
import { ImportFlow } from '../import/ImportFlow';
import { JobList } from '../jobs/JobList';
import { JobPage } from '../jobs/JobPage';
import { SignIn } from '../sign-in/SignIn';
import { TemplateEditor } from '../templates/TemplateEditor';
import { TemplateList } from '../templates/TemplateList';
import { AppContext, type AppData } from './context';
import { hrefOf, type Route, useRoute } from './route';
import { clearSession, loadSession, saveSession } from './session';

/** Loads the org and the profiles of a session; a refused key answers with words. */
export async function openSession(session: Session): Promise<{ org: OrgDocument; profiles: Profile[] }> {
  const api = new Api(session);
  try {
    const [org, profiles] = await Promise.all([api.get(api.orgPath()), api.get('/api/profiles')]);
    return { org: readOrg(org), profiles: readProfiles(profiles) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw new Error(`There is no organisation "${session.org}" for this key. Check the organisation id (it is in the message that gave you the key).`);
    if (e instanceof ApiError && e.status === 401) throw new Error('This key was not accepted. Check that you pasted the whole key; if it still fails, ask your administrator for a new one.');
    throw new Error(describeError(e));
  }
}

const NAV: Array<{ route: Route; label: string; pages: Route['page'][] }> = [
  { route: { page: 'import', templateId: null }, label: 'Import a file', pages: ['import'] },
  { route: { page: 'jobs' }, label: 'Jobs', pages: ['jobs', 'job'] },
  { route: { page: 'templates' }, label: 'Templates', pages: ['templates', 'template-new', 'template-edit'] },
  { route: { page: 'trackers' }, label: 'Tracker values', pages: ['trackers'] },
  { route: { page: 'ledger' }, label: 'Points ledger', pages: ['ledger'] },
];

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [data, setData] = useState<{ org: OrgDocument; profiles: Profile[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const route = useRoute();

  useEffect(() => {
    if (!session || data) return;
    let live = true;
    openSession(session).then(
      (d) => live && setData(d),
      (e: Error) => {
        if (!live) return;
        clearSession();
        setSession(null);
        setError(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [session, data]);

  const signOut = useCallback(() => {
    clearSession();
    setSession(null);
    setData(null);
    setError(null);
  }, []);

  // A key refused once signed in (revoked, expired) ends the session: sign in again.
  const keyRefused = useCallback(() => {
    clearSession();
    setSession(null);
    setData(null);
    setError('Your key is no longer accepted: it may have been revoked. Sign in again with a key your administrator gives you.');
  }, []);

  const reloadOrg = useCallback(async () => {
    if (!session) return;
    const api = new Api(session);
    const org = readOrg(await api.get(api.orgPath()));
    setData((d) => (d ? { ...d, org } : d));
  }, [session]);

  if (!session) {
    return (
      <SignIn
        error={error}
        onSignedIn={(s, d) => {
          saveSession(s);
          setError(null);
          setData(d);
          setSession(s);
        }}
      />
    );
  }
  if (!data) {
    return (
      <main>
        <Loading what="your organisation" />
      </main>
    );
  }
  const app: AppData = { api: new Api(session, keyRefused), org: data.org, profiles: data.profiles, reloadOrg };
  return (
    <AppContext.Provider value={app}>
      <a className="skip-link" href="#main">
        Skip to the page
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <a className="brand" href="#/import">
            <img src="/icon.svg" alt="" />
            Loyalty import
          </a>
          <nav className="nav" aria-label="Main">
            {NAV.map((n) => (
              <a key={n.label} href={hrefOf(n.route)} aria-current={n.pages.includes(route.page) ? 'page' : undefined}>
                {n.label}
              </a>
            ))}
          </nav>
          <div className="who">
            <span>
              <span className="sr-only">Organisation: </span>
              {data.org.name || data.org.id}
            </span>
            <button type="button" className="btn link" onClick={signOut}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main">
        <Page route={route} />
      </main>
    </AppContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'templates':
      return <TemplateList />;
    case 'template-new':
      return <TemplateEditor key="new" id={null} />;
    case 'template-edit':
      return <TemplateEditor key={route.id} id={route.id} />;
    case 'import':
      return <ImportFlow key={route.templateId ?? ''} templateId={route.templateId} />;
    case 'jobs':
      return <JobList />;
    case 'job':
      return <JobPage key={route.id} id={route.id} />;
    case 'trackers':
      return <TrackerValuesPage />;
    case 'ledger':
      return <LedgerPage />;
    default: {
      const never: never = route;
      return <Notice tone="danger">Unknown page {String(never)}</Notice>;
    }
  }
}
