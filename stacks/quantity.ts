/**
 * Kubernetes resource quantities ("250m", "512Mi", "1.5", "1e3"), parsed the way the API server
 * does, so a typo is caught here instead of by a failed rollout.
 * Grammar: https://github.com/kubernetes/apimachinery/blob/master/pkg/api/resource/quantity.go
 */

const BINARY_SUFFIXES: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};
const DECIMAL_SUFFIXES: Record<string, number> = {
    "n": 1e-9,
    "u": 1e-6,
    "m": 1e-3,
    "": 1,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
};

// Unsigned on purpose: a negative request or limit is never meaningful.
const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;

export type QuantityKind = "cpu" | "memory";

export const QUANTITY_EXPECTATION: Record<QuantityKind, string> = {
    cpu: 'a CPU quantity such as "250m", "0.5" or "2"',
    memory: 'a memory quantity such as "512Mi", "1Gi", "1G" or "500" (bytes)',
};

/** Returns the quantity in base units (cores or bytes), or undefined when it is not valid for that kind. */
export function parseQuantity(value: string, kind: QuantityKind): number | undefined {
    const match = QUANTITY.exec(value);
    if (!match) {
        return undefined;
    }
    const [, digits, suffix = ""] = match;
    // Millibytes ("100m" of memory) parse in Kubernetes but are always a typo for "Mi".
    if (kind === "memory" && /^[num]$/.test(suffix)) {
        return undefined;
    }
    // Binary suffixes on CPU ("1Ki" cores) parse but mean nothing.
    if (kind === "cpu" && suffix in BINARY_SUFFIXES) {
        return undefined;
    }
    const number = Number(digits);
    if (/^[eE]/.test(suffix)) {
        return number * 10 ** Number(suffix.slice(1));
    }
    return number * (BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix]);
}

export function isQuantity(value: string, kind: QuantityKind): boolean {
    return parseQuantity(value, kind) !== undefined;
}
