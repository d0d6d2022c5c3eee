/** IPv4 CIDR arithmetic for config validation: alignment, containment and overlap. */

export interface Ipv4Range {
    /** First address as an unsigned 32-bit integer. */
    readonly start: number;
    /** Last address, inclusive. */
    readonly end: number;
    readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "a.b.c.d/n"; undefined when malformed or when host bits are set ("10.0.0.1/16"). */
export function parseCidr(cidr: string): Ipv4Range | undefined {
    const match = CIDR.exec(cidr);
    if (!match) {
        return undefined;
    }
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    if (address % size !== 0) {
        return undefined;
    }
    return { start: address, end: address + size - 1, prefix };
}

/** "a.b.c.d/n" of an address (unsigned 32-bit) and a prefix. */
export function formatCidr(address: number, prefix: number): string {
    return `${[24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".")}/${prefix}`;
}

export function cidrsOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
    return a.start <= b.end && b.start <= a.end;
}

export function cidrContains(outer: Ipv4Range, inner: Ipv4Range): boolean {
    return outer.start <= inner.start && inner.end <= outer.end;
}

/** RFC 1918 ranges: EKS accepts a service CIDR only inside one of these. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c)!);

export function isPrivateRange(range: Ipv4Range): boolean {
    return PRIVATE_RANGES.some((p) => cidrContains(p, range));
}

/** A CIDR as part of a resource name: `203.0.113.0/24` -> `203-0-113-0-24`. Resources made from a list of CIDRs are named by it, never by position. */
export function cidrKey(cidr: string): string {
    return cidr.replace(/[./:]/g, "-");
}
