import type { Session } from '../api/client';

/** The key and org, kept for this browser tab's session only (sessionStorage), never on disk. */

const KEY = 'loyalty-import.session';

export function loadSession(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && typeof s.key === 'string' && typeof s.org === 'string' ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

const LINKS = 'loyalty-import.fix-links';

/** The job a "fixed rows" job was made from, when the server does not record it. */
export function linkedSource(jobId: string): string | null {
  try {
    return (JSON.parse(sessionStorage.getItem(LINKS) ?? '{}') as Record<string, string>)[jobId] ?? null;
  } catch {
    return null;
  }
}

export function rememberSource(jobId: string, sourceJobId: string): void {
  const links = (() => {
    try {
      return JSON.parse(sessionStorage.getItem(LINKS) ?? '{}') as Record<string, string>;
    } catch {
      return {};
    }
  })();
  links[jobId] = sourceJobId;
  sessionStorage.setItem(LINKS, JSON.stringify(links));
}

/** The jobs of fixed rows made from a job, newest last. */
export function fixedRowJobs(sourceJobId: string): string[] {
  try {
    return Object.entries(JSON.parse(sessionStorage.getItem(LINKS) ?? '{}') as Record<string, string>)
      .filter(([, source]) => source === sourceJobId)
      .map(([job]) => job);
  } catch {
    return [];
  }
}
