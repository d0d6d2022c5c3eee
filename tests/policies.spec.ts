import { expect } from "chai";
import { supportWindowRule } from "../policies/aws-rules";
import { isPinnedImage } from "../policies/kubernetes-rules";
import { evaluate, formatViolations, PolicyResource } from "../policies/rule";
import { RESOURCE_RULES, STACK_RULES } from "../policies/rules";
import { ProgramRun, stackRun } from "../offline/program-run";
import { projectStacks } from "../offline/stack-files";
import { fixtureRun } from "./support/fixtures";

/** Rules that read the date, judged on a fixed day here. */
const ON_2026_11_26: Record<string, ReturnType<typeof supportWindowRule>> = {
    "eks-standard-support-window": supportWindowRule(() => new Date("2026-11-26T12:00:00Z")),
};

function rule(name: string) {
    const found = ON_2026_11_26[name] ?? RESOURCE_RULES.find((r) => r.name === name);
    if (!found) {
        throw new Error(`no rule ${name}`);
    }
    return found;
}

function stackRule(name: string) {
    return STACK_RULES.find((r) => r.name === name)!;
}

function resource(type: string, inputs: Record<string, any>, name = "r"): PolicyResource {
    return { type, name, urn: `urn:pulumi:s::p::${type}::${name}`, inputs };
}

const k8s = (kind: string, inputs: Record<string, any>, name = "r") =>
    resource(`kubernetes:test:${kind}`, { kind, apiVersion: inputs.apiVersion ?? "v1", ...inputs }, name);

const CLUSTER = {
    version: "1.35",
    upgradePolicy: { supportType: "STANDARD" },
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.0/24"],
    encryptionConfigKeyArn: "arn:aws:kms:eu-west-1:1:key/k",
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
    authenticationMode: "API",
    nodeAssociatePublicIpAddress: false,
    privateSubnetIds: ["s"],
};
const CONTAINER = {
    name: "app",
    image: "r/web@sha256:" + "a".repeat(64),
    readinessProbe: { httpGet: { path: "/", port: 80 } },
    resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
};
const deployment = (spec: Record<string, any> = {}, container: Record<string, any> = {}) =>
    k8s(
        "Deployment",
        {
            apiVersion: "apps/v1",
            metadata: { name: "web", namespace: "web" },
            spec: {
                selector: { matchLabels: { app: "web" } },
                template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ ...CONTAINER, ...container }] } },
                ...spec,
            },
        },
        "web",
    );

