import { createContext, useContext } from 'react';
import type { Api } from '../api/client';
import type { OrgDocument, Profile } from '../api/types';

/** What every page of a signed-in session reads: the API client, the org and the profiles. */
export interface AppData {
  api: Api;
  org: OrgDocument;
  profiles: Profile[];
  reloadOrg(): Promise<void>;
}

export const AppContext = createContext<AppData | null>(null);

/** The signed-in session's data. */
export function useApp(): AppData {
  const data = useContext(AppContext);
  if (!data) throw new Error('useApp outside a signed-in session');
  return data;
}
