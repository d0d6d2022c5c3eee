/** Rules about how a stack's resources fit together. */
import { NOTIFIES_THROUGH_COMPOSITE } from "../components/monitoring/alert-routing";
import { THROUGH_COMPOSITE_SUFFIX } from "../components/monitoring/datadog-monitors";
import { PolicyResource, StackRule } from "./rule";

const RELEASE = "kubernetes:helm.sh/v3:Release";

/** The charts that call AWS, and where their values name the service account. */
/** The service-account annotation of IAM roles for service accounts (EKS user guide). */
const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

const AWS_CALLING_CHARTS: Record<string, string[]> = {
    "cluster-autoscaler": ["rbac", "serviceAccount", "name"],
    "aws-load-balancer-controller": ["serviceAccount", "name"],
    "aws-node-termination-handler": ["serviceAccount", "name"],
    "external-dns": ["serviceAccount", "name"],
    "external-secrets": ["serviceAccount", "name"],
};

function ofKind(resources: readonly PolicyResource[], kind: string): PolicyResource[] {
    return resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind);
}

function pathIn(value: any, path: string[]): unknown {
    return path.reduce((node, key) => node?.[key], value);
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
    return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export const STACK_RULES: StackRule[] = [
    {
        name: "addon-own-role",
        description: "Each AWS-calling addon has its own role, bound to its own service account (never the node role).",
        check: (resources) => {
            const associations = resources.filter((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation");
            const violations: { urn?: string; message: string }[] = [];
            for (const release of resources.filter((r) => r.type === RELEASE && r.inputs.chart in AWS_CALLING_CHARTS)) {
                const path = AWS_CALLING_CHARTS[release.inputs.chart];
                const serviceAccount = pathIn(release.inputs.values, path);
                const bound = associations.some(
                    (a) => a.inputs.namespace === release.inputs.namespace && a.inputs.serviceAccount === serviceAccount,
                );
                // On Fargate: an IAM role for the service account, through the chart's annotation.
                const irsaRole = (
                    pathIn(release.inputs.values, [...path.slice(0, -1), "annotations"]) as Record<string, unknown> | undefined
                )?.[IRSA_ROLE_ANNOTATION];
                if (!bound && !irsaRole) {
                    violations.push({
                        urn: release.urn,
                        message: `${release.inputs.chart} (service account ${release.inputs.namespace}/${String(serviceAccount)}) has neither a Pod Identity association nor an IAM role annotation: it would fall back to the node role`,
                    });
                }
            }
            const byRole = new Map<string, PolicyResource[]>();
            for (const a of associations.filter((x) => typeof x.inputs.roleArn === "string")) {
                byRole.set(a.inputs.roleArn, [...(byRole.get(a.inputs.roleArn) ?? []), a]);
            }
            for (const [role, shared] of byRole) {
                if (shared.length > 1) {
                    violations.push({
                        urn: shared[1].urn,
                        message: `role ${role} is shared by ${shared.map((a) => a.inputs.serviceAccount).join(", ")}`,
                    });
                }
            }
            return violations;
        },
    },
    {
        name: "stage-alerting",
        description: "Every stage has ALB alarms and, with the Datadog agent, Datadog monitors, all reaching Slack.",
        check: (resources) => {
            const violations: { message: string }[] = [];
            const alb = resources.some((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
            const alarms = resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
            const composites = resources.filter((r) => r.type === "aws:cloudwatch/compositeAlarm:CompositeAlarm");
            // A burn-rate window alarm notifies through the composite alarm that ANDs it with another.
            const windows = alarms.filter((a) => a.inputs.tags?.AlertsThrough === NOTIFIES_THROUGH_COMPOSITE.AlertsThrough);
            const notifying = [...alarms.filter((a) => !windows.includes(a)), ...composites];
            if (alb && (alarms.length === 0 || notifying.some((a) => !(a.inputs.alarmActions?.length > 0)))) {
                violations.push({ message: "the ALB has no alarms, or an alarm with no action" });
            }
            if (windows.length > 0 && composites.length === 0) {
                violations.push({ message: "burn-rate window alarms exist without the composite alarms that notify for them" });
            }
            const slackRoute = resources.some(
                (r) =>
                    r.type === "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration" ||
                    (r.type === "aws:sns/topicSubscription:TopicSubscription" && r.inputs.protocol === "lambda"),
            );
            if (alarms.length > 0 && !slackRoute) {
                violations.push({ message: "CloudWatch alarms reach no Slack route (AWS Chatbot or the notifier Lambda)" });
            }
            const agent = resources.some((r) => r.type === RELEASE && r.inputs.chart === "datadog");
            const monitors = resources.filter((r) => r.type === "datadog:index/monitor:Monitor");
            if (agent && monitors.length === 0) {
                violations.push({ message: "the stage runs the Datadog agent but has no Datadog monitors" });
            }
            // A monitor another alert covers notifies through its composite, named without the suffix.
            const notifies = (m: (typeof monitors)[number]) => String(m.inputs.message ?? "").includes("@slack-");
            const throughComposite = (m: (typeof monitors)[number]) => {
                const name = String(m.inputs.name ?? "");
                return (
                    name.endsWith(THROUGH_COMPOSITE_SUFFIX) &&
                    monitors.some(
                        (c) =>
                            c.inputs.type === "composite" &&
                            c.inputs.name === name.slice(0, -THROUGH_COMPOSITE_SUFFIX.length) &&
                            notifies(c),
                    )
                );
            };
            for (const m of monitors.filter((x) => !notifies(x) && !throughComposite(x))) {
                violations.push({ message: `monitor ${m.inputs.name} notifies no Slack channel` });
            }
            return violations;
        },
    },
    {
        name: "hpa-owns-replicas",
        description: "A Deployment scaled by an HPA sets no replicas (every apply would reset the HPA's count).",
        check: (resources) =>
            ofKind(resources, "HorizontalPodAutoscaler").flatMap((hpa) => {
                const target = hpa.inputs.spec?.scaleTargetRef;
                const deployment = ofKind(resources, "Deployment").find(
                    (d) => d.inputs.metadata?.namespace === hpa.inputs.metadata?.namespace && d.inputs.metadata?.name === target?.name,
                );
                return deployment && deployment.inputs.spec?.replicas !== undefined
                    ? [
                          {
                              urn: deployment.urn,
                              message: `sets replicas ${deployment.inputs.spec.replicas} although HPA ${hpa.inputs.metadata?.name} owns the count`,
                          },
                      ]
                    : [];
            }),
    },
    {
        name: "pdb-per-app",
        description: "Every app Deployment has a PodDisruptionBudget selecting its pods.",
        check: (resources) =>
            ofKind(resources, "Deployment").flatMap((deployment) => {
                const labels = deployment.inputs.spec?.template?.metadata?.labels;
                const covered = ofKind(resources, "PodDisruptionBudget").some(
                    (pdb) =>
                        pdb.inputs.metadata?.namespace === deployment.inputs.metadata?.namespace &&
                        matches(pdb.inputs.spec?.selector?.matchLabels, labels),
                );
                return covered ? [] : [{ urn: deployment.urn, message: "no PodDisruptionBudget selects its pods" }];
            }),
    },
    {
        name: "restricted-app-namespaces",
        description: "App namespaces enforce the restricted Pod Security Standard.",
        check: (resources) => {
            const appNamespaces = new Set(ofKind(resources, "Deployment").map((d) => d.inputs.metadata?.namespace));
            return ofKind(resources, "Namespace")
                .filter(
                    (ns) =>
                        appNamespaces.has(ns.inputs.metadata?.name) &&
                        ns.inputs.metadata?.labels?.["pod-security.kubernetes.io/enforce"] !== "restricted",
                )
                .map((ns) => ({
                    urn: ns.urn,
                    message: `namespace ${ns.inputs.metadata?.name} runs apps without enforcing the restricted Pod Security Standard`,
                }));
        },
    },
];