/** Each rule: a fixture it accepts and one it rejects, with the message it gives. */
const RESOURCE_CASES: [string, PolicyResource, PolicyResource, string][] = [
    [
        "eks-endpoint-not-public",
        resource("eks:index:Cluster", CLUSTER),
        resource("eks:index:Cluster", { ...CLUSTER, publicAccessCidrs: ["0.0.0.0/0"] }),
        "the public API endpoint is open to 0.0.0.0/0",
    ],
    [
        "eks-secrets-encryption",
        resource("eks:index:Cluster", CLUSTER),
        resource("eks:index:Cluster", { ...CLUSTER, encryptionConfigKeyArn: undefined }),
        "secrets are not encrypted with a KMS key (encryptionConfigKeyArn)",
    ],
    [
        "eks-control-plane-logs",
        resource("eks:index:Cluster", CLUSTER),
        resource("eks:index:Cluster", { ...CLUSTER, enabledClusterLogTypes: ["api"] }),
        "control-plane logs missing: audit, authenticator",
    ],
    [
        "eks-access-entries",
        resource("eks:index:Cluster", CLUSTER),
        resource("aws:eks/cluster:Cluster", { accessConfig: { authenticationMode: "CONFIG_MAP" } }),
        "authentication mode is CONFIG_MAP, expected API",
    ],
    [
        "eks-upgrade-policy",
        resource("eks:index:Cluster", CLUSTER),
        resource("eks:index:Cluster", { ...CLUSTER, upgradePolicy: undefined }),
        "upgradePolicy.supportType is unset: EKS defaults to EXTENDED and bills extended support (about six times the cluster-hour price) once the minor leaves standard support",
    ],
    [
        "eks-standard-support-window",
        resource("eks:index:Cluster", CLUSTER),
        resource("eks:index:Cluster", { ...CLUSTER, version: "1.34" }),
        "Kubernetes 1.34 has 7 days of standard support left (it ends on 2026-12-02): upgrade, dev first",
    ],
    [
        "eks-private-nodes",
        resource("eks:index:Cluster", CLUSTER),
        resource("eks:index:Cluster", { ...CLUSTER, nodeAssociatePublicIpAddress: true }),
        "nodeAssociatePublicIpAddress is not false",
    ],
    [
        "imdsv2-required",
        resource("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } }),
        resource("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } }),
        "metadataOptions.httpTokens is optional, expected required (IMDSv2)",
    ],
    [
        "vpc-availability-zones",
        resource("awsx:ec2:Vpc", { availabilityZoneNames: ["a", "b", "c"], tags: { Stage: "prd" } }),
        resource("awsx:ec2:Vpc", { availabilityZoneNames: ["a", "b"], tags: { Stage: "prd" } }),
        "2 availability zones, expected at least 3 in prd",
    ],
    [
        "alb-https",
        resource("aws:lb/listener:Listener", {
            protocol: "HTTPS",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            certificateArn: "arn",
        }),
        resource("aws:lb/listener:Listener", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08", certificateArn: "arn" }),
        "TLS policy ELBSecurityPolicy-2016-08 is not a TLS 1.3 policy",
    ],
    [
        "alb-prd-logs-and-protection",
        resource("aws:lb/loadBalancer:LoadBalancer", {
            tags: { Stage: "prd" },
            enableDeletionProtection: true,
            accessLogs: { enabled: true },
        }),
        resource("aws:lb/loadBalancer:LoadBalancer", { tags: { Stage: "prd" }, enableDeletionProtection: true }),
        "access logs are off",
    ],
    [
        "sns-encrypted",
        resource("aws:sns/topic:Topic", { kmsMasterKeyId: "arn" }),
        resource("aws:sns/topic:Topic", {}),
        "the topic is not encrypted (kmsMasterKeyId)",
    ],
    [
        "k8s-requests-limits",
        deployment(),
        deployment({}, { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } } }),
        "container app has no cpu limit",
    ],
    ["k8s-readiness-probe", deployment(), deployment({}, { readinessProbe: undefined }), "container app has no readiness probe"],
    [
        "k8s-hpa-minimum",
        k8s("HorizontalPodAutoscaler", { metadata: { labels: { "eks-platform/stage": "prd" } }, spec: { minReplicas: 2 } }),
        k8s("HorizontalPodAutoscaler", { metadata: { labels: { "eks-platform/stage": "prd" } }, spec: { minReplicas: 1 } }),
        "minReplicas is 1, expected at least 2 in prd",
    ],
    [
        "k8s-service-account-token",
        k8s("ServiceAccount", { automountServiceAccountToken: false }),
        k8s("ServiceAccount", {}),
        "automountServiceAccountToken is not false",
    ],
    [
        "k8s-no-secrets-in-configmaps",
        k8s("ConfigMap", { data: { DB_HOST: "h" } }),
        k8s("ConfigMap", { data: { DB_PASSWORD: "x" } }),
        "key DB_PASSWORD looks like a secret: it belongs in a Secret",
    ],
    ["k8s-images-pinned", deployment(), deployment({}, { image: "nginx:latest" }), "container app runs nginx:latest, which is not pinned"],
    [
        "k8s-no-node-exposure",
        k8s("Service", { spec: { type: "ClusterIP" } }),
        k8s("Service", { spec: { type: "LoadBalancer" } }),
        "type LoadBalancer exposes the app outside the ALB",
    ],
    [
        "k8s-stable-api-versions",
        k8s("PodDisruptionBudget", { apiVersion: "policy/v1" }),
        k8s("PodDisruptionBudget", { apiVersion: "policy/v1beta1" }),
        "PodDisruptionBudget uses policy/v1beta1",
    ],
];

const release = (chart: string, values: Record<string, any>) =>
    resource("kubernetes:helm.sh/v3:Release", { chart, namespace: "kube-system", values }, chart);
const association = (serviceAccount: string, roleArn: string) =>
    resource(
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        { namespace: "kube-system", serviceAccount, roleArn },
        serviceAccount,
    );
const alerting = (message: string) => [
    resource("aws:lb/loadBalancer:LoadBalancer", {}),
    resource("aws:cloudwatch/metricAlarm:MetricAlarm", { alarmActions: ["arn:topic"] }),
    resource("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", {}),
    resource("datadog:index/monitor:Monitor", { name: "m", message }),
];
const window = resource("aws:cloudwatch/metricAlarm:MetricAlarm", { tags: { AlertsThrough: "composite-alarm" } }, "window");
const composite = (alarmActions: string[]) => resource("aws:cloudwatch/compositeAlarm:CompositeAlarm", { alarmActions }, "composite");
const hpa = k8s("HorizontalPodAutoscaler", { metadata: { name: "web", namespace: "web" }, spec: { scaleTargetRef: { name: "web" } } });
const pdb = k8s("PodDisruptionBudget", { metadata: { namespace: "web" }, spec: { selector: { matchLabels: { app: "web" } } } });
const namespace = (enforce: string) =>
    k8s("Namespace", { metadata: { name: "web", labels: { "pod-security.kubernetes.io/enforce": enforce } } });

const STACK_CASES: [string, PolicyResource[], PolicyResource[], string][] = [
    [
        "addon-own-role",
        [release("cluster-autoscaler", { rbac: { serviceAccount: { name: "ca" } } }), association("ca", "arn:role/ca")],
        [
            release("cluster-autoscaler", { rbac: { serviceAccount: { name: "ca" } } }),
            release("external-dns", { serviceAccount: { name: "dns" } }),
            association("ca", "arn:role/ca"),
        ],
        "external-dns (service account kube-system/dns) has neither a Pod Identity association nor an IAM role annotation: it would fall back to the node role",
    ],
    // On Fargate the role comes through the service account's IRSA annotation.
    [
        "addon-own-role",
        [release("external-dns", { serviceAccount: { name: "dns", annotations: { "eks.amazonaws.com/role-arn": "arn:role/dns" } } })],
        [release("external-dns", { serviceAccount: { name: "dns", annotations: { team: "x" } } })],
        "external-dns (service account kube-system/dns) has neither a Pod Identity association nor an IAM role annotation: it would fall back to the node role",
    ],
    ["stage-alerting", alerting("… @slack-acme-alerts"), alerting("no handle"), "monitor m notifies no Slack channel"],
    // Burn-rate windows notify through their composite; without one they would alert no one.
    [
        "stage-alerting",
        [...alerting("@slack-a"), window, composite(["arn:topic"])],
        [...alerting("@slack-a"), window],
        "burn-rate window alarms exist without the composite alarms that notify for them",
    ],
    [
        "stage-alerting",
        [...alerting("@slack-a"), window, composite(["arn:topic"])],
        [...alerting("@slack-a"), window, composite([])],
        "the ALB has no alarms, or an alarm with no action",
    ],
    // Datadog monitors are required only of a stage that runs the Datadog agent.
    [
        "stage-alerting",
        alerting("@slack-a").filter((r) => !r.type.startsWith("datadog:")),
        [...alerting("@slack-a").filter((r) => !r.type.startsWith("datadog:")), release("datadog", {})],
        "the stage runs the Datadog agent but has no Datadog monitors",
    ],
    ["hpa-owns-replicas", [hpa, deployment()], [hpa, deployment({ replicas: 3 })], "sets replicas 3 although HPA web owns the count"],
    ["pdb-per-app", [deployment(), pdb], [deployment()], "no PodDisruptionBudget selects its pods"],
    [
        "restricted-app-namespaces",
        [deployment(), namespace("restricted")],
        [deployment(), namespace("baseline")],
        "namespace web runs apps without enforcing the restricted Pod Security Standard",
    ],
];

function violationsOf(run: ProgramRun) {
    return evaluate(run.resources, RESOURCE_RULES, STACK_RULES);
}

describe("policy pack", () => {
    describe("resource rules", () => {
        for (const [name, passing, failing, message] of RESOURCE_CASES) {
            it(`${name}: accepts a compliant resource, names what is wrong with a non-compliant one`, () => {
                expect(rule(name).check(passing)).to.deep.equal([]);
                expect(rule(name).check(failing)).to.include(message);
            });
        }

        it("every registered resource rule has a pair of fixtures", () => {
            expect(RESOURCE_RULES.map((r) => r.name)).to.have.members(RESOURCE_CASES.map(([name]) => name));
        });
    });

    describe("stack rules", () => {
        for (const [name, passing, failing, message] of STACK_CASES) {
            it(`${name}: accepts a compliant stack, names what is wrong with a non-compliant one (${message})`, () => {
                expect(stackRule(name).check(passing)).to.deep.equal([]);
                expect(
                    stackRule(name)
                        .check(failing)
                        .map((v) => v.message),
                ).to.include(message);
            });
        }

        it("every registered stack rule has a pair of fixtures", () => {
            expect(STACK_RULES.map((r) => r.name)).to.have.members([...new Set(STACK_CASES.map(([name]) => name))]);
        });
    });

    for (const stack of ["dev", "stg", "prd", "fargate", "notifier", "autoscaler"]) {
        it(`fixture ${stack}: the whole pack finds no violation in the render (warnings aside)`, async () => {
            const violations = violationsOf(await fixtureRun(stack)).filter((v) => !v.advisory);
            expect(violations, `policy violations in ${stack}:\n${formatViolations(violations)}`).to.deep.equal([]);
        });
    }

    for (const stack of projectStacks()) {
        it(`committed stack ${stack}: the whole pack finds no violation in the render (warnings aside)`, async () => {
            const violations = violationsOf(await stackRun(stack)).filter((v) => !v.advisory);
            expect(violations, `policy violations in ${stack}:\n${formatViolations(violations)}`).to.deep.equal([]);
        });
    }

    it("lets only a stage that may serve HTTP alone keep a plain HTTP listener; an untagged one may not", () => {
        const rule = RESOURCE_RULES.find((r) => r.name === "alb-https")!;
        const http = (tags?: Record<string, string>) =>
            resource("aws:lb/listener:Listener", { protocol: "HTTP", defaultActions: [{ type: "forward" }], ...(tags ? { tags } : {}) });
        const refused = ["a HTTP listener serves traffic instead of redirecting to HTTPS"];
        expect(rule.check(http({ Stage: "dev" }))).to.deep.equal([]);
        expect(rule.check(http({ Stage: "stg" }))).to.deep.equal(refused);
        expect(rule.check(http())).to.deep.equal(refused);
    });

    it("counts an HPA without minReplicas as keeping 1, the Kubernetes default: refused in every stage", () => {
        const rule = RESOURCE_RULES.find((r) => r.name === "k8s-hpa-minimum")!;
        const hpa = (stage: string) => k8s("HorizontalPodAutoscaler", { metadata: { labels: { "eks-platform/stage": stage } }, spec: {} });
        expect(rule.check(hpa("dev"))).to.deep.equal(["minReplicas is 1, expected at least 2 in dev"]);
        expect(rule.check(hpa("prd"))).to.deep.equal(["minReplicas is 1, expected at least 2 in prd"]);
    });

    it("marks the support-window rule advisory: it warns, the upgrade policy rule stops", () => {
        expect(RESOURCE_RULES.find((r) => r.name === "eks-standard-support-window")!.advisory).to.equal(true);
        expect(RESOURCE_RULES.find((r) => r.name === "eks-upgrade-policy")!.advisory).to.equal(undefined);
    });

    it("warns about no fixture stage stack on 2026-11-26 (each has at least 60 days of standard support left)", async () => {
        const onThatDay = supportWindowRule(() => new Date("2026-11-26T00:00:00Z"));
        for (const stack of ["dev", "stg", "prd"]) {
            const cluster = (await fixtureRun(stack)).resources.find((r) => r.type === "eks:index:Cluster")!;
            expect(onThatDay.check(cluster), stack).to.deep.equal([]);
        }
    });

    it("names the rule and the resource when a rendered stack breaks one", async () => {
        const run = await fixtureRun("prd");
        const broken: PolicyResource[] = JSON.parse(JSON.stringify(run.resources));
        broken.find((r) => r.type === "eks:index:Cluster")!.inputs.publicAccessCidrs = ["0.0.0.0/0"];
        broken.find((r) => r.type === "kubernetes:apps/v1:Deployment")!.inputs.spec.template.spec.containers[0].image = "web:latest";
        expect(formatViolations(evaluate(broken, RESOURCE_RULES, STACK_RULES))).to.equal(
            [
                "  - eks-endpoint-not-public: urn:pulumi:prd::eks-platform::eks-platform:cluster:EksCluster$eks:index:Cluster::eks-cluster: the public API endpoint is open to 0.0.0.0/0",
                "  - k8s-images-pinned: urn:pulumi:prd::eks-platform::eks-platform:app:AppRelease$kubernetes:apps/v1:Deployment::web: container app runs web:latest, which is not pinned",
            ].join("\n"),
        );
    });

    it("recognises pinned images", () => {
        expect(isPinnedImage("registry:5000/team/web:1.2.3")).to.equal(true);
        expect(isPinnedImage("registry:5000/team/web")).to.equal(false);
        expect(isPinnedImage("web@sha256:" + "0".repeat(64))).to.equal(true);
    });
});
