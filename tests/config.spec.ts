import { expect } from "chai";
import { largestNodeRoom } from "../stacks/checks/capacity";
import { KUBE_RESERVED_MEMORY_BYTES, kubeReservedCores } from "../stacks/instance-types";
import * as pulumi from "@pulumi/pulumi";
import { dbPasswordKey, parseStackConfig, PlatformConfig, StackConfigError, STAGES, SUPPORTED_KUBERNETES_VERSIONS } from "../stacks/config";
import { configProblems } from "./support/config-problems";
import { readStackConfig, StackFileOptions } from "../offline/stack-files";
import { FIXTURE_DIR, fixtureSection } from "./support/fixtures";

/** Parses a fixture stack with changes on top. */
function load(stack: string, options: StackFileOptions = {}): PlatformConfig {
    return parseStackConfig(stack, readStackConfig(stack, { stackDir: FIXTURE_DIR, ...options }));
}

const problemsOf = configProblems;

function withCluster(stack: string, edit: (cluster: any) => void): StackFileOptions {
    const cluster = fixtureSection(stack, "cluster");
    edit(cluster);
    return { overrides: { "eks-platform:cluster": cluster } };
}

function withNetwork(stack: string, edit: (network: any) => void): StackFileOptions {
    const network = fixtureSection(stack, "network");
    edit(network);
    return { overrides: { "eks-platform:network": network } };
}

function withApp(stack: string, edit: (app: any) => void): StackFileOptions {
    const apps = fixtureSection(stack, "apps");
    edit(apps.web);
    return { overrides: { "eks-platform:apps": apps } };
}

