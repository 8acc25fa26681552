import { useEffect, useState } from 'preact/hooks';

export const PAGES = ['overview', 'requests', 'jobs', 'keys', 'prompts', 'providers', 'benchmarks'] as const;
export type Page = (typeof PAGES)[number];

export interface Route {
  page: Page;
  /** What follows the page in the hash (a request id, a prompt name), decoded; '' when nothing. */
  param: string;
}

/** `#/requests/abc` → { page: 'requests', param: 'abc' }; anything unknown is the overview. Never holds the key. */
export function parseHash(hash: string): Route {
  const [page = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  const known = (PAGES as readonly string[]).includes(page) ? (page as Page) : 'overview';
  let param = '';
  try {
    param = decodeURIComponent(rest.join('/'));
  } catch {
    param = '';
  }
  return { page: known, param };
}

export const hrefOf = (page: Page, param = '') => `#/${page}${param === '' ? '' : `/${encodeURIComponent(param)}`}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}
