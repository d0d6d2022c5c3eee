import { expect } from "chai";
import { accessLogBucketPolicy } from "../components/app/access-log-bucket";
import { hostPatternCovers, pathPatterns, rulePriorities } from "../stacks/routing";
import { configData, contentAddressedName, imageVersion, shutdownTiming } from "../components/app/app-release";
import { ProgramRun, RenderedResource, resourceNamed, resourcesOfType, runProgram, SECRET_MASK } from "../offline/program-run";
import { configProblems } from "./support/config-problems";
import { SECRET_PLACEHOLDER_MARK, StackFileOptions } from "../offline/stack-files";
import { FIXTURE_DIR, fixtureRun, fixtureSection } from "./support/fixtures";

const K = {
    namespace: "kubernetes:core/v1:Namespace",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    configMap: "kubernetes:core/v1:ConfigMap",
    secret: "kubernetes:core/v1:Secret",
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    tgb: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
};
const ALB = "aws:lb/loadBalancer:LoadBalancer";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";

function apps(stack: string): Record<string, any> {
    return fixtureSection(stack, "apps");
}

function appObjects(run: ProgramRun, app: string): RenderedResource[] {
    return run.resources.filter((r) => r.urn.includes(`eks-platform:app:AppRelease$`) && r.parent?.endsWith(`::${app}`));
}

function objectOf(run: ProgramRun, type: string, app = "web"): Record<string, any> {
    const found = appObjects(run, app).find((r) => r.type === type);
    if (!found) {
        throw new Error(`no ${type} for app ${app} in ${run.stack}`);
    }
    return found.inputs;
}

function container(run: ProgramRun, app = "web"): Record<string, any> {
    return objectOf(run, K.deployment, app).spec.template.spec.containers[0];
}

/** A second app, routed by host, for multi-app specs. */
const API_APP = {
    image: "444455556666.dkr.ecr.eu-west-1.amazonaws.com/api:2.3.1",
    port: 9090,
    healthCheckPath: "/ready",
    hosts: ["api.example.com"],
    replicas: 2,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    rds: { host: "api-prd.c7dkfmt89xyz.eu-west-1.rds.amazonaws.com", database: "api", user: "api_app" },
};

const problems = configProblems;

function withWeb(stack: string, edit: (web: any) => void): StackFileOptions {
    const config = apps(stack);
    edit(config.web);
    return { overrides: { "eks-platform:apps": config } };
}

