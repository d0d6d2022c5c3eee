/**
 * What a change does to one stack, from two offline renders of it (before and after): the
 * resources it creates, deletes, replaces and updates, matched by URN and by the aliases the
 * new code declares. A replacement is named with its reason (an input the provider replaces on,
 * a Kubernetes object's new name, a URN change without an alias); replacing or deleting a
 * protected resource is dangerous. Secrets are masked in both renders; a changed secret shows
 * as changed, never with its value.
 */
import { slotWeights } from "../stacks/checks/slots";
import { PROJECT, RawStackConfig, Slot, SLOTS } from "../stacks/config";
import { Change, diffFlat, Flat, flatten, flatValue } from "./flat";
import { SECRET_MASK, RenderedResource } from "./program-run";
import { secretDigest } from "./stack-files";
import { pathWithin, regional, replacedPart, replacingPaths, replacingWhenRemoved } from "./replacements";

export interface ReviewedOptions {
    readonly protect: boolean;
    readonly aliasUrns: string[];
}

/** One side of a change: a stack's render and the config it was rendered from. */
export interface RenderSide {
    readonly resources: readonly RenderedResource[];
    readonly options: Readonly<Record<string, ReviewedOptions>>;
    readonly config: Flat;
}

export type ChangeKind = "create" | "delete" | "replace" | "update";

export interface ResourceChange {
    readonly kind: ChangeKind;
    /** `Kind namespace/name` for a Kubernetes object, else `type name`. */
    readonly label: string;
    readonly urn: string;
    /** The URN before, when it changed (an alias, or a rename that replaces). */
    readonly previousUrn?: string;
    readonly protected: boolean;
    /** Changed input paths, old -> new (secrets masked). */
    readonly changes: Change[];
    /** Why a replacement replaces (or why a deletion is dangerous). */
    readonly reasons: string[];
    /** A blue/green slot's cluster deleted in the change that took its traffic away. */
    readonly servingTraffic?: boolean;
}

export interface StackChange {
    readonly stack: string;
    readonly config: Change[];
    readonly resources: ResourceChange[];
    /** A protected resource is replaced or deleted. */
    readonly dangerous: boolean;
}

/** The config a render saw, flat; a secret is its digest only (of its ciphertext), so a change shows. */
export function flatStackConfig(raw: RawStackConfig): Flat {
    const flat: Flat = {};
    for (const [key, text] of Object.entries(raw.values)) {
        if (text === undefined) {
            continue;
        }
        if (raw.secretKeys.has(key)) {
            flat[key] = JSON.stringify(`${SECRET_MASK}#${secretDigest(text)}`);
            continue;
        }
        let value: unknown = text;
        try {
            value = JSON.parse(text);
        } catch {
            // a plain string value
        }
        Object.assign(flat, flatten(value, key));
    }
    return flat;
}

export function resourceLabel(r: RenderedResource): string {
    const metadata = r.inputs.metadata as { name?: string; namespace?: string } | undefined;
    if (r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string" && metadata?.name) {
        return `${r.inputs.kind} ${metadata.namespace ? `${metadata.namespace}/` : ""}${metadata.name}`;
    }
    return `${r.type} ${r.name}`;
}

/** Why changing these paths of this resource replaces it, if it does. */
function replacementReasons(r: RenderedResource, changes: Change[], regionChanged: boolean): string[] {
    const under = (path: string, patterns: readonly string[]) => patterns.some((pattern) => pathWithin(path, pattern));
    const by = r.type.startsWith("kubernetes:") ? "Kubernetes" : "the provider";
    const part = replacedPart(r.type);
    const paths = changes
        .filter(({ path, b }) => under(path, replacingPaths(r.type)) || (b === undefined && under(path, replacingWhenRemoved(r.type))))
        .map(({ path }) => path);
    const reasons =
        paths.length === 0
            ? []
            : [`${paths.join(", ")} changed; ${by} replaces ${part} on ${paths.length > 1 ? "these inputs" : "this input"}`];
    return regionChanged && regional(r.type) ? [`aws:region changes, and every regional resource is replaced`, ...reasons] : reasons;
}

