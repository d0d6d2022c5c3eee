/**
 * The rules of blue/green slots: which key holds the cluster, how traffic is split, and what a
 * step may change at once. Each names the key and value (docs/blue-green.md).
 */
import { z } from "zod";
import { ConfigProblem, validOrUndefined } from "../problems";
import { MAX_APP_NAME } from "../schema/apps";
import { PROJECT } from "../schema/stage";
import { Slot, SLOTS } from "../schema/slots";
import { clusterName } from "./names";
import type { SectionInputs } from "./index";

/** One slot's raw cluster section and the key its problems are reported under. */
export interface SlotInput {
    readonly slot: Slot;
    /** `cluster` for a single-cluster stack, else `clusters.<slot>`. */
    readonly key: string;
    readonly input: unknown;
}

/** A green target group is named `alb-<app>-g-` and Pulumi's 7-character suffix: 2 more than blue's. */
export const MAX_APP_NAME_WITH_GREEN = MAX_APP_NAME - "-g".length;

const slotMap = z.record(z.string(), z.unknown());

/** The slots a stack's raw config holds: `eks-platform:cluster` is slot blue under its own key. */
export function slotInputs(inputs: SectionInputs): SlotInput[] {
    const clusters = validOrUndefined(slotMap, inputs.clusters);
    if (inputs.cluster !== undefined || !clusters) {
        return [{ slot: "blue", key: "cluster", input: inputs.cluster }];
    }
    return SLOTS.filter((slot) => clusters[slot] !== undefined).map((slot) => ({ slot, key: `clusters.${slot}`, input: clusters[slot] }));
}

/** Moves a problem reported under `eks-platform:cluster` to the slot's own key. */
export function problemsForSlot(problems: readonly ConfigProblem[], slot: SlotInput): ConfigProblem[] {
    if (slot.key === "cluster") {
        return [...problems];
    }
    const cluster = `${PROJECT}:cluster`;
    return problems.map((problem) =>
        problem.key === cluster || problem.key.startsWith(`${cluster}.`)
            ? { ...problem, key: `${PROJECT}:${slot.key}${problem.key.slice(cluster.length)}` }
            : problem,
    );
}

/** The percent each slot serves: the configured weights, or 100 for a lone slot. */
export function slotWeights(slots: readonly Slot[], traffic: Partial<Record<Slot, number>> | undefined): Record<Slot, number> {
    const weights = { blue: 0, green: 0 };
    if (!traffic && slots.length === 1) {
        weights[slots[0]] = 100;
        return weights;
    }
    return { ...weights, ...traffic };
}

function minorOf(cluster: unknown): number | undefined {
    const version = validOrUndefined(z.string().regex(/^1\.\d{1,2}$/), (cluster as Record<string, unknown> | undefined)?.kubernetesVersion);
    return version === undefined ? undefined : Number(version.split(".")[1]);
}