describe("AppRelease", () => {
    it("renders every object of the app in each stage", async () => {
        for (const stack of ["dev", "stg", "prd"]) {
            const types = appObjects(await fixtureRun(stack), "web").map((r) => r.type);
            expect(types, stack).to.have.members(Object.values(K));
        }
    });

    it("uses each stage's pod resources, autoscaling bounds and RDS values", async () => {
        const dev = await fixtureRun("dev");
        const prd = await fixtureRun("prd");
        expect(container(dev).resources).to.deep.equal({
            requests: { cpu: "100m", memory: "128Mi" },
            limits: { cpu: "250m", memory: "256Mi" },
        });
        expect(container(prd).resources).to.deep.equal({ requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } });
        expect(objectOf(dev, K.hpa).spec).to.deep.include({ minReplicas: 2, maxReplicas: 3 });
        expect(objectOf(prd, K.hpa).spec).to.deep.include({ minReplicas: 3, maxReplicas: 20 });
        // The app container's own CPU: a sidecar's request (Datadog's agent on Fargate) does not dilute it.
        expect(objectOf(prd, K.hpa).spec.metrics).to.deep.equal([
            {
                type: "ContainerResource",
                containerResource: { name: "cpu", container: "app", target: { type: "Utilization", averageUtilization: 60 } },
            },
        ]);
        expect(objectOf(prd, K.deployment).spec.template.spec.containers[0].name).to.equal("app");
        expect(objectOf(dev, K.configMap).data).to.deep.include({
            DB_HOST: "web-dev.c9akciq32xyz.eu-west-1.rds.amazonaws.com",
            DB_PORT: "5432",
            LOG_LEVEL: "debug",
        });
        expect(objectOf(prd, K.configMap).data).to.deep.include({
            DB_HOST: "web-prd.c7dkfmt89xyz.eu-west-1.rds.amazonaws.com",
            DB_NAME: "web",
            DB_USER: "web_app",
        });
    });

    it("keeps the password out of the ConfigMap and masked in the Secret", async () => {
        const run = await fixtureRun("prd");
        const data = objectOf(run, K.configMap).data;
        expect(Object.keys(data).filter((k) => /pass|secret|token/i.test(k))).to.deep.equal([]);
        expect(objectOf(run, K.configMap).immutable).to.equal(true);
        expect(objectOf(run, K.secret).stringData).to.deep.equal({ DB_PASSWORD: SECRET_MASK });
        expect(JSON.stringify(run.resources)).not.to.contain(SECRET_PLACEHOLDER_MARK);
        expect(container(run).envFrom).to.deep.equal([
            { configMapRef: { name: objectOf(run, K.configMap).metadata.name } },
            { secretRef: { name: "web-db" } },
        ]);
    });

    it("leaves replicas to the HPA when there is one, and sets them when there is not", async () => {
        expect(objectOf(await fixtureRun("prd"), K.deployment).spec).not.to.have.property("replicas");
        const run = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "stg",
            ...withWeb("stg", (web) => {
                delete web.autoscaling;
                web.replicas = 3;
            }),
        });
        expect(objectOf(run, K.deployment).spec.replicas).to.equal(3);
        expect(appObjects(run, "web").map((r) => r.type)).not.to.include(K.hpa);
    });

    it("rolls the pods when the ConfigMap changes: its name follows its content", async () => {
        const before = await fixtureRun("stg");
        const after = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "stg",
            ...withWeb("stg", (web) => {
                web.env.LOG_LEVEL = "warn";
            }),
        });
        const name = (run: ProgramRun) => container(run).envFrom[0].configMapRef.name;
        expect(name(before)).to.match(/^web-config-[0-9a-f]{10}$/);
        expect(name(after)).not.to.equal(name(before));
    });

    it("pins the image, probes readiness and liveness, and drains before it stops", async () => {
        const run = await fixtureRun("prd");
        const app = container(run);
        expect(app.image).to.match(/@sha256:[0-9a-f]{64}$/);
        expect(app.readinessProbe.httpGet).to.deep.equal({ path: "/healthz", port: "http" });
        expect(app.livenessProbe.httpGet).to.deep.equal({ path: "/healthz", port: "http" });
        // Timeouts said, not Kubernetes' 1 s default; liveness, which restarts, waits longest.
        expect([app.startupProbe, app.readinessProbe, app.livenessProbe].map((p: any) => p.timeoutSeconds)).to.deep.equal([2, 2, 5]);
        for (const probe of [app.startupProbe, app.readinessProbe, app.livenessProbe]) {
            expect(probe.timeoutSeconds).to.be.below(probe.periodSeconds);
        }
        const targetGroup = resourceNamed(run, TARGET_GROUP, "alb-web").inputs;
        expect(app.lifecycle.preStop.sleep.seconds).to.equal(targetGroup.deregistrationDelay);
        expect(objectOf(run, K.deployment).spec.template.spec.terminationGracePeriodSeconds).to.equal(30 + 15);
    });

    it("has no preStop hook when the target group does not drain (deregistrationDelaySeconds 0)", async () => {
        const run = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "prd",
            ...withWeb("prd", (web) => {
                web.deregistrationDelaySeconds = 0;
            }),
        });
        expect(container(run)).not.to.have.property("lifecycle");
        expect(resourceNamed(run, TARGET_GROUP, "alb-web").inputs.deregistrationDelay).to.equal(0);
        expect(objectOf(run, K.deployment).spec.template.spec.terminationGracePeriodSeconds).to.equal(15);
    });

    it("runs as non-root under the restricted Pod Security Standard, spread across zones", async () => {
        const run = await fixtureRun("prd");
        const labels = objectOf(run, K.namespace).metadata.labels;
        expect(labels).to.include({
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "v1.35",
        });
        const pod = objectOf(run, K.deployment).spec.template.spec;
        expect(pod.securityContext).to.deep.equal({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(pod.containers[0].securityContext).to.deep.include({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
        expect(pod.topologySpreadConstraints[0]).to.include({
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "DoNotSchedule",
        });
        const devPod = objectOf(await fixtureRun("dev"), K.deployment).spec.template.spec;
        expect(devPod.topologySpreadConstraints[0].whenUnsatisfiable).to.equal("ScheduleAnyway");
        // Only the pods of the same ReplicaSet count: a rollout does not skew the spread.
        for (const constraint of pod.topologySpreadConstraints) {
            expect(constraint.matchLabelKeys).to.deep.equal(["pod-template-hash"]);
        }
    });

    it("runs only on nodes of the architectures its image is built for, and refuses a set no NodePool offers", async () => {
        const run = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "prd",
            ...withWeb("prd", (web) => {
                web.architectures = ["arm64"];
            }),
        });
        expect(objectOf(run, K.deployment).spec.template.spec.affinity).to.deep.equal({
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }] }],
                },
            },
        });
        // Unset: no constraint (a multi-architecture image).
        expect(objectOf(await fixtureRun("prd"), K.deployment).spec.template.spec).not.to.have.property("affinity");
        // The notifier fixture's only NodePool is amd64; its node group is a system node, not the apps'.
        const apps = fixtureSection("notifier", "apps");
        apps.api.architectures = ["arm64"];
        expect(configProblems("notifier", { overrides: { "eks-platform:apps": apps } })).to.deep.equal([
            '[notifier] eks-platform:apps.api.architectures = ["arm64"]: expected an architecture cluster.nodePools offers (amd64): no node the app may run on is arm64, so its pods would stay Pending',
        ]);
    });

    it("runs as the numeric user an app sets (an image whose USER is a name needs one), and refuses root", async () => {
        const run = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "prd",
            ...withWeb("prd", (web) => {
                web.runAsUser = 10001;
            }),
        });
        expect(objectOf(run, K.deployment).spec.template.spec.securityContext).to.deep.equal({
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: "RuntimeDefault" },
        });
        const apps = fixtureSection("prd", "apps");
        apps.web.runAsUser = 0;
        expect(configProblems("prd", { overrides: { "eks-platform:apps": apps } })).to.deep.equal([
            "[prd] eks-platform:apps.web.runAsUser = 0: expected a numeric user ID from 1 to 2147483647: 0 is root, which the restricted Pod Security Standard refuses",
        ]);
    });

    it("gives the app its own service account with no API token mounted", async () => {
        const run = await fixtureRun("dev");
        expect(objectOf(run, K.serviceAccount)).to.deep.include({ automountServiceAccountToken: false });
        expect(objectOf(run, K.deployment).spec.template.spec).to.include({
            serviceAccountName: "web",
            automountServiceAccountToken: false,
        });
    });

    it("exposes a ClusterIP Service and a PodDisruptionBudget that never blocks a drain", async () => {
        const run = await fixtureRun("prd");
        expect(objectOf(run, K.service).spec).to.deep.include({
            type: "ClusterIP",
            ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
        });
        expect(objectOf(run, K.pdb).spec).to.deep.include({ maxUnavailable: 1 });
    });

    it("binds the Service to the app's target group, opening the pods to the ALB only, once the controller is up", async () => {
        const run = await fixtureRun("prd");
        const tgb = appObjects(run, "web").find((r) => r.type === K.tgb)!;
        const targetGroup = resourceNamed(run, TARGET_GROUP, "alb-web");
        expect(tgb.inputs.spec).to.deep.include({
            serviceRef: { name: "web", port: 80 },
            targetType: "ip",
            targetGroupARN: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/alb-web/73e2d6bc24d8a067",
            networking: { ingress: [{ from: [{ securityGroup: { groupID: "sg-alb" } }], ports: [{ protocol: "TCP", port: 8080 }] }] },
        });
        expect(tgb.dependencies).to.include(targetGroup.urn);
        const controller = resourceNamed(run, "kubernetes:helm.sh/v3:Release", "eks-addons-aws-load-balancer-controller");
        expect(tgb.dependencies).to.include(controller.urn);
        const deployment = appObjects(run, "web").find((r) => r.type === K.deployment)!;
        expect(deployment.dependencies).to.include(controller.urn);
    });

    it("serves several apps, each in its own namespace, with its own target group and routing rule", async () => {
        const run = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "prd",
            overrides: { "eks-platform:apps": { ...apps("prd"), api: API_APP } },
        });
        expect(objectOf(run, K.namespace, "api").metadata.name).to.equal("api");
        expect(objectOf(run, K.deployment, "api").spec.replicas).to.equal(2);
        expect(resourcesOfType(run, TARGET_GROUP).map((t) => t.name)).to.deep.equal(["alb-web", "alb-api"]);
        const rules = Object.fromEntries(resourcesOfType(run, "aws:lb/listenerRule:ListenerRule").map((r) => [r.name, r.inputs]));
        expect(rules["alb-api"].conditions).to.deep.equal([
            { hostHeader: { values: ["api.example.com"] } },
            { pathPattern: { values: ["/*"] } },
        ]);
        expect(run.outputs.appNamespaces).to.deep.equal({ web: "web", api: "api" });
    });

    it("removing an app from config removes every object it had", async () => {
        const both = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "prd",
            overrides: { "eks-platform:apps": { ...apps("prd"), api: API_APP } },
        });
        const webOnly = await fixtureRun("prd");
        const remaining = new Set(webOnly.resources.map((r) => r.urn));
        const removed = both.resources.filter((r) => !remaining.has(r.urn));
        const alarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
        const composite = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
        // Per burn-rate tier (three by default): a long and a short window alarm and their composite.
        const sloTier = [alarm, alarm, composite];
        expect(removed.map((r) => r.type)).to.have.members([
            "eks-platform:app:AppRelease",
            ...Object.values(K).filter((t) => t !== K.hpa),
            TARGET_GROUP,
            "aws:lb/listenerRule:ListenerRule",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
            alarm,
            alarm,
            alarm,
            ...sloTier,
            ...sloTier,
            ...sloTier,
            "datadog:index/serviceLevelObjective:ServiceLevelObjective",
            "datadog:index/dashboardJson:DashboardJson",
        ]);
        // The egress rule is per port; 9090 is the api app's alone.
        removed.forEach((r) => expect(r.urn).to.match(/::((alb|alb-alarms|slo-alarms|slos|dashboards)-)?api(-[a-z0-9-]+)?$|alb-out-9090$/));
    });
});

