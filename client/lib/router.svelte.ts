/** A route: a path pattern like `/projects/:id`; its `:name` segments become params. */
export interface RouteMatch {
  name: string;
  params: Record<string, string>;
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(have[i]);
    else if (part !== have[i]) return null;
  }
  return params;
}

/**
 * A tiny history router: routes are name → pattern, tried in order. The server answers index.html for any
 * non-API path, so every route is also a real, reloadable URL.
 */
export class Router {
  path = $state(location.pathname);
  route = $derived(this.#resolve(this.path));

  constructor(private readonly routes: Record<string, string>) {
    window.addEventListener('popstate', () => (this.path = location.pathname));
  }

  /** Navigates without a reload. */
  go(path: string): void {
    if (path === this.path) return;
    history.pushState(null, '', path);
    this.path = path;
  }

  #resolve(path: string): RouteMatch | null {
    for (const [name, pattern] of Object.entries(this.routes)) {
      const params = match(pattern, path);
      if (params) return { name, params };
    }
    return null;
  }
}

/** Makes same-origin links navigate through the router (plain clicks only; modified clicks open tabs as usual). */
export function linkHandler(router: Router): (event: MouseEvent) => void {
  return (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest('a');
    if (!anchor || anchor.origin !== location.origin || anchor.target || anchor.hasAttribute('download')) return;
    event.preventDefault();
    router.go(anchor.pathname + anchor.search);
  };
}
