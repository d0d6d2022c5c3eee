/** Resource inputs and config as flat paths to JSON leaves, and the paths two of them differ at. */

export type Flat = Record<string, string>;

/** Paths to JSON leaves; arrays of plain values stay one leaf, so a list reads as a list. */
export function flatten(value: unknown, prefix = "", out: Flat = {}): Flat {
    const plainArray = Array.isArray(value) && value.every((v) => v === null || typeof v !== "object");
    if (value !== null && typeof value === "object" && !plainArray && Object.keys(value).length > 0) {
        for (const [key, child] of Object.entries(value)) {
            flatten(child, prefix ? `${prefix}.${key}` : key, out);
        }
    } else {
        out[prefix] = JSON.stringify(value);
    }
    return out;
}

/** A flat config's value at a key, parsed; undefined when unset. */
export function flatValue(flat: Flat, key: string): unknown {
    return flat[key] === undefined ? undefined : JSON.parse(flat[key]);
}

export interface Change {
    readonly path: string;
    readonly a?: string;
    readonly b?: string;
}

export function diffFlat(a: Flat, b: Flat): Change[] {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .sort()
        .filter((path) => a[path] !== b[path])
        .map((path) => ({ path, a: a[path], b: b[path] }));
}