export function stackChange(stack: string, before: RenderSide, after: RenderSide): StackChange {
    const old = new Map(before.resources.map((r) => [r.urn, r]));
    const matched = new Set<string>();
    const resources: ResourceChange[] = [];
    const isProtected = (urn: string, side: RenderSide) => side.options[urn]?.protect ?? false;

    const regionChanged = before.resources.length > 0 && before.config["aws:region"] !== after.config["aws:region"];
    const created: RenderedResource[] = [];
    for (const r of after.resources) {
        const previousUrn = old.has(r.urn) ? r.urn : (after.options[r.urn]?.aliasUrns ?? []).find((urn) => old.has(urn));
        if (!previousUrn) {
            created.push(r);
            continue;
        }
        matched.add(previousUrn);
        const changes = diffFlat(flatten(old.get(previousUrn)!.inputs), flatten(r.inputs));
        const moved = previousUrn !== r.urn;
        if (changes.length === 0 && !moved && !(regionChanged && regional(r.type))) {
            continue;
        }
        const reasons = replacementReasons(r, changes, regionChanged);
        resources.push({
            kind: reasons.length > 0 ? "replace" : "update",
            label: resourceLabel(r),
            urn: r.urn,
            ...(moved ? { previousUrn } : {}),
            protected: isProtected(r.urn, after) || isProtected(previousUrn, before),
            changes,
            reasons,
        });
    }

    const deleted = before.resources.filter((r) => !matched.has(r.urn));
    for (const r of created) {
        // A resource renamed without an alias: Pulumi sees a new URN, creates it and deletes the old one.
        const twin = deleted.find((d) => d.type === r.type && (d.name === r.name || d.parent === r.parent) && sameInputs(d, r));
        if (twin) {
            deleted.splice(deleted.indexOf(twin), 1);
            resources.push({
                kind: "replace",
                label: resourceLabel(r),
                urn: r.urn,
                previousUrn: twin.urn,
                protected: isProtected(twin.urn, before) || isProtected(r.urn, after),
                changes: diffFlat(flatten(twin.inputs), flatten(r.inputs)),
                reasons: ["its URN changed without an alias to the old one: Pulumi creates the new resource and deletes the old"],
            });
        } else {
            resources.push({
                kind: "create",
                label: resourceLabel(r),
                urn: r.urn,
                protected: isProtected(r.urn, after),
                changes: [],
                reasons: [],
            });
        }
    }
    for (const r of deleted) {
        resources.push({
            kind: "delete",
            label: resourceLabel(r),
            urn: r.urn,
            protected: isProtected(r.urn, before),
            changes: [],
            reasons: [],
        });
    }

    // A new cluster means a new Kubernetes provider, and everything created through it is created again.
    if (resources.some((c) => c.kind === "replace" && after.resources.find((r) => r.urn === c.urn)?.type === "eks:index:Cluster")) {
        const cascade = "the cluster is replaced, and with it the Kubernetes provider everything in it is created through";
        for (const r of after.resources.filter((x) => x.type.startsWith("kubernetes:") && matched.has(x.urn))) {
            const listed = resources.findIndex((c) => c.urn === r.urn);
            const base =
                listed >= 0
                    ? resources[listed]
                    : { label: resourceLabel(r), urn: r.urn, protected: isProtected(r.urn, after), changes: [] };
            const replaced: ResourceChange = {
                ...base,
                kind: "replace",
                reasons: [cascade, ...(listed >= 0 ? resources[listed].reasons : [])],
            };
            if (listed >= 0) {
                resources[listed] = replaced;
            } else {
                resources.push(replaced);
            }
        }
    }

    // A blue/green slot removed in the change that drained it: config sees only the new weights.
    const drained = servingSlotsRemoved(before.config, after.config);
    if (drained.length > 0) {
        const reason = `${drained.map(({ slot, weight }) => `slot ${slot} served ${weight}% of requests before this change`).join("; ")}: shift its traffic away and apply that first, then remove it`;
        resources.forEach((c, i) => {
            if (c.kind === "delete" && before.resources.find((r) => r.urn === c.urn)?.type === "eks:index:Cluster") {
                resources[i] = { ...c, servingTraffic: true, reasons: [reason] };
            }
        });
    }

    const order: Record<ChangeKind, number> = { replace: 0, delete: 1, create: 2, update: 3 };
    resources.sort(
        (a, b) =>
            Number(dangerousChange(b)) - Number(dangerousChange(a)) || order[a.kind] - order[b.kind] || a.label.localeCompare(b.label),
    );
    return { stack, config: diffFlat(before.config, after.config), resources, dangerous: resources.some(dangerousChange) };
}

/** Inputs equal but for names (a renamed resource keeps what it is). */
function sameInputs(a: RenderedResource, b: RenderedResource): boolean {
    const strip = (r: RenderedResource) =>
        Object.entries(flatten(r.inputs)).filter(([path]) => !/(^|\.)(name|namePrefix|metadata\.name)$/.test(path));
    return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

export function dangerousChange(change: ResourceChange): boolean {
    return (change.protected && (change.kind === "replace" || change.kind === "delete")) || change.servingTraffic === true;
}

/** The slots a flat config had, with their weights as the program decides them (slotWeights): `eks-platform:cluster` is blue at 100. */
function flatSlotWeights(config: Flat): Map<Slot, number> {
    const keys = Object.keys(config);
    const single = keys.some((k) => k.startsWith(`${PROJECT}:cluster.`));
    const slots = single ? (["blue"] as Slot[]) : SLOTS.filter((slot) => keys.some((k) => k.startsWith(`${PROJECT}:clusters.${slot}.`)));
    const traffic = Object.fromEntries(
        SLOTS.flatMap((slot) => {
            const weight = flatValue(config, `${PROJECT}:traffic.${slot}`);
            return typeof weight === "number" ? [[slot, weight]] : [];
        }),
    );
    const weights = slotWeights(slots, single || Object.keys(traffic).length === 0 ? undefined : traffic);
    return new Map(slots.map((slot) => [slot, weights[slot]]));
}

/** Slots the change removes that served traffic before it. */
export function servingSlotsRemoved(before: Flat, after: Flat): { slot: string; weight: number }[] {
    const [was, is] = [flatSlotWeights(before), flatSlotWeights(after)];
    return [...was].filter(([slot, weight]) => weight > 0 && !is.has(slot)).map(([slot, weight]) => ({ slot, weight }));
}

/** CI's view of a review: nothing to do, changes, or changes a reviewer must not miss. */
export const EXIT_STATUS = { noChanges: 0, changes: 2, dangerous: 3 } as const;

export function exitStatus(diffs: readonly StackChange[]): number {
    if (diffs.some((d) => d.dangerous)) {
        return EXIT_STATUS.dangerous;
    }
    return diffs.some((d) => d.config.length > 0 || d.resources.length > 0) ? EXIT_STATUS.changes : EXIT_STATUS.noChanges;
}
