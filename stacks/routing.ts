/**
 * How the ALB's listener rules route requests to apps, as pure functions: the component builds
 * its rules from them and the config checks prove no app is shadowed by another.
 */

/** What a listener rule matches on: host header values (none: any host) and a path prefix. */
export interface Route {
    readonly name: string;
    readonly hosts: readonly string[];
    readonly pathPrefix: string;
}

/** A path prefix as the ALB matches it: without its trailing slashes ("/orders/" is "/orders"). */
export function normalizedPathPrefix(prefix: string): string {
    return prefix.replace(/\/+$/, "") || "/";
}

/** Path patterns of a prefix: "/" is everything; "/api" is "/api" and what lies under it, not "/apix". */
export function pathPatterns(prefix: string): string[] {
    const trimmed = normalizedPathPrefix(prefix);
    return trimmed === "/" ? ["/*"] : [trimmed, `${trimmed}/*`];
}

/** Whether an ALB host header pattern (`*` any characters, `?` one; case-insensitive) matches a host. */
export function hostPatternMatches(pattern: string, host: string): boolean {
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${regex}$`, "i").test(host);
}

const isWildcard = (host: string) => /[*?]/.test(host);

/**
 * Whether every host `inner` (itself possibly a pattern) matches is matched by `outer`. For a
 * pattern inside a pattern only the common case is decided, `*.example.com` covering
 * `*.api.example.com` or `?.example.com`; anything subtler is not claimed to be covered.
 */
export function hostPatternCovers(outer: string, inner: string): boolean {
    if (!isWildcard(inner)) {
        return hostPatternMatches(outer, inner);
    }
    if (outer === inner) {
        return true;
    }
    const suffix = outer.slice(1);
    return outer.startsWith("*") && !isWildcard(suffix) && inner.toLowerCase().endsWith(suffix.toLowerCase());
}

/** The literal characters of a route's most specific host: `*.api.example.com` before `*.example.com`. */
function literalLength(route: Route): number {
    return Math.max(0, ...route.hosts.map((host) => host.replace(/[*?]/g, "").length));
}

/** 2: exact hosts only; 1: some wildcard host; 0: any host. More specific routes go first. */
function hostSpecificity(route: Route): number {
    return route.hosts.length === 0 ? 0 : route.hosts.some(isWildcard) ? 1 : 2;
}

/**
 * Rule priorities: more specific routes first (exact hosts, then wildcard hosts, the longest
 * first, then any host; then longer path prefixes), so neither a catch-all "/" nor a
 * `*.example.com` rule shadows another app. Ties keep config order.
 */
export function rulePriorities(routes: readonly Route[]): Record<string, number> {
    const ordered = routes
        .map((route, index) => ({ route, index }))
        .sort(
            (a, b) =>
                hostSpecificity(b.route) - hostSpecificity(a.route) ||
                (hostSpecificity(a.route) === 1 ? literalLength(b.route) - literalLength(a.route) : 0) ||
                normalizedPathPrefix(b.route.pathPrefix).length - normalizedPathPrefix(a.route.pathPrefix).length ||
                a.index - b.index,
        );
    return Object.fromEntries(ordered.map(({ route }, i) => [route.name, (i + 1) * 10]));
}

/** Whether every request `inner`'s rule matches would match `outer`'s (outer covers inner). */
function covers(outer: Route, inner: Route): boolean {
    const outerPath = normalizedPathPrefix(outer.pathPrefix);
    const innerPath = normalizedPathPrefix(inner.pathPrefix);
    const pathCovered = outerPath === "/" || innerPath === outerPath || innerPath.startsWith(`${outerPath}/`);
    const hostsCovered =
        outer.hosts.length === 0 ||
        (inner.hosts.length > 0 && inner.hosts.every((host) => outer.hosts.some((pattern) => hostPatternCovers(pattern, host))));
    return pathCovered && hostsCovered;
}

/**
 * Each route whose every request an earlier rule already takes, with the app whose rule does:
 * it would never receive a request.
 */
export function shadowedRoutes(routes: readonly Route[]): { route: Route; by: Route }[] {
    const priorities = rulePriorities(routes);
    const ordered = [...routes].sort((a, b) => priorities[a.name] - priorities[b.name]);
    return ordered.flatMap((route, i) => {
        const by = ordered.slice(0, i).find((earlier) => covers(earlier, route));
        return by ? [{ route, by }] : [];
    });
}
