/**
 * The cluster's minor against the EKS calendar: a minor past standard support bills extended
 * support (about six times the standard cluster-hour price) unless the stack said so on purpose.
 */
import { z } from "zod";
import { KUBERNETES_MINORS, pastExtendedSupport, pastStandardSupport } from "../kubernetes-versions";
import { ConfigProblem, validOrUndefined } from "../problems";
import { PROJECT } from "../schema/stage";

export function versionLifecycleProblems(clusterInput: unknown, today: Date): ConfigProblem[] {
    const cluster = (clusterInput ?? {}) as Record<string, unknown>;
    const version = validOrUndefined(z.string(), cluster.kubernetesVersion);
    const policy = validOrUndefined(z.enum(["STANDARD", "EXTENDED"]).default("STANDARD"), cluster.upgradePolicy);
    const minor = version !== undefined ? KUBERNETES_MINORS[version] : undefined;
    if (!minor || !policy) {
        return [];
    }
    const key = `${PROJECT}:cluster.kubernetesVersion`;
    if (pastExtendedSupport(minor, today)) {
        return [
            {
                key,
                value: version,
                expected: `expected a minor EKS still supports: ${version} left standard support on ${minor.endOfStandardSupport} and extended support on ${minor.endOfExtendedSupport}; upgrade one minor at a time`,
            },
        ];
    }
    if (pastStandardSupport(minor, today) && policy === "STANDARD") {
        return [
            {
                key,
                value: version,
                expected: `expected a minor in EKS standard support: ${version} left it on ${minor.endOfStandardSupport} (extended support, about six times the cluster-hour price, runs to ${minor.endOfExtendedSupport}); upgrade one minor at a time, or set cluster.upgradePolicy: EXTENDED to pay for it on purpose`,
            },
        ];
    }
    return [];
}
