/** Cross-checks of `eks-platform:apps`: namespaces, routes, secrets and stage rules across apps. */
import { z } from "zod";
import { ConfigProblem, validOrUndefined } from "../problems";
import { normalizedPathPrefix, Route, shadowedRoutes } from "../routing";
import { dbPasswordKey } from "../secrets";
import { ALB_RULE_LIMITS } from "../schema/apps";
import { PROJECT, Stage, stageProfile, STAGES } from "../schema/stage";

/** Values one ALB listener rule takes, shared by the hosts and the path patterns (ALB_RULE_LIMITS). */
export const MAX_RULE_CONDITION_VALUES = ALB_RULE_LIMITS.valuesPerRule;

/** The stage a host name belongs to, by a dev/stg/prd word in it (web-prd.abc.rds.amazonaws.com). */
export function stageNamedIn(host: string): Stage | undefined {
    return STAGES.find((stage) => new RegExp(`(^|[.-])${stage}([.-]|$)`).test(host));
}

/** Namespaces the platform itself uses: an app gets one of its own. */
const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "datadog", "external-secrets", "external-dns"];

export function appStageProblems(stage: Stage | undefined, input: unknown): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const apps = validOrUndefined(
        z.record(
            z.string(),
            z.looseObject({
                namespace: z.string().optional(),
                replicas: z.number().optional(),
                autoscaling: z.looseObject({ minReplicas: z.number().optional() }).optional(),
                hosts: z.array(z.string()).optional(),
                pathPrefix: z.string().optional(),
                rds: z.looseObject({ host: z.string().optional() }).optional(),
                env: z.record(z.string(), z.string()).optional(),
            }),
        ),
        input,
    );
    const namespaces = new Map<string, string>();
    const routes = new Map<string, string>();
    const passwordKeys = new Map<string, string>();
    const duplicates = new Set<string>();
    for (const [name, app] of Object.entries(apps ?? {})) {
        const key = `${PROJECT}:apps.${name}`;
        const namespace = app.namespace ?? name;
        const owner = namespaces.get(namespace);
        if (owner) {
            problems.push({
                key: `${key}.namespace`,
                value: namespace,
                expected: `expected a namespace of its own (app "${owner}" already uses it)`,
            });
        } else if (RESERVED_NAMESPACES.includes(namespace)) {
            problems.push({
                key: `${key}.namespace`,
                value: namespace,
                expected: `expected a namespace of its own, not one of ${RESERVED_NAMESPACES.join(", ")}`,
            });
        }
        namespaces.set(namespace, name);

        const hosts = app.hosts ?? [];
        const prefix = normalizedPathPrefix(app.pathPrefix ?? "/");
        const route = JSON.stringify([[...hosts].sort(), prefix]);
        const sameRoute = routes.get(route);
        if (sameRoute) {
            duplicates.add(name);
            problems.push({
                key: `${key}.pathPrefix`,
                value: app.pathPrefix ?? "/",
                expected: `expected hosts or a path prefix of its own (app "${sameRoute}" is routed the same way${prefix !== (app.pathPrefix ?? "/") ? `: the ALB matches ${app.pathPrefix} as ${prefix}` : ""})`,
            });
        }
        routes.set(route, name);

        const passwordKey = dbPasswordKey(name);
        const sharing = passwordKeys.get(passwordKey);
        if (sharing) {
            problems.push({
                key: `${PROJECT}:apps.${name}`,
                value: name,
                expected: `expected an app name whose password key differs from app "${sharing}"'s: both read ${passwordKey}`,
            });
        }
        passwordKeys.set(passwordKey, name);

        // A host naming another stage is that stage's database: a stg app must never write to prd.
        const otherStage = (host: string) => {
            const named = stageNamedIn(host);
            return stage && named && named !== stage ? named : undefined;
        };
        const rdsStage = app.rds?.host && otherStage(app.rds.host);
        if (rdsStage) {
            problems.push({
                key: `${key}.rds.host`,
                value: app.rds!.host,
                expected: `expected a database of ${stage}: this host names ${rdsStage}`,
            });
        }
        for (const [variable, value] of Object.entries(app.env ?? {})) {
            const envStage = /\.rds\.amazonaws\.com$/.test(value) ? otherStage(value) : undefined;
            if (envStage) {
                problems.push({
                    key: `${key}.env.${variable}`,
                    value,
                    expected: `expected a database of ${stage}: this RDS host names ${envStage}`,
                });
            }
        }

        const profile = stage && stageProfile(stage);
        if (profile && profile.minAppReplicas > 1) {
            const minimum = app.autoscaling ? app.autoscaling.minReplicas : (app.replicas ?? profile.appReplicas);
            // Below 1 the schema refuses it already.
            if (minimum !== undefined && minimum >= 1 && minimum < profile.minAppReplicas) {
                const path = app.autoscaling ? "autoscaling.minReplicas" : "replicas";
                problems.push({
                    key: `${key}.${path}`,
                    value: minimum,
                    // Its PodDisruptionBudget (maxUnavailable 1) lets a lone pod go: Karpenter's
                    // consolidation (minutes) and expiry, a node upgrade or a drain take the app down.
                    expected: `expected at least ${profile.minAppReplicas} in ${stage}, so a node drain, a consolidation or expiry of a node, or a zone loss leaves a pod serving: with one replica each takes the app down`,
                });
            }
        }
    }
    problems.push(
        ...shadowProblems(
            Object.entries(apps ?? {}).map(([name, app]) => ({ name, hosts: app.hosts ?? [], pathPrefix: app.pathPrefix ?? "/" })),
            duplicates,
        ),
    );
    return problems;
}

/** An app whose every request an earlier listener rule takes would never be reached. */
function shadowProblems(routes: Route[], alreadyReported: ReadonlySet<string>): ConfigProblem[] {
    return shadowedRoutes(routes)
        .filter(({ route }) => !alreadyReported.has(route.name))
        .map(({ route, by }) => ({
            key: `${PROJECT}:apps.${route.name}.${route.hosts.length > 0 ? "hosts" : "pathPrefix"}`,
            value: route.hosts.length > 0 ? route.hosts : route.pathPrefix,
            expected: `expected a route of its own: app "${by.name}" (hosts ${by.hosts.length > 0 ? by.hosts.join(", ") : "any"}, path ${by.pathPrefix}) takes every request it would match, and its rule is evaluated first`,
        }));
}
