import { expect } from "chai";
import { TERMINATION_HANDLER_TAG } from "../components/cluster/node-groups";
import * as autoscaler from "../components/kube-system-addons/cluster-autoscaler";
import * as datadog from "../components/kube-system-addons/datadog-agent";
import * as externalSecrets from "../components/kube-system-addons/external-secrets";
import * as metricsServer from "../components/kube-system-addons/metrics-server";
import { mergeValues } from "../components/kube-system-addons/addon";
import { parseStackConfig, StackConfigError, SUPPORTED_KUBERNETES_VERSIONS } from "../stacks/config";
import { ProgramRun, resourceNamed, resourcesOfType, runProgram, SECRET_MASK } from "../offline/program-run";
import { configProblems } from "./support/config-problems";
import { ASSOCIATION, RELEASE, releases, ROLE, values, withAddons } from "./support/addons";
import { SECRET_PLACEHOLDER_MARK } from "../offline/stack-files";
import { fargateOnlyCluster, fieldReportCluster, fieldReportRun } from "./support/compute-variants";
import { FIXTURE_DIR, fixtureRun, fixtureSection, readFixtureConfig } from "./support/fixtures";

/** Release name -> [chart, version, repository, namespace], as docs/addons.md's table says. */
const EXPECTED_RELEASES: Record<string, [string, string, string, string]> = {
    "cluster-autoscaler": ["cluster-autoscaler", "9.59.0", "https://kubernetes.github.io/autoscaler", "kube-system"],
    "metrics-server": ["metrics-server", "3.13.1", "https://kubernetes-sigs.github.io/metrics-server/", "kube-system"],
    "kube-state-metrics": ["kube-state-metrics", "8.4.0", "https://prometheus-community.github.io/helm-charts", "kube-system"],
    "datadog": ["datadog", "3.240.0", "https://helm.datadoghq.com", "datadog"],
    "aws-load-balancer-controller": ["aws-load-balancer-controller", "3.5.0", "https://aws.github.io/eks-charts", "kube-system"],
    "aws-node-termination-handler": ["aws-node-termination-handler", "0.27.6", "oci://public.ecr.aws/aws-ec2/helm", "kube-system"],
    "karpenter": ["karpenter", "1.14.1", "oci://public.ecr.aws/karpenter", "kube-system"],
    "karpenter-crd": ["karpenter-crd", "1.14.1", "oci://public.ecr.aws/karpenter", "kube-system"],
    "external-secrets": ["external-secrets", "2.9.0", "https://charts.external-secrets.io", "external-secrets"],
    "external-dns": ["external-dns", "1.21.1", "https://kubernetes-sigs.github.io/external-dns/", "external-dns"],
};

