/** A route with `{name}` placeholders, e.g. `PUT /v1.0/todo/users/{unionId}/tasks/{taskId}`. */
export interface PatternRoute<H> {
  /** `'METHOD /path/{param}'`; also the key requests are counted and rate-limited under. */
  key: string;
  handler: H;
}

/** The route for a request and its decoded path parameters. */
export interface RouteMatch<H> {
  key: string;
  handler: H;
  params: Record<string, string>;
}

/** Matches `METHOD path` against pattern routes; the first match wins (list fixed paths first). */
export function createPatternRouter<H>(routes: PatternRoute<H>[]) {
  const compiled = routes.map((route) => {
    const space = route.key.indexOf(' ');
    const method = route.key.slice(0, space);
    const names: string[] = [];
    const source = route.key
      .slice(space + 1)
      .split(/(\{[A-Za-z]+\})/)
      .map((part) => {
        const name = /^\{([A-Za-z]+)\}$/.exec(part)?.[1];
        if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(name);
        return '([^/]+)';
      })
      .join('');
    return { route, method, names, regex: new RegExp(`^${source}$`) };
  });
  return {
    /** The template paths (the part after the method), for request stats. */
    paths(): string[] {
      return routes.map((route) => route.key.slice(route.key.indexOf(' ') + 1));
    },
    /** True when some route has this path, whatever the method. */
    hasPath(path: string): boolean {
      return compiled.some((c) => c.regex.test(path));
    },
    match(method: string, path: string): RouteMatch<H> | undefined {
      for (const c of compiled) {
        if (c.method !== method) continue;
        const found = c.regex.exec(path);
        if (!found) continue;
        const params: Record<string, string> = {};
        let bad = false;
        c.names.forEach((name, i) => {
          try {
            params[name] = decodeURIComponent(found[i + 1] ?? '');
          } catch {
            bad = true;
          }
        });
        if (!bad) return { key: c.route.key, handler: c.route.handler, params };
      }
      return undefined;
    },
  };
}