describe("stack config", () => {
    describe("the committed stack files", () => {
        for (const stack of STAGES) {
            it(`${stack} loads and is the ${stack} stage`, () => {
                const config = load(stack);
                expect(config.stage).to.equal(stack);
                expect(config.region).to.equal("eu-west-1");
                expect(config.slots[0].cluster.name).to.equal(`eks-platform-${stack}`);
            });
        }

        it("differ the way stages do: dev small, prd three zones with a NAT per zone and larger nodes", () => {
            const [dev, stg, prd] = STAGES.map((s) => load(s));
            expect(dev.network.availabilityZones).to.have.length(2);
            expect(dev.network.natGateways).to.equal("single");
            expect(prd.network.availabilityZones).to.have.length(3);
            expect(prd.network.natGateways).to.equal("onePerAz");
            expect(stg.network.natGateways).to.equal("onePerAz");
            expect(dev.slots[0].cluster.nodeGroups.system.instanceTypes).to.deep.equal(["t4g.medium"]);
            expect(prd.slots[0].cluster.nodeGroups.system.minSize).to.be.greaterThan(stg.slots[0].cluster.nodeGroups.system.minSize);
            expect(stg.slots[0].cluster.nodeGroups.system.minSize).to.be.greaterThan(dev.slots[0].cluster.nodeGroups.system.minSize);
            // Every stage runs prd's shape: Karpenter with on-demand and spot pools, a small managed system group.
            for (const config of [dev, stg, prd]) {
                expect(config.slots[0].cluster.autoscaler).to.equal("karpenter");
                expect(Object.keys(config.slots[0].cluster.nodeGroups)).to.deep.equal(["system"]);
                expect(config.slots[0].cluster.nodeGroups.system).to.include({
                    kind: "managed",
                    capacityType: "ON_DEMAND",
                    architecture: "arm64",
                });
                expect(Object.keys(config.slots[0].cluster.nodePools)).to.deep.equal(["on-demand", "spot"]);
            }
            expect(Number(prd.slots[0].cluster.nodePools["on-demand"].limits.cpu)).to.be.greaterThan(
                Number(stg.slots[0].cluster.nodePools["on-demand"].limits.cpu),
            );
            expect(Number(stg.slots[0].cluster.nodePools["on-demand"].limits.cpu)).to.be.greaterThan(
                Number(dev.slots[0].cluster.nodePools["on-demand"].limits.cpu),
            );
        });

        it("carry per-stage app resources and RDS values, with the password as a secret", async () => {
            const dev = load("dev").apps.web;
            const prd = load("prd").apps.web;
            expect(dev.resources.limits.memory).to.equal("256Mi");
            expect(prd.resources.limits.memory).to.equal("1Gi");
            expect(dev.rds!.host).to.match(/^web-dev\./);
            expect(prd.rds!.host).to.match(/^web-prd\./);
            expect(prd.rds).to.include({ port: 5432, database: "web", user: "web_app" });
            expect(await pulumi.isSecret(prd.dbPassword!)).to.equal(true);
        });
    });

    it("stops with a RunError, so the Pulumi CLI prints the problems without a stack trace", () => {
        expect(() => load("dev", { overrides: { "eks-platform:stage": "qa" } }))
            .to.throw(StackConfigError)
            .that.satisfies((error: unknown) => pulumi.RunError.isInstance(error));
    });

    describe("rejects", () => {
        it("an unknown stage", () => {
            expect(problemsOf("dev", { overrides: { "eks-platform:stage": "prod" } })).to.deep.equal([
                '[dev] eks-platform:stage = "prod": expected one of dev, stg, prd',
            ]);
        });

        it("a Kubernetes version outside the supported range", () => {
            expect(
                problemsOf(
                    "dev",
                    withCluster("dev", (c) => {
                        c.kubernetesVersion = "1.27";
                    }),
                ),
            ).to.deep.equal([
                `[dev] eks-platform:cluster.kubernetesVersion = "1.27": expected a supported Kubernetes minor (${SUPPORTED_KUBERNETES_VERSIONS[0]} to 1.36): 1.27 is past EKS support; upgrade one minor at a time`,
            ]);
        });

        it("a Kubernetes version not of the form 1.NN", () => {
            expect(
                problemsOf(
                    "dev",
                    withCluster("dev", (c) => {
                        c.kubernetesVersion = "v1.34.2";
                    }),
                ),
            ).to.deep.equal([
                '[dev] eks-platform:cluster.kubernetesVersion = "v1.34.2": expected a Kubernetes minor version "1.NN", such as "1.35"',
            ]);
        });

        it("an unquoted version, which YAML turns into a number", () => {
            expect(
                problemsOf(
                    "dev",
                    withCluster("dev", (c) => {
                        c.kubernetesVersion = 1.3;
                    }),
                ),
            ).to.deep.equal([
                '[dev] eks-platform:cluster.kubernetesVersion = 1.3: expected a quoted string "1.NN" (unquoted, YAML reads 1.30 as the number 1.3)',
            ]);
        });

        it("a node group whose minimum exceeds its desired size", () => {
            expect(
                problemsOf(
                    "dev",
                    withCluster("dev", (c) => {
                        c.nodeGroups.system.minSize = 3;
                    }),
                ),
            ).to.deep.equal(["[dev] eks-platform:cluster.nodeGroups.system.minSize = 3: expected minSize <= desiredSize (2)"]);
        });

        it("a node group whose desired size exceeds its maximum", () => {
            expect(
                problemsOf(
                    "dev",
                    withCluster("dev", (c) => {
                        c.nodeGroups.system.desiredSize = 4;
                    }),
                ),
            ).to.deep.equal(["[dev] eks-platform:cluster.nodeGroups.system.desiredSize = 4: expected desiredSize <= maxSize (2)"]);
        });

        it("a negative node group size", () => {
            expect(
                problemsOf(
                    "dev",
                    withCluster("dev", (c) => {
                        c.nodeGroups.system.minSize = -1;
                    }),
                ),
            ).to.deep.equal(["[dev] eks-platform:cluster.nodeGroups.system.minSize = -1: expected a whole number >= 0"]);
        });

        it("an invalid CIDR", () => {
            expect(
                problemsOf(
                    "dev",
                    withNetwork("dev", (n) => {
                        n.cidr = "10.10.0.300/16";
                    }),
                ),
            ).to.deep.equal([
                '[dev] eks-platform:network.cidr = "10.10.0.300/16": expected an IPv4 network in CIDR notation with no host bits set, such as 10.0.0.0/16',
            ]);
        });

        it("a CIDR with host bits set", () => {
            expect(
                problemsOf(
                    "dev",
                    withNetwork("dev", (n) => {
                        n.cidr = "10.10.0.1/16";
                    }),
                ),
            ).to.deep.equal([
                '[dev] eks-platform:network.cidr = "10.10.0.1/16": expected an IPv4 network in CIDR notation with no host bits set, such as 10.0.0.0/16',
            ]);
        });

        it("a service CIDR that overlaps the VPC", () => {
            expect(
                problemsOf(
                    "dev",
                    withCluster("dev", (c) => {
                        c.serviceCidr = "10.10.128.0/20";
                    }),
                ),
            ).to.deep.equal([
                '[dev] eks-platform:cluster.serviceCidr = "10.10.128.0/20": expected a range that does not overlap the VPC (network.cidr 10.10.0.0/16)',
            ]);
        });

        it("fewer than 2 availability zones", () => {
            expect(
                problemsOf(
                    "dev",
                    withNetwork("dev", (n) => {
                        n.availabilityZones = ["eu-west-1a"];
                    }),
                ),
            ).to.deep.equal(['[dev] eks-platform:network.availabilityZones = ["eu-west-1a"]: expected at least 2 availability zones']);
        });

        it("fewer than 3 availability zones in prd", () => {
            expect(
                problemsOf(
                    "prd",
                    withNetwork("prd", (n) => {
                        n.availabilityZones = ["eu-west-1a", "eu-west-1b"];
                    }),
                ),
            ).to.deep.equal([
                '[prd] eks-platform:network.availabilityZones = ["eu-west-1a","eu-west-1b"]: expected at least 3 availability zones in prd',
            ]);
        });

        it("availability zones of another region", () => {
            expect(
                problemsOf(
                    "dev",
                    withNetwork("dev", (n) => {
                        n.availabilityZones = ["eu-west-1a", "us-east-1b"];
                    }),
                ),
            ).to.deep.equal(['[dev] eks-platform:network.availabilityZones = ["us-east-1b"]: expected zones of aws:region eu-west-1']);
        });

        it("a prd API endpoint open to 0.0.0.0/0", () => {
            const options = withCluster("prd", (c) => {
                c.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
            });
            expect(problemsOf("prd", options)).to.deep.equal([
                '[prd] eks-platform:cluster.endpoint.publicAccessCidrs = ["0.0.0.0/0"]: expected specific CIDRs: the prd API endpoint is never open to 0.0.0.0/0',
            ]);
        });

        it("a public endpoint with nobody allowed to reach it", () => {
            expect(
                problemsOf(
                    "dev",
                    withCluster("dev", (c) => {
                        c.endpoint.publicAccessCidrs = [];
                    }),
                ),
            ).to.deep.equal([
                "[dev] eks-platform:cluster.endpoint.publicAccessCidrs = []: expected at least one CIDR allowed to reach the public endpoint (or publicAccess: false)",
                '[dev] eks-platform:ci.runnerCidrs = ["198.51.100.10/32"]: expected runner networks inside the VPC (10.10.0.0/16, private endpoint) or inside cluster.endpoint.publicAccessCidrs: CI could not reach the API endpoint',
            ]);
        });

        for (const [kind, bad] of [
            ["memory", "1.5Gb"],
            ["memory", "100mi"],
            ["memory", "-1"],
            ["cpu", "-1"],
            ["cpu", "2 cores"],
        ] as const) {
            it(`a malformed ${kind} quantity "${bad}"`, () => {
                const options = withApp("dev", (app) => {
                    app.resources.limits[kind] = bad;
                });
                const expected =
                    kind === "memory"
                        ? 'expected a memory quantity such as "512Mi", "1Gi", "1G" or "500" (bytes)'
                        : 'expected a CPU quantity such as "250m", "0.5" or "2"';
                expect(problemsOf("dev", options)).to.deep.equal([
                    `[dev] eks-platform:apps.web.resources.limits.${kind} = ${JSON.stringify(bad)}: ${expected}`,
                ]);
            });
        }

        it("a request greater than its limit", () => {
            expect(
                problemsOf(
                    "dev",
                    withApp("dev", (app) => {
                        app.resources.requests.memory = "512Mi";
                    }),
                ),
            ).to.deep.equal([
                '[dev] eks-platform:apps.web.resources.requests.memory = "512Mi": expected a memory request <= its limit (256Mi)',
            ]);
        });

        it("missing required secrets, naming the command that sets each", () => {
            expect(problemsOf("dev", { fillMissingSecrets: false })).to.deep.equal([
                "[dev] eks-platform:webDbPassword = (not set): is required: run `pulumi config set --secret eks-platform:webDbPassword <value>`",
                "[dev] datadog:apiKey = (not set): is required: run `pulumi config set --secret datadog:apiKey <value>`",
                "[dev] datadog:appKey = (not set): is required: run `pulumi config set --secret datadog:appKey <value>`",
                "[dev] eks-platform:slackWebhookUrl = (not set): is required: run `pulumi config set --secret eks-platform:slackWebhookUrl <value>`",
            ]);
        });

        it("a required secret set in plain text, without printing it", () => {
            const problems = problemsOf("dev", { overrides: { "eks-platform:webDbPassword": "hunter2" } });
            expect(problems).to.deep.equal([
                "[dev] eks-platform:webDbPassword = (set in plain text, not shown): expected a secret: run `pulumi config set --secret eks-platform:webDbPassword <value>` to encrypt it",
            ]);
            expect(problems.join("\n")).not.to.contain("hunter2");
        });

        it("a misspelt top-level key, which Pulumi would silently ignore", () => {
            const [problem] = problemsOf("dev", { overrides: { "eks-platform:clsuter": { kubernetesVersion: "1.34" } } });
            expect(problem).to.match(
                /^\[dev\] eks-platform:clsuter = \{"kubernetesVersion":"1.34"\}: unknown key: expected one of eks-platform:stage, /,
            );
        });

        it("a misspelt nested key", () => {
            expect(
                problemsOf(
                    "dev",
                    withCluster("dev", (c) => {
                        c.nodeGroups.system.minSzie = 1;
                    }),
                ),
            ).to.deep.equal([
                "[dev] eks-platform:cluster.nodeGroups.system.minSzie = 1: unknown key: remove it or check its spelling against docs/configuration.md",
            ]);
        });

        it("a structured key set to a plain string", () => {
            expect(problemsOf("dev", { overrides: { "eks-platform:network": "10.0.0.0/16" } })).to.deep.equal([
                '[dev] eks-platform:network = "10.0.0.0/16": expected an object, set as a YAML map under eks-platform:network in Pulumi.dev.yaml',
            ]);
        });

        it("a missing region", () => {
            expect(problemsOf("dev", { overrides: { "aws:region": undefined } })).to.deep.equal([
                "[dev] aws:region = (not set): expected an AWS region such as eu-west-1",
            ]);
        });

        it("node groups, an autoscaler and NodePools on a Fargate-only cluster", () => {
            expect(
                problemsOf(
                    "dev",
                    withCluster("dev", (c) => {
                        c.fargateOnly = true;
                    }),
                ),
            ).to.deep.equal([
                '[dev] eks-platform:cluster.autoscaler = "karpenter": expected no autoscaler when fargateOnly is true: Fargate sizes every pod itself',
                '[dev] eks-platform:cluster.nodePools = ["on-demand","spot"]: expected no NodePools without Karpenter (autoscaler: none, Fargate-only)',
                '[dev] eks-platform:cluster.nodeGroups = ["system"]: expected no node groups when fargateOnly is true',
            ]);
        });

        it("with ONE error that lists every problem", () => {
            const cluster = fixtureSection("prd", "cluster");
            cluster.kubernetesVersion = "1.99";
            cluster.nodeGroups.system.minSize = -2;
            cluster.serviceCidr = "10.30.0.0/20";
            const network = fixtureSection("prd", "network");
            network.availabilityZones = ["eu-west-1a"];
            const problems = problemsOf("prd", {
                overrides: { "eks-platform:stage": "prd", "eks-platform:cluster": cluster, "eks-platform:network": network },
                fillMissingSecrets: false,
            });
            expect(problems).to.have.length(7);
            expect(problems.map((p) => p.split(" = ")[0])).to.have.members([
                "[prd] eks-platform:cluster.kubernetesVersion",
                "[prd] eks-platform:cluster.nodeGroups.system.minSize",
                "[prd] eks-platform:network.availabilityZones",
                "[prd] eks-platform:cluster.serviceCidr",
                "[prd] eks-platform:webDbPassword",
                "[prd] datadog:apiKey",
                "[prd] datadog:appKey",
            ]);
        });
    });

    it("names an app's password key after the app", () => {
        expect(dbPasswordKey("web")).to.equal("eks-platform:webDbPassword");
        expect(dbPasswordKey("checkout-api")).to.equal("eks-platform:checkoutApiDbPassword");
    });

    it("accepts a memory quantity without a unit (bytes) of a plausible size, and refuses bytes meant as MiB", () => {
        expect(() =>
            load(
                "dev",
                withApp("dev", (app) => {
                    app.resources.requests.memory = "134217728";
                }),
            ),
        ).not.to.throw();
        expect(
            problemsOf(
                "dev",
                withApp("dev", (app) => {
                    app.resources.requests.memory = "500";
                }),
            ),
        ).to.deep.equal([
            '[dev] eks-platform:apps.web.resources.requests.memory = "500": expected at least 4Mi: 500 is 500 bytes (did you mean 500Mi?)',
        ]);
    });
});