describe("AppLoadBalancer", () => {
    it("prd: HTTPS with the certificate and a TLS 1.3 policy, HTTP redirected, deletion protection and access logs", async () => {
        const run = await fixtureRun("prd");
        const https = resourceNamed(run, LISTENER, "alb-https").inputs;
        expect(https).to.deep.include({
            port: 443,
            protocol: "HTTPS",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            certificateArn: "arn:aws:acm:eu-west-1:333344445555:certificate/9c1e7a3b-5d2f-4a8e-b6c0-2e4a6c8e0f13",
        });
        expect(resourceNamed(run, LISTENER, "alb-http").inputs.defaultActions).to.deep.equal([
            { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ]);
        const alb = resourceNamed(run, ALB, "alb").inputs;
        expect(alb).to.deep.include({
            internal: false,
            enableDeletionProtection: true,
            dropInvalidHeaderFields: true,
            accessLogs: { bucket: "alb-access-logs-mock", enabled: true },
        });
        expect(alb.subnets).to.deep.equal(["subnet-public-network-vpc-0", "subnet-public-network-vpc-1", "subnet-public-network-vpc-2"]);
        const encryption = resourceNamed(
            run,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "alb-access-logs",
        );
        expect(encryption.inputs.rules).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        expect(resourceNamed(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "alb-access-logs").inputs).to.include({
            blockPublicAcls: true,
            restrictPublicBuckets: true,
        });
    });

    it("dev: HTTP only, no access logs, no deletion protection, reachable from the configured CIDRs only", async () => {
        const run = await fixtureRun("dev");
        expect(resourcesOfType(run, LISTENER).map((l) => l.inputs.protocol)).to.deep.equal(["HTTP"]);
        expect(resourceNamed(run, ALB, "alb").inputs).to.deep.include({ enableDeletionProtection: false });
        expect(resourceNamed(run, ALB, "alb").inputs).not.to.have.property("accessLogs");
        expect(resourcesOfType(run, "aws:s3/bucket:Bucket")).to.deep.equal([]);
        const ingress = resourcesOfType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.inputs);
        expect(ingress).to.deep.equal([
            { securityGroupId: "sg-alb", ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "203.0.113.0/24", description: "clients" },
        ]);
    });

    it("sends traffic only to the VPC, on the apps' ports", async () => {
        const egress = resourcesOfType(await fixtureRun("stg"), "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(
            (r) => r.inputs,
        );
        expect(egress).to.deep.equal([
            {
                securityGroupId: "sg-alb",
                ipProtocol: "tcp",
                fromPort: 8080,
                toPort: 8080,
                cidrIpv4: "10.20.0.0/16",
                description: "to app pods",
            },
        ]);
    });

    it("uses an IP target group with the app's health check and deregistration delay", async () => {
        const targetGroup = resourceNamed(await fixtureRun("stg"), TARGET_GROUP, "alb-web").inputs;
        expect(targetGroup).to.deep.include({
            targetType: "ip",
            port: 8080,
            protocol: "HTTP",
            deregistrationDelay: 30,
            vpcId: "vpc-network-vpc",
        });
        expect(targetGroup.healthCheck).to.deep.include({ path: "/healthz", matcher: "200-399" });
    });

    it("routes by host in stg and prd and exports each app's URL", async () => {
        const run = await fixtureRun("prd");
        expect(resourceNamed(run, "aws:lb/listenerRule:ListenerRule", "alb-web").inputs.conditions).to.deep.equal([
            { hostHeader: { values: ["www.example.com"] } },
            { pathPattern: { values: ["/*"] } },
        ]);
        expect(run.outputs.appUrls).to.deep.equal({ web: "https://www.example.com/" });
        expect((await fixtureRun("dev")).outputs.appUrls).to.deep.equal({ web: "http://alb-1234567890.eu-west-1.elb.amazonaws.com/" });
    });

    it("orders rules from the most specific route to the catch-all", () => {
        expect(
            rulePriorities([
                { name: "site", hosts: [], pathPrefix: "/" },
                { name: "api", hosts: [], pathPrefix: "/api" },
                { name: "admin", hosts: ["admin.example.com"], pathPrefix: "/" },
            ]),
        ).to.deep.equal({ admin: 10, api: 20, site: 30 });
        // An exact host goes before a wildcard that matches it, whatever the config order.
        expect(
            rulePriorities([
                { name: "shops", hosts: ["*.example.com"], pathPrefix: "/" },
                { name: "api", hosts: ["api.example.com"], pathPrefix: "/" },
            ]),
        ).to.deep.equal({ api: 10, shops: 20 });
        // Among wildcards, the narrower first: *.api.example.com before *.example.com.
        expect(
            rulePriorities([
                { name: "shops", hosts: ["*.example.com"], pathPrefix: "/" },
                { name: "api", hosts: ["*.api.example.com"], pathPrefix: "/" },
            ]),
        ).to.deep.equal({ api: 10, shops: 20 });
        expect(hostPatternCovers("*.example.com", "?.example.com")).to.equal(true);
        expect(hostPatternCovers("*.example.com", "*.api.example.com")).to.equal(true);
        expect(hostPatternCovers("?.example.com", "*.example.com")).to.equal(false);
        expect(hostPatternCovers("*.example.com", "API.example.com")).to.equal(true);
        expect(pathPatterns("/")).to.deep.equal(["/*"]);
        expect(pathPatterns("/api/")).to.deep.equal(["/api", "/api/*"]);
    });

    it("lets only load balancer log delivery write to the log bucket, over TLS", () => {
        const policy = accessLogBucketPolicy("arn:aws:s3:::logs", "arn:aws:iam::156460612806:root");
        const [write, tls] = policy.Statement as any[];
        expect(write).to.deep.include({ Action: "s3:PutObject", Resource: "arn:aws:s3:::logs/*" });
        expect(tls).to.deep.include({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    });

    it("waits for nothing but the network: it does not depend on the cluster", async () => {
        const run = await fixtureRun("prd");
        const albResources = run.resources.filter((r) => r.urn.includes("eks-platform:alb:AppLoadBalancer"));
        for (const r of albResources) {
            for (const dependency of r.dependencies) {
                expect(dependency, r.urn).not.to.match(/EksCluster|KubeSystemAddons/);
            }
        }
    });
});

describe("app and load balancer config", () => {
    it("rejects an HPA whose minimum exceeds its maximum", () => {
        expect(
            problems(
                "dev",
                withWeb("dev", (w) => {
                    w.autoscaling.minReplicas = 5;
                }),
            ),
        ).to.deep.equal(["[dev] eks-platform:apps.web.autoscaling.minReplicas = 5: expected minReplicas <= maxReplicas (3)"]);
    });

    it("rejects an HPA minimum below 1", () => {
        expect(
            problems(
                "dev",
                withWeb("dev", (w) => {
                    w.autoscaling.minReplicas = 0;
                }),
            ),
        ).to.deep.equal(["[dev] eks-platform:apps.web.autoscaling.minReplicas = 0: expected a whole number >= 1"]);
    });

    it("rejects fewer than 2 replicas in prd", () => {
        expect(
            problems(
                "prd",
                withWeb("prd", (w) => {
                    w.autoscaling.minReplicas = 1;
                }),
            ),
        ).to.deep.equal([
            "[prd] eks-platform:apps.web.autoscaling.minReplicas = 1: expected at least 2 in prd, so a node drain, a consolidation or expiry of a node, or a zone loss leaves a pod serving: with one replica each takes the app down",
        ]);
    });

    it("rejects an image tagged latest", () => {
        expect(
            problems(
                "dev",
                withWeb("dev", (w) => {
                    w.image = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/web:latest";
                }),
            ),
        ).to.deep.equal([
            '[dev] eks-platform:apps.web.image = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/web:latest": expected an image pinned by digest (repo@sha256:...) or by an immutable tag (repo:1.4.2), not :latest',
        ]);
    });

    it("rejects an image without a tag", () => {
        expect(
            problems(
                "dev",
                withWeb("dev", (w) => {
                    w.image = "nginx";
                }),
            ),
        ).to.deep.equal([
            '[dev] eks-platform:apps.web.image = "nginx": expected an image pinned by digest (repo@sha256:...) or by an immutable tag (repo:1.4.2); an image without a tag runs whatever latest is',
        ]);
    });

    it("rejects a ConfigMap key that looks like a secret, without printing its value", () => {
        for (const key of ["DB_PASSWORD", "API_SECRET", "AUTH_TOKEN"]) {
            const found = problems(
                "dev",
                withWeb("dev", (w) => {
                    w.env[key] = "s3cr3t-value";
                }),
            );
            expect(found).to.deep.equal([
                // DB_PASSWORD is the platform's with rds; any other secret goes to secretEnv.
                `[dev] eks-platform:apps.web.env.${key} = "(not shown)": expected no secret in the ConfigMap: a key that looks like a password, secret or token belongs in a Secret${key === "DB_PASSWORD" ? "" : "; list it in secretEnv and set it with `pulumi config set --secret`"}`,
            ]);
            expect(found.join()).not.to.contain("s3cr3t-value");
        }
    });

    it("rejects HTTPS-less prd (and stg): no certificate ARN", () => {
        expect(problems("prd", { overrides: { "eks-platform:loadBalancer": {} } })).to.deep.equal([
            "[prd] eks-platform:loadBalancer.certificateArn = (not set): expected an ACM certificate ARN: prd serves HTTPS only (HTTP alone is for dev)",
        ]);
    });

    it("rejects a health check path not starting with /", () => {
        expect(
            problems(
                "dev",
                withWeb("dev", (w) => {
                    w.healthCheckPath = "healthz";
                }),
            ),
        ).to.deep.equal([
            '[dev] eks-platform:apps.web.healthCheckPath = "healthz": expected a URL path starting with "/", such as /healthz',
        ]);
    });

    it("rejects switching prd's access logs or deletion protection off", () => {
        const lb = fixtureSection("prd", "loadBalancer");
        expect(
            problems("prd", { overrides: { "eks-platform:loadBalancer": { ...lb, accessLogs: false, deletionProtection: false } } }),
        ).to.deep.equal([
            "[prd] eks-platform:loadBalancer.accessLogs = false: expected true in prd: access logs are the record of every request",
            "[prd] eks-platform:loadBalancer.deletionProtection = false: expected true in prd: the ALB outlives clusters and carries the stage's DNS",
        ]);
    });

    it("rejects a TLS policy older than TLS 1.3", () => {
        const lb = fixtureSection("prd", "loadBalancer");
        const [problem] = problems("prd", {
            overrides: { "eks-platform:loadBalancer": { ...lb, sslPolicy: "ELBSecurityPolicy-2016-08" } },
        });
        expect(problem).to.match(/^\[prd\] eks-platform:loadBalancer.sslPolicy = "ELBSecurityPolicy-2016-08": expected a TLS 1.3 policy: /);
    });

    it("rejects two apps routed the same way, and an app in a platform namespace", () => {
        const rds = { ...API_APP.rds, host: "api-dev.c7dkfmt89xyz.eu-west-1.rds.amazonaws.com" };
        const config = { ...apps("dev"), api: { ...API_APP, rds, hosts: [], replicas: 2, namespace: "kube-system" } };
        expect(problems("dev", { overrides: { "eks-platform:apps": config } })).to.deep.equal([
            '[dev] eks-platform:apps.api.namespace = "kube-system": expected a namespace of its own, not one of default, kube-system, kube-public, kube-node-lease, datadog, external-secrets, external-dns',
            '[dev] eks-platform:apps.api.pathPrefix = "/": expected hosts or a path prefix of its own (app "web" is routed the same way)',
        ]);
    });
});

describe("app helpers", () => {
    it("align shutdown with the target group's draining", () => {
        expect(shutdownTiming(30, 15)).to.deep.equal({ preStopSleepSeconds: 30, terminationGracePeriodSeconds: 45 });
    });

    it("refuse secret-like keys in ConfigMap data even past the schema", () => {
        const rds = { host: "h", port: 5432, database: "d", user: "u" };
        expect(() => configData({ rds, env: { SESSION_SECRET: "x" } })).to.throw("ConfigMap keys SESSION_SECRET look like secrets");
    });

    it("name ConfigMaps by content, independent of key order", () => {
        expect(contentAddressedName("web-config", { A: "1", B: "2" })).to.equal(contentAddressedName("web-config", { B: "2", A: "1" }));
        expect(contentAddressedName("web-config", { A: "1" })).not.to.equal(contentAddressedName("web-config", { A: "2" }));
    });

    it("derive a label-safe version from the image", () => {
        expect(imageVersion("r/web@sha256:7b2e4d6f8a0c1e3f5a7b9c1d3e5f7a9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f")).to.equal("7b2e4d6f8a0c");
        expect(imageVersion("registry:5000/web:1.4.2")).to.equal("1.4.2");
        // A tag pinned by digest keeps the readable tag; a tag that is no valid label value is trimmed to one.
        expect(imageVersion("r/web:1.4.2@sha256:7b2e4d6f8a0c1e3f5a7b9c1d3e5f7a9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f")).to.equal("1.4.2");
        expect(imageVersion("r/web:_build-1.")).to.equal("build-1");
        const long = imageVersion(`r/web:${"a".repeat(62)}-${"b".repeat(60)}`);
        expect(long).to.equal("a".repeat(62));
        expect(long).to.match(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
    });
});
