import { useEffect, useState } from 'react';

/** The pages of the app, from the location's hash (`#/jobs/ID`), so that any server serves them. */
export type Route =
  | { page: 'templates' }
  | { page: 'template-new' }
  | { page: 'template-edit'; id: string }
  | { page: 'import'; templateId: string | null }
  | { page: 'jobs' }
  | { page: 'job'; id: string }
  | { page: 'trackers' }
  | { page: 'ledger' };

/** The route of a hash. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case 'templates':
      if (parts[1] === 'new') return { page: 'template-new' };
      if (parts[1]) return { page: 'template-edit', id: parts[1] };
      return { page: 'templates' };
    case 'import':
      return { page: 'import', templateId: params.get('template') };
    case 'jobs':
      return parts[1] ? { page: 'job', id: parts[1] } : { page: 'jobs' };
    case 'trackers':
      return { page: 'trackers' };
    case 'ledger':
      return { page: 'ledger' };
    default:
      return { page: 'import', templateId: null };
  }
}

/** The hash of a route. */
export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'templates':
      return '#/templates';
    case 'template-new':
      return '#/templates/new';
    case 'template-edit':
      return `#/templates/${encodeURIComponent(route.id)}`;
    case 'import':
      return route.templateId ? `#/import?template=${encodeURIComponent(route.templateId)}` : '#/import';
    case 'jobs':
      return '#/jobs';
    case 'job':
      return `#/jobs/${encodeURIComponent(route.id)}`;
    case 'trackers':
      return '#/trackers';
    case 'ledger':
      return '#/ledger';
    default: {
      const never: never = route;
      return never;
    }
  }
}

/** Goes to a route. */
export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

/** The current route, following the hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