describe("the largest node a request must fit", () => {
    const pool = (categories: string[], sizes: string[]) => ({
        p: { instanceCategories: categories, instanceSizes: sizes, limits: { cpu: "64", memory: "256Gi" } },
    });

    it("is what the kubelet leaves of the largest node: kubeReserved CPU (nodeadm) and memory with 110 pods", () => {
        expect(kubeReservedCores(2)).to.be.closeTo(0.07, 1e-9);
        expect(kubeReservedCores(16)).to.be.closeTo(0.11, 1e-9);
        expect(KUBE_RESERVED_MEMORY_BYTES).to.equal((11 * 110 + 255 + 100) * 2 ** 20);
        expect(largestNodeRoom({ nodeGroups: { g: { instanceTypes: ["m7g.xlarge", "m7g.large"] } } })).to.deep.include({
            cores: 4 - 0.08,
            node: "m7g.xlarge of node group g",
        });
    });

    it("of a NodePool: its sizes in its categories (a t-family medium has 2 vCPUs), never above its limits", () => {
        expect(largestNodeRoom({ nodePools: pool(["t"], ["medium"]) })?.cores).to.be.closeTo(2 - 0.07, 1e-9);
        expect(largestNodeRoom({ nodePools: pool(["c", "m"], ["medium"]) })?.cores).to.be.closeTo(1 - 0.06, 1e-9);
        expect(largestNodeRoom({ nodePools: { p: { limits: { cpu: "4", memory: "16Gi" } } } })?.cores).to.be.closeTo(4 - 0.08, 1e-9);
        expect(largestNodeRoom({ fargateOnly: true })).to.deep.include({ cores: 16, memoryBytes: 120 * 2 ** 30 });
    });
});