export function slotProblems(stack: string, inputs: SectionInputs): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const key = (path: string) => `${PROJECT}:${path}`;
    if (inputs.cluster !== undefined && inputs.clusters !== undefined) {
        return [
            {
                key: key("clusters"),
                value: Object.keys(validOrUndefined(slotMap, inputs.clusters) ?? {}),
                expected: `expected either ${key("cluster")} (one cluster) or ${key("clusters")} (blue/green slots), not both: move the cluster under clusters.blue to keep every name`,
            },
        ];
    }
    if (inputs.cluster === undefined && inputs.clusters === undefined) {
        return [
            {
                key: key("cluster"),
                value: undefined,
                expected: `is required: the EKS cluster (or ${key("clusters")} with blue/green slots)`,
            },
        ];
    }
    const traffic = validOrUndefined(z.record(z.string(), z.number()), inputs.traffic);
    if (inputs.clusters === undefined) {
        if (inputs.traffic !== undefined) {
            problems.push({
                key: key("traffic"),
                value: inputs.traffic,
                expected: `expected no traffic weights with one ${key("cluster")}: weights split traffic between ${key("clusters")} slots`,
            });
        }
        return problems;
    }
    const slots = slotInputs(inputs).map((s) => s.slot);
    if (slots.length === 0 || !traffic) {
        if (slots.length === 2 && inputs.traffic === undefined) {
            problems.push({
                key: key("traffic"),
                value: undefined,
                expected: "is required with two slots: the percent each serves, such as { blue: 100, green: 0 } while green is checked",
            });
        }
        return problems;
    }
    const missing = (Object.keys(traffic) as Slot[]).filter((slot) => (SLOTS as readonly string[]).includes(slot) && !slots.includes(slot));
    for (const slot of missing) {
        const onlyWeighted = traffic[slot] > 0 && slots.every((other) => (traffic[other] ?? 0) === 0);
        problems.push(
            onlyWeighted
                ? {
                      key: key(`clusters.${slot}`),
                      value: undefined,
                      expected: `expected slot ${slot}: it serves ${traffic[slot]}% (${key(`traffic.${slot}`)}) and no remaining slot serves any; shift traffic first (traffic: { ${slots[0]}: 100 }, pulumi up), remove ${slot} in a later change`,
                  }
                : {
                      key: key(`traffic.${slot}`),
                      value: traffic[slot],
                      expected: `expected no weight for slot ${slot}: ${key("clusters")} has no ${slot} (it has ${slots.join(" and ")})`,
                  },
        );
    }
    const sum = Object.values(traffic).reduce((total, w) => total + w, 0);
    if (missing.length === 0 && sum !== 100) {
        problems.push({
            key: key("traffic"),
            value: inputs.traffic,
            expected: `expected weights that sum to 100 (percent of each app's requests), not ${sum}`,
        });
    }
    if (slots.length === 2) {
        const clusters = validOrUndefined(slotMap, inputs.clusters)!;
        const [blue, green] = [minorOf(clusters.blue), minorOf(clusters.green)];
        if (blue !== undefined && green !== undefined && Math.abs(blue - green) > 1) {
            problems.push({
                key: key("clusters.green.kubernetesVersion"),
                value: (clusters.green as Record<string, unknown>).kubernetesVersion,
                expected: `expected a minor within one of blue's (1.${blue}): slots that far apart run addon and API versions no step of the upgrade tested together; upgrade one minor at a time`,
            });
        }
        const [blueName, greenName] = SLOTS.map((slot) => clusterName((clusters[slot] ?? {}) as Record<string, unknown>, stack, slot));
        if (blueName === greenName) {
            problems.push({
                key: key("clusters.green.name"),
                value: greenName,
                expected: `expected a cluster name other than blue's: two EKS clusters cannot share "${greenName}"`,
            });
        }
    }
    if (slots.includes("green")) {
        problems.push(...greenAppNameProblems(Object.keys(validOrUndefined(slotMap, inputs.apps ?? {}) ?? {})));
    }
    return problems;
}

/**
 * App names a green slot cannot carry: too long for green's target group name, or the name of
 * another app's green release (`<app>-g`), whose resources would share its URNs.
 */
function greenAppNameProblems(apps: readonly string[]): ConfigProblem[] {
    const key = (app: string) => `${PROJECT}:apps.${app}`;
    const tooLong = apps
        .filter((name) => name.length > MAX_APP_NAME_WITH_GREEN)
        .map((app) => ({
            key: key(app),
            value: app,
            expected: `expected an app name of at most ${MAX_APP_NAME_WITH_GREEN} characters with a green slot: its green target group is alb-<app>-g- and a 7-character suffix, within ELB's 32`,
        }));
    const clashing = apps
        .filter((name) => apps.includes(`${name}-g`))
        .map((app) => ({
            key: key(`${app}-g`),
            value: `${app}-g`,
            expected: `expected an app name other than ${app}-g with a green slot: green's release of ${app} is named ${app}-g`,
        }));
    return [...tooLong, ...clashing];
}
