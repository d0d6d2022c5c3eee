/** Cross-checks of `eks-platform:apps`: namespaces, routes and stage rules across apps. */
import { z } from "zod";
import { ConfigProblem, validOrUndefined } from "../problems";
import { PROJECT, Stage } from "../schema/stage";

/** Namespaces the platform itself uses: an app gets one of its own. */
const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "datadog", "external-secrets", "external-dns"];

export function appStageProblems(stage: Stage | undefined, input: unknown): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const apps = validOrUndefined(z.record(z.string(), z.looseObject({
        namespace: z.string().optional(),
        replicas: z.number().optional(),
        autoscaling: z.looseObject({ minReplicas: z.number().optional() }).optional(),
        hosts: z.array(z.string()).optional(),
        pathPrefix: z.string().optional(),
    })), input);
    const namespaces = new Map<string, string>();
    const routes = new Map<string, string>();
    for (const [name, app] of Object.entries(apps ?? {})) {
        const key = `${PROJECT}:apps.${name}`;
        const namespace = app.namespace ?? name;
        const owner = namespaces.get(namespace);
        if (owner) {
            problems.push({ key: `${key}.namespace`, value: namespace, expected: `expected a namespace of its own (app "${owner}" already uses it)` });
        } else if (RESERVED_NAMESPACES.includes(namespace)) {
            problems.push({ key: `${key}.namespace`, value: namespace, expected: `expected a namespace of its own, not one of ${RESERVED_NAMESPACES.join(", ")}` });
        }
        namespaces.set(namespace, name);

        const route = JSON.stringify([[...(app.hosts ?? [])].sort(), app.pathPrefix ?? "/"]);
        const sameRoute = routes.get(route);
        if (sameRoute) {
            problems.push({ key: `${key}.pathPrefix`, value: app.pathPrefix ?? "/", expected: `expected hosts or a path prefix of its own (app "${sameRoute}" is routed the same way)` });
        }
        routes.set(route, name);

        if (stage === "prd") {
            const minimum = app.autoscaling ? app.autoscaling.minReplicas : app.replicas ?? 2;
            if (minimum !== undefined && minimum < 2) {
                const path = app.autoscaling ? "autoscaling.minReplicas" : "replicas";
                problems.push({ key: `${key}.${path}`, value: minimum, expected: "expected at least 2 in prd, so a node drain or a zone loss leaves a pod serving" });
            }
        }
    }
    return problems;
}