describe("KubeSystemAddons", () => {
    describe("per stage", () => {
        const karpenterStack = [
            "karpenter-crd",
            "karpenter",
            "metrics-server",
            "kube-state-metrics",
            "datadog",
            "aws-load-balancer-controller",
        ];
        const expected: [string, string, () => Promise<ProgramRun>, string[]][] = [
            ["dev", "Karpenter", () => fixtureRun("dev"), karpenterStack],
            ["stg", "Karpenter", () => fixtureRun("stg"), karpenterStack],
            ["prd", "Karpenter", () => fixtureRun("prd"), karpenterStack],
            [
                "dev",
                "cluster-autoscaler",
                () => fieldReportRun("dev"),
                ["cluster-autoscaler", "metrics-server", "kube-state-metrics", "datadog", "aws-load-balancer-controller"],
            ],
            [
                "prd",
                "cluster-autoscaler",
                () => fieldReportRun("prd"),
                [
                    "cluster-autoscaler",
                    "metrics-server",
                    "kube-state-metrics",
                    "datadog",
                    "aws-load-balancer-controller",
                    "aws-node-termination-handler",
                ],
            ],
        ];
        for (const [stack, autoscalerName, render, names] of expected) {
            it(`${stack} with ${autoscalerName}: exactly ${names.length} releases, each pinned to its chart, version, repository and namespace`, async () => {
                const found = releases(await render());
                expect(Object.keys(found)).to.have.members(names);
                for (const name of names) {
                    const [chart, version, repo, namespace] = EXPECTED_RELEASES[name];
                    const source = repo.startsWith("oci://") ? { chart: `${repo}/${chart}` } : { chart, repositoryOpts: { repo } };
                    expect(found[name].inputs, name).to.deep.include({ ...source, version, namespace });
                    expect(found[name].inputs.version, `${name} is an exact version`).to.match(/^\d+\.\d+\.\d+$/);
                }
            });
        }

        it("installs no kubernetes-dashboard, tiller or asg-lifecycle-manager", async () => {
            for (const run of [await fixtureRun("dev"), await fixtureRun("stg"), await fixtureRun("prd"), await fieldReportRun("prd")]) {
                const stack = run.stack;
                const charts = resourcesOfType(run, RELEASE).map((r) => r.inputs.chart);
                for (const absent of ["kubernetes-dashboard", "tiller", "asg-lifecycle-manager"]) {
                    expect(charts, stack).not.to.include(absent);
                }
            }
        });

        it("prd runs two replicas of each controller with a PodDisruptionBudget; dev runs one without", async () => {
            const prd = await fixtureRun("prd");
            expect(values(prd, "karpenter")).to.deep.include({ replicas: 2 });
            const field = await fieldReportRun("prd");
            expect(values(field, "cluster-autoscaler").replicaCount).to.equal(2);
            expect(values(field, "aws-node-termination-handler")).to.deep.include({
                replicas: 2,
                podDisruptionBudget: { maxUnavailable: 1 },
            });
            expect(values(prd, "metrics-server")).to.deep.include({ replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } });
            expect(values(prd, "aws-load-balancer-controller")).to.deep.include({
                replicaCount: 2,
                podDisruptionBudget: { maxUnavailable: 1 },
            });
            expect(values(prd, "datadog").clusterAgent).to.deep.include({ replicas: 2, pdb: { create: true, minAvailable: 1 } });
            const dev = await fixtureRun("dev");
            expect(values(dev, "karpenter")).to.deep.include({ replicas: 1 });
            expect(values(dev, "metrics-server")).to.deep.include({
                replicas: 1,
                podDisruptionBudget: { enabled: false, minAvailable: 1 },
            });
            expect(values(dev, "aws-load-balancer-controller")).to.deep.include({ replicaCount: 1, podDisruptionBudget: {} });
        });

        it("keeps kube-state-metrics at one replica in every stage", async () => {
            expect(values(await fixtureRun("prd"), "kube-state-metrics").replicas).to.equal(1);
        });
    });

    describe("computed values", () => {
        it("give the autoscaler the cluster, the region and an image matching the cluster's Kubernetes minor", async () => {
            expect(values(await fieldReportRun("prd"), "cluster-autoscaler")).to.deep.include({
                cloudProvider: "aws",
                awsRegion: "eu-west-1",
                autoDiscovery: { clusterName: "eks-platform-prd" },
                image: { tag: "v1.35.2" },
            });
            expect(values(await fieldReportRun("dev"), "cluster-autoscaler").image).to.deep.equal({ tag: "v1.36.1" });
        });

        it("pin an autoscaler release of the same minor for every supported Kubernetes minor, and refuse an unknown one", () => {
            for (const version of SUPPORTED_KUBERNETES_VERSIONS) {
                expect(autoscaler.autoscalerImageTag(version), version).to.match(new RegExp(`^v${version.replace(".", "\\.")}\\.\\d+$`));
            }
            expect(() => autoscaler.autoscalerImageTag("1.40")).to.throw("Kubernetes 1.40 has no row in stacks/kubernetes-versions.ts");
        });

        it("give the load balancer controller the cluster, the region and the VPC, so it needs no instance metadata", async () => {
            expect(values(await fixtureRun("stg"), "aws-load-balancer-controller")).to.deep.include({
                clusterName: "eks-platform-stg",
                region: "eu-west-1",
                vpcId: "vpc-network-vpc",
                enableServiceMutatorWebhook: false,
            });
        });

        it("give Datadog the cluster name, the site, the key's Secret and node groups as tags, never the key itself", async () => {
            const run = await fixtureRun("prd");
            const dd = values(run, "datadog");
            expect(dd.datadog).to.deep.include({
                site: "datadoghq.com",
                clusterName: "eks-platform-prd",
                apiKeyExistingSecret: datadog.API_KEY_SECRET,
                nodeLabelsAsTags: { "eks-platform/node-group": datadog.NODE_GROUP_TAG, "karpenter.sh/nodepool": datadog.NODE_POOL_TAG },
                kubeStateMetricsEnabled: false,
            });
            expect(dd.datadog.kubeStateMetricsCore).to.include({ enabled: true, ignoreLegacyKSMCheck: true });
            expect(JSON.stringify(dd)).not.to.match(/apiKey"|RENDER-PLACEHOLDER/);
            const secret = resourceNamed(run, "kubernetes:core/v1:Secret", "eks-addons-datadog-api-key");
            expect(secret.inputs.stringData).to.deep.equal({ "api-key": SECRET_MASK });
            expect(releases(run).datadog.dependencies).to.include(secret.urn);
            expect(JSON.stringify(run.resources)).not.to.contain(SECRET_PLACEHOLDER_MARK);
        });

        it("Datadog: the cluster agent's token is a Secret the program owns (not the chart's random one per render), on every cluster", async () => {
            for (const run of [await fixtureRun("prd"), await withAddons("stg", {}, fargateOnlyCluster("stg"))]) {
                const dd = values(run, "datadog");
                expect(dd.clusterAgent.tokenExistingSecret, run.stack).to.equal(datadog.CLUSTER_AGENT_TOKEN_SECRET);
                const secret = resourceNamed(run, "kubernetes:core/v1:Secret", "eks-addons-datadog-cluster-agent-token");
                expect(secret.inputs.metadata).to.deep.include({ name: datadog.CLUSTER_AGENT_TOKEN_SECRET, namespace: "datadog" });
                expect(secret.inputs.stringData).to.deep.equal({ token: SECRET_MASK });
                expect(releases(run).datadog.dependencies).to.include(secret.urn);
                // The chart renders no token of its own then, so no token checksum changes between upgrades.
                expect(dd.clusterAgent).not.to.have.property("token");
            }
        });

        it("Datadog: rotating the API key restarts the agents (a digest of the key on their pods), never showing the key", async () => {
            const checksum = async (key?: string) => {
                const run = key
                    ? await runProgram({ stackDir: FIXTURE_DIR, stack: "prd", secrets: { "datadog:apiKey": key } })
                    : await fixtureRun("prd");
                const dd = values(run, "datadog");
                expect(dd.clusterAgent.podAnnotations[datadog.API_KEY_CHECKSUM_ANNOTATION]).to.equal(
                    dd.agents.podAnnotations[datadog.API_KEY_CHECKSUM_ANNOTATION],
                );
                return dd.agents.podAnnotations[datadog.API_KEY_CHECKSUM_ANNOTATION] as string;
            };
            const before = await checksum();
            expect(before).to.match(/^[0-9a-f]{64}$/);
            const after = await checksum("0123456789abcdef0123456789abcdef");
            expect(after)
                .to.match(/^[0-9a-f]{64}$/)
                .and.not.equal(before);
            expect(
                JSON.stringify(
                    values(
                        await runProgram({
                            stackDir: FIXTURE_DIR,
                            stack: "prd",
                            secrets: { "datadog:apiKey": "v1:rotated" },
                        }),
                        "datadog",
                    ),
                ),
            ).not.to.contain("v1:rotated");
        });

        it("Datadog: agents and cluster agent have a priority class, the trace agent has resources", async () => {
            const dd = values(await fixtureRun("prd"), "datadog");
            expect(dd.agents.priorityClassCreate).to.equal(true);
            expect(dd.clusterAgent.priorityClassName).to.equal("system-cluster-critical");
            expect(dd.agents.containers.traceAgent.resources).to.deep.equal(datadog.DEFAULT_TRACE_AGENT_RESOURCES);
        });

        it("external-secrets: leader election on (both replicas would reconcile otherwise), and resources for webhook and cert controller", async () => {
            const eso = values(
                await withAddons("prd", {
                    externalSecrets: { enabled: true, secretArns: ["arn:aws:secretsmanager:eu-west-1:333344445555:secret:web/*"] },
                }),
                "external-secrets",
            );
            expect(eso.replicaCount).to.equal(2);
            expect(eso.leaderElect).to.equal(true);
            expect(eso.webhook.resources).to.deep.equal(externalSecrets.SIDE_RESOURCES);
            expect(eso.certController.resources).to.deep.equal(externalSecrets.SIDE_RESOURCES);
        });

        it("metrics-server: two replicas spread over nodes and zones, by the chart's selector labels; one replica, no spread", async () => {
            const prd = values(await fixtureRun("prd"), "metrics-server");
            expect(prd.replicas).to.equal(2);
            expect(prd.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable])).to.deep.equal([
                ["topology.kubernetes.io/zone", "ScheduleAnyway"],
                ["kubernetes.io/hostname", "DoNotSchedule"],
            ]);
            for (const c of prd.topologySpreadConstraints) {
                expect(c.labelSelector).to.deep.equal({
                    matchLabels: { "app.kubernetes.io/name": "metrics-server", "app.kubernetes.io/instance": "metrics-server" },
                });
            }
            expect(values(await fixtureRun("stg"), "metrics-server")).not.to.have.property("topologySpreadConstraints");
        });

        it("load balancer controller keeps its webhook certificate across upgrades; Karpenter requests what its docs do", async () => {
            const run = await fixtureRun("prd");
            expect(values(run, "aws-load-balancer-controller").keepTLSSecret).to.equal(true);
            expect(values(run, "karpenter").controller.resources).to.deep.equal({
                requests: { cpu: "1", memory: "1Gi" },
                limits: { cpu: "1", memory: "1Gi" },
            });
        });

        it("Datadog on Fargate: the sidecar webhook's failure policy is Ignore, said explicitly", async () => {
            const dd = values(await withAddons("stg", {}, fargateOnlyCluster("stg")), "datadog");
            expect(dd.clusterAgent.admissionController.failurePolicy).to.equal("Ignore");
        });

        it("give the termination handler its queue, queue mode and the node tag it checks before draining", async () => {
            const run = await fieldReportRun("prd");
            expect(values(run, "aws-node-termination-handler")).to.deep.include({
                enableSqsTerminationDraining: true,
                awsRegion: "eu-west-1",
                checkTagBeforeDraining: true,
                managedTag: TERMINATION_HANDLER_TAG,
            });
            expect(values(run, "aws-node-termination-handler").queueURL).to.be.a("string");
            const asgTag = (resourceNamed(run, "aws:autoscaling/group:Group", "eks-burst").inputs.tags as any[]).find(
                (t) => t.key === TERMINATION_HANDLER_TAG,
            );
            expect(asgTag.propagateAtLaunch, "the handler checks the instance's tags").to.equal(true);
        });

        it("merge the stack's extra values last, over the computed ones", () => {
            expect(mergeValues({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2] })).to.deep.equal({ a: { b: 1, c: 3 }, d: [2] });
            const v = metricsServer.metricsServerValues(1, metricsServer.DEFAULT_RESOURCES, {
                replicas: 3,
                args: ["--kubelet-insecure-tls"],
            });
            expect(v).to.deep.include({ replicas: 3, args: ["--kubelet-insecure-tls"] });
        });

        it("take per-addon replicas and resources from the stack config", async () => {
            const resources = { requests: { cpu: "300m", memory: "400Mi" }, limits: { cpu: "600m", memory: "800Mi" } };
            // Three Karpenter replicas need three system nodes (their chart keeps each on its own).
            const cluster = fixtureSection("dev", "cluster");
            Object.assign(cluster.nodeGroups.system, { minSize: 3, desiredSize: 3, maxSize: 3 });
            const run = await withAddons("dev", { karpenter: { replicas: 3, resources } }, cluster);
            expect(values(run, "karpenter")).to.deep.include({ replicas: 3, controller: { resources } });
            const field = await withAddons("dev", { clusterAutoscaler: { replicas: 3, resources } }, fieldReportCluster("dev"));
            expect(values(field, "cluster-autoscaler")).to.deep.include({ replicaCount: 3, resources });
        });
    });

    describe("switching addons off prunes them", () => {
        const cases: [string, string, string[]][] = [
            ["clusterAutoscaler", "cluster-autoscaler", [RELEASE, ROLE, "aws:iam/rolePolicy:RolePolicy", ASSOCIATION]],
            [
                "nodeTerminationHandler",
                "node-termination-handler",
                [
                    RELEASE,
                    ROLE,
                    "aws:iam/rolePolicy:RolePolicy",
                    ASSOCIATION,
                    "aws:sqs/queue:Queue",
                    "aws:autoscaling/lifecycleHook:LifecycleHook",
                ],
            ],
            ["kubeStateMetrics", "kube-state-metrics", [RELEASE]],
        ];
        for (const [key, name, types] of cases) {
            it(`${key}: its release${types.length > 1 ? ", role, policy and the rest" : ""} disappear, nothing else changes`, async () => {
                const before = await fieldReportRun("prd");
                const after = await withAddons("prd", { [key]: { enabled: false } }, fieldReportCluster("prd"));
                const remaining = new Set(after.resources.map((r) => r.urn));
                const removed = before.resources.filter((r) => !remaining.has(r.urn));
                expect(removed.length).to.be.greaterThan(0);
                for (const r of removed) {
                    expect(r.name, r.urn).to.contain(name);
                }
                for (const type of types) {
                    expect(
                        removed.map((r) => r.type),
                        type,
                    ).to.include(type);
                }
                const added = after.resources.filter((r) => !before.resources.some((b) => b.urn === r.urn));
                expect(added).to.deep.equal([]);
            });
        }

        it("datadog: the agent, every Datadog monitor and dashboard and the Datadog Slack channel disappear; CloudWatch alarms stay", async () => {
            const before = await fixtureRun("prd");
            const monitoring = fixtureSection("prd", "monitoring");
            delete monitoring.slack.datadogAccount;
            delete monitoring.pageHandles;
            delete monitoring.datadog;
            const after = await runProgram({
                stackDir: FIXTURE_DIR,
                stack: "prd",
                overrides: {
                    "eks-platform:addons": { datadog: { enabled: false } },
                    "eks-platform:monitoring": monitoring,
                    "datadog:apiKey": undefined,
                    "datadog:appKey": undefined,
                },
            });
            const remaining = new Set(after.resources.map((r) => r.urn));
            const removed = before.resources.filter((r) => !remaining.has(r.urn));
            expect(
                removed
                    .filter(
                        (r) =>
                            !r.type.startsWith("datadog:") &&
                            !r.type.startsWith("pulumi:providers:datadog") &&
                            !r.type.startsWith("eks-platform:monitoring:Datadog"),
                    )
                    .map((r) => r.name),
            ).to.satisfy((names: string[]) => names.every((n) => n.includes("datadog")));
            expect(removed.map((r) => r.type)).to.include.members([
                RELEASE,
                "kubernetes:core/v1:Namespace",
                "kubernetes:core/v1:Secret",
                "datadog:index/monitor:Monitor",
                "datadog:index/dashboardJson:DashboardJson",
                "datadog:slack/channel:Channel",
                "pulumi:providers:datadog",
            ]);
            expect(after.resources.filter((r) => r.type.startsWith("datadog:") || r.type === "pulumi:providers:datadog")).to.deep.equal([]);
            expect(resourcesOfType(after, "aws:cloudwatch/metricAlarm:MetricAlarm").length)
                .to.equal(resourcesOfType(before, "aws:cloudwatch/metricAlarm:MetricAlarm").length)
                .and.to.be.greaterThan(0);
            expect(after.resources.filter((r) => !before.resources.some((b) => b.urn === r.urn))).to.deep.equal([]);
        });

        it("datadog off: the stack may not keep Datadog settings nothing would read", () => {
            expect(configProblems("prd", { overrides: { "eks-platform:addons": { datadog: { enabled: false } } } })).to.deep.equal([
                '[prd] eks-platform:monitoring.slack.datadogAccount = "acme": expected no Datadog settings while addons.datadog.enabled is false: no Datadog monitor exists to use them',
                '[prd] eks-platform:monitoring.pageHandles = ["@pagerduty-web-oncall"]: expected no Datadog settings while addons.datadog.enabled is false: no Datadog monitor exists to use them',
                '[prd] eks-platform:monitoring.datadog = {"deploymentAvailability":{"critical":0.5,"warning":0.8}}: expected no Datadog settings while addons.datadog.enabled is false: no Datadog monitor exists to use them',
            ]);
        });

        it("external-dns and external-secrets are off by default and come with their own namespace and role when on", async () => {
            expect(Object.keys(releases(await fixtureRun("prd")))).not.to.include.members(["external-dns", "external-secrets"]);
            const run = await withAddons("prd", {
                externalDns: { enabled: true, hostedZoneIds: ["Z0123456789ABC"], domainFilters: ["example.com"] },
                externalSecrets: { enabled: true, secretArns: ["arn:aws:secretsmanager:eu-west-1:333344445555:secret:web/*"] },
            });
            expect(values(run, "external-dns")).to.deep.include({
                txtOwnerId: "eks-platform-prd",
                policy: "upsert-only",
                domainFilters: ["example.com"],
            });
            expect(values(run, "external-secrets")).to.deep.include({ installCRDs: true });
            for (const name of ["external-dns", "external-secrets"]) {
                expect(resourceNamed(run, ASSOCIATION, `eks-addons-${name}`).inputs).to.include({ namespace: name, serviceAccount: name });
                expect(resourceNamed(run, "kubernetes:core/v1:Namespace", `eks-addons-${name}`).inputs.metadata).to.deep.include({ name });
            }
        });
    });

    describe("on a Fargate-only cluster", () => {
        it("installs no autoscaler and no termination handler, and runs Datadog as a sidecar", async () => {
            const run = await withAddons("stg", {}, fargateOnlyCluster("stg"));
            const names = Object.keys(releases(run));
            expect(names).not.to.include("cluster-autoscaler");
            expect(names).not.to.include("aws-node-termination-handler");
            const dd = values(run, "datadog");
            expect(dd.agents.enabled).to.equal(false);
            expect(dd.clusterAgent.tokenExistingSecret).to.equal(datadog.CLUSTER_AGENT_TOKEN_SECRET);
            expect(dd.clusterAgent.admissionController).to.deep.equal({
                enabled: true,
                failurePolicy: "Ignore",
                agentSidecarInjection: {
                    enabled: true,
                    provider: "fargate",
                    selectors: [{ namespaceSelector: { matchLabels: { [datadog.SIDECAR_NAMESPACE_LABEL]: "fargate" } } }],
                    profiles: [{ resources: datadog.DEFAULT_AGENT_RESOURCES, securityContext: datadog.sidecarSecurityContext() }],
                },
            });
            const profiles = resourcesOfType(run, "aws:eks/fargateProfile:FargateProfile");
            expect(profiles.flatMap((p) => (p.inputs.selectors as any[]).map((s) => s.namespace))).to.deep.equal([
                "kube-system",
                "datadog",
                "web",
            ]);
            expect(resourceNamed(run, "eks:index:Cluster", "eks-cluster").inputs).not.to.have.property("fargate");
        });

        it("gives each app namespace what the injected agent needs: the selector's label, datadog-secret and RBAC for its service account", async () => {
            const run = await withAddons("stg", {}, fargateOnlyCluster("stg"));
            const namespace = resourceNamed(run, "kubernetes:core/v1:Namespace", "web");
            expect((namespace.inputs.metadata as any).labels).to.include({ [datadog.SIDECAR_NAMESPACE_LABEL]: "fargate" });
            const secret = resourceNamed(run, "kubernetes:core/v1:Secret", "web-datadog");
            expect(secret.inputs).to.deep.include({
                metadata: { name: "datadog-secret", namespace: "web", labels: (secret.inputs.metadata as any).labels },
            });
            expect(secret.inputs.stringData).to.deep.equal({ "api-key": SECRET_MASK, "token": SECRET_MASK });
            const role = resourceNamed(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "eks-addons-datadog-agent-fargate");
            expect(role.inputs.rules).to.deep.equal(datadog.fargateAgentRules());
            const binding = resourceNamed(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "web-datadog-agent");
            expect(binding.inputs).to.deep.include({
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "datadog-agent-fargate" },
                subjects: [{ kind: "ServiceAccount", name: "web", namespace: "web" }],
            });
            // The injected agent reads the kubelet with the pod's token; pods wait for the webhook that injects it.
            const deployment = resourceNamed(run, "kubernetes:apps/v1:Deployment", "web");
            expect((deployment.inputs.spec as any).template.spec.automountServiceAccountToken).to.equal(true);
            expect(deployment.dependencies).to.include.members([secret.urn, binding.urn, releases(run).datadog.urn]);
            const tokenSecret = resourceNamed(run, "kubernetes:core/v1:Secret", "eks-addons-datadog-cluster-agent-token");
            expect(tokenSecret.inputs.stringData).to.deep.equal({ token: SECRET_MASK });
            expect(releases(run).datadog.dependencies).to.include(tokenSecret.urn);
        });

        it("injects nothing and creates no sidecar objects on a cluster with nodes", async () => {
            const run = await fixtureRun("stg");
            expect(values(run, "datadog").clusterAgent).not.to.have.property("admissionController");
            // The cluster agent's token exists on every cluster (see above); the sidecars' objects do not.
            expect(run.resources.filter((r) => /datadog-agent-fargate|web-datadog/.test(r.name))).to.deep.equal([]);
            expect(
                (resourceNamed(run, "kubernetes:apps/v1:Deployment", "web").inputs.spec as any).template.spec.automountServiceAccountToken,
            ).to.equal(false);
        });

        it("refuses a forced autoscaler and termination handler with a clear error", () => {
            const raw = readFixtureConfig("stg", {
                overrides: {
                    "eks-platform:addons": { clusterAutoscaler: { enabled: true }, nodeTerminationHandler: { enabled: true } },
                    "eks-platform:cluster": fargateOnlyCluster("stg"),
                },
            });
            expect(() => parseStackConfig("stg", raw)).to.throw(
                StackConfigError,
                "[stg] eks-platform:addons.clusterAutoscaler.enabled = true: expected false on a Fargate-only cluster: there are no node groups to scale\n" +
                    "  - [stg] eks-platform:addons.nodeTerminationHandler.enabled = true: expected false without self-managed node groups: EKS managed groups and Fargate drain nodes themselves",
            );
        });
    });

    describe("refuses", () => {
        function problem(stack: string, addons: Record<string, unknown>): string {
            return configProblems(stack, { overrides: { "eks-platform:addons": addons } })
                .map((line) => `  - ${line}`)
                .join("\n");
        }

        it("metrics-server off while apps have autoscalers", () => {
            expect(problem("dev", { metricsServer: { enabled: false } })).to.equal(
                "  - [dev] eks-platform:addons.metricsServer.enabled = false: expected true while apps exist: their HorizontalPodAutoscalers read metrics-server",
            );
        });

        it("the load balancer controller off while apps sit behind the ALB", () => {
            expect(problem("dev", { awsLoadBalancerController: { enabled: false } })).to.equal(
                "  - [dev] eks-platform:addons.awsLoadBalancerController.enabled = false: expected true while apps exist: the ALB reaches their pods through TargetGroupBindings it reconciles",
            );
        });

        it("external-dns without zones to confine it to", () => {
            expect(problem("dev", { externalDns: { enabled: true } })).to.equal(
                '  - [dev] eks-platform:addons.externalDns = {"hostedZoneIds":[],"domainFilters":[]}: expected hostedZoneIds and domainFilters when external-dns is enabled: it may change those zones only',
            );
        });

        it("external-secrets without secrets to confine it to", () => {
            expect(problem("dev", { externalSecrets: { enabled: true } })).to.equal(
                '  - [dev] eks-platform:addons.externalSecrets = {"secretArns":[],"parameterArns":[]}: expected secretArns or parameterArns when external-secrets is enabled: it may read those only',
            );
        });

        it("a replica count out of range and a misspelt addon", () => {
            expect(problem("dev", { metricsServer: { replicas: 9 }, clusterAutoscalr: {} })).to.equal(
                [
                    "  - [dev] eks-platform:addons.metricsServer.replicas = 9: expected a whole number from 1 to 5",
                    "  - [dev] eks-platform:addons.clusterAutoscalr = {}: unknown key: remove it or check its spelling against docs/configuration.md",
                ].join("\n"),
            );
        });
    });
});
