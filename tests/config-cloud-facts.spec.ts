/**
 * Stack-file mistakes of the right shape that would fail at `pulumi up` or misbehave after it,
 * each checked against the fact that decides it (the EC2 API's instance types, the region's
 * zones, the label domains Kubernetes, EKS and Karpenter reserve, Karpenter's cron parser, the
 * ALB's rule limits), on the specs' own fixture stacks. Each pins the message a user gets.
 */
import { expect } from "chai";
import { upgradeOrderProblems } from "../stacks/checks/project";
import { cronProblem } from "../stacks/cron";
import { admittedInstanceTypes } from "../stacks/node-pool-types";
import { configProblems } from "./support/config-problems";
import { FIXTURE_DIR, fixtureSection } from "./support/fixtures";

/** The problems of a fixture stack with one section edited. */
function problems(stack: string, name: string, edit: (value: any) => void, more: Record<string, unknown> = {}): string[] {
    const value = fixtureSection(stack, name);
    edit(value);
    return configProblems(stack, { stackDir: FIXTURE_DIR, overrides: { [`eks-platform:${name}`]: value, ...more } });
}

const pool = (edit: (p: any) => void) => problems("notifier", "cluster", (c) => edit(c.nodePools.spot));

describe("config checked against cloud facts", () => {
    it("refuses an instance type the EC2 API does not have, with the likely one", () => {
        expect(
            problems("notifier", "cluster", (c) => {
                c.nodeGroups.system.instanceTypes = ["m6i.lrage"];
            }),
        ).to.deep.equal([
            '[notifier] eks-platform:cluster.nodeGroups.system.instanceTypes.0 = "m6i.lrage": expected an EC2 instance type that exists: m6i.lrage is not one (did you mean m6i.large?)',
        ]);
    });

    it("refuses a zone its region does not have", () => {
        expect(
            problems("notifier", "network", (n) => {
                n.availabilityZones = ["ap-southeast-2a", "ap-southeast-2d"];
            }),
        ).to.deep.equal([
            '[notifier] eks-platform:network.availabilityZones = ["ap-southeast-2d"]: expected zones ap-southeast-2 has (ap-southeast-2a, ap-southeast-2b, ap-southeast-2c): it has no ap-southeast-2d',
        ]);
    });

    it("refuses node labels in domains Kubernetes, EKS, Karpenter or the platform reserve", () => {
        const reserved =
            "expected a label of your own domain (such as role or example.com/role): kubernetes.io, k8s.io, eks.amazonaws.com, karpenter.sh, karpenter.k8s.aws, eks-platform and their subdomains are set by Kubernetes, EKS, Karpenter or the platform, which refuse or drop them";
        expect(
            problems("notifier", "cluster", (c) => {
                c.nodeGroups.system.labels = { "node-role.kubernetes.io/system": "", "team": "web" };
                c.nodePools.spot.labels = { "karpenter.sh/capacity-type": "spot" };
            }),
        ).to.deep.equal([
            `[notifier] eks-platform:cluster.nodeGroups.system.labels.node-role.kubernetes.io/system = "node-role.kubernetes.io/system": ${reserved}`,
            `[notifier] eks-platform:cluster.nodePools.spot.labels.karpenter.sh/capacity-type = "karpenter.sh/capacity-type": ${reserved}`,
        ]);
    });

    describe("refuses NodePool requirements no instance type meets", () => {
        it("a family of another architecture", () => {
            expect(
                pool((p) => {
                    p.architectures = ["arm64"];
                    p.instanceFamilies = ["m6i"];
                }),
            ).to.deep.equal([
                '[notifier] eks-platform:cluster.nodePools.spot.instanceFamilies.0 = "m6i": expected a family of the pool\'s architectures (arm64): m6i is amd64',
            ]);
        });

        it("a family outside the categories, or below the generation", () => {
            expect(
                pool((p) => {
                    p.instanceFamilies = ["r6i", "m5"];
                }),
            ).to.deep.equal([
                '[notifier] eks-platform:cluster.nodePools.spot.instanceFamilies.0 = "r6i": expected a family in the pool\'s instanceCategories (c, m): r6i is category r',
                '[notifier] eks-platform:cluster.nodePools.spot.instanceFamilies.1 = "m5": expected a family of generation 6 or newer (minGeneration): m5 is generation 5',
            ]);
        });

        it("a family that does not exist", () => {
            expect(
                pool((p) => {
                    p.instanceFamilies = ["m7x"];
                }),
            ).to.deep.equal([
                '[notifier] eks-platform:cluster.nodePools.spot.instanceFamilies.0 = "m7x": expected an instance family EC2 has: no instance type of m7x exists (did you mean m7a?)',
            ]);
        });

        it("every size above the pool's CPU limit", () => {
            expect(
                pool((p) => {
                    p.instanceSizes = ["24xlarge", "48xlarge"];
                }),
            ).to.deep.equal([
                '[notifier] eks-platform:cluster.nodePools.spot.limits.cpu = "8": expected a limit of at least 96 cores, the smallest instance type the pool admits: below it Karpenter can launch no node',
            ]);
        });

        it("categories and generation no type has", () => {
            expect(
                pool((p) => {
                    p.instanceCategories = ["c"];
                    p.minGeneration = 9;
                }),
            ).to.deep.equal([
                '[notifier] eks-platform:cluster.nodePools.spot.instanceCategories = ["c"]: expected requirements some instance type meets: no Nitro EC2 instance type is amd64, of category c, generation 9 or newer and large or bigger',
            ]);
        });

        it("while the fixture's own pool admits many", () => {
            expect(admittedInstanceTypes(fixtureSection("notifier", "cluster").nodePools.spot).length).to.be.greaterThan(50);
        });
    });

    it("refuses a disruption schedule Karpenter's cron parser rejects", () => {
        const budget = (schedule: string) =>
            pool((p) => {
                p.budgets = [{ nodes: "0", schedule, duration: "8h" }];
            });
        const prefix = "[notifier] eks-platform:cluster.nodePools.spot.budgets.0.schedule";
        expect(budget("0 9 * * 1-7")).to.deep.equal([
            `${prefix} = "0 9 * * 1-7": expected a cron schedule Karpenter parses, such as "0 9 * * mon-fri" (UTC): day of week 7 is outside 0-6`,
        ]);
        expect(budget("TZ=Europe/Berlin 0 9 * * *")).to.deep.equal([
            `${prefix} = "TZ=Europe/Berlin 0 9 * * *": expected a cron schedule Karpenter parses, such as "0 9 * * mon-fri" (UTC): a time zone is not allowed: Karpenter evaluates every schedule in UTC`,
        ]);
        expect(cronProblem("@every 1h")).to.equal(
            "@every 1h is not a descriptor Karpenter takes (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)",
        );
        expect(cronProblem("0 7 * * mon-fri")).to.equal(undefined);
        expect(cronProblem("*/15 0-6,22-23 ? JAN-mar sun")).to.equal(undefined);
        expect(cronProblem("0 9 * *")).to.equal("it has 4 fields, not 5 (minute hour day-of-month month day-of-week)");
        expect(cronProblem("0 25 * * *")).to.equal("hour 25 is outside 0-23");
        expect(cronProblem("0 9 L * *")).to.equal('day of month "L" is not a number');
    });

    it("refuses hosts and paths past the ALB's rule limits", () => {
        const hosts = (list: string[]) =>
            problems("fargate", "apps", (a) => {
                a.shop.hosts = list;
            });
        expect(hosts(["a.example.org", "b.example.org", "c.example.org", "d.example.org"])).to.deep.equal([
            '[fargate] eks-platform:apps.shop.hosts = ["a.example.org","b.example.org","c.example.org","d.example.org"]: expected at most 3 hosts: they form the app\'s host-header condition, and an ALB condition takes at most 3 values; give other hosts an app (or a wildcard) of their own',
        ]);
        const long = `${"a".repeat(120)}.example.org`;
        expect(hosts([long])).to.deep.equal([
            `[fargate] eks-platform:apps.shop.hosts.0 = "${long}": expected a host of at most 128 characters: the ALB's host-header values are limited to 128`,
        ]);
    });

    it("refuses more wildcards than an ALB rule takes, and a path prefix too long for its pattern", () => {
        const route = (edit: (app: any) => void) => problems("fargate", "apps", (a) => edit(a.shop));
        expect(
            route((app) => {
                app.hosts = ["*.example.org"];
                app.pathPrefix = "/a*b*c*d";
            }),
        ).to.deep.equal([
            '[fargate] eks-platform:apps.shop.hosts = ["*.example.org"]: expected at most 5 wildcards (* or ?) in the app\'s rule: hosts and path patterns (/a*b*c*d, /a*b*c*d/*) have 8',
        ]);
        const prefix = `/${"p".repeat(127)}`;
        expect(
            route((app) => {
                app.pathPrefix = prefix;
            }),
        ).to.deep.equal([
            `[fargate] eks-platform:apps.shop.pathPrefix = "${prefix}": expected a path prefix of at most 126 characters: its pattern /ppppppppppppppppppp... exceeds the 128 characters of an ALB path-pattern value`,
        ]);
    });

    it("refuses an image tag that names a branch or an environment", () => {
        expect(
            problems("fargate", "apps", (a) => {
                a.shop.image = "210987654321.dkr.ecr.us-east-2.amazonaws.com/shop:main";
            }),
        ).to.deep.equal([
            '[fargate] eks-platform:apps.shop.image = "210987654321.dkr.ecr.us-east-2.amazonaws.com/shop:main": expected an image pinned by digest (repo@sha256:...) or by an immutable tag (repo:1.4.2): :main names a branch or an environment, which CI moves to each new build',
        ]);
        expect(configProblems.bind(null, "fargate", { stackDir: FIXTURE_DIR })).to.throw(
            "expected the config of stack fargate to be rejected",
        );
    });

    it("refuses a password inside a URL in env, without printing it", () => {
        const lines = problems("fargate", "apps", (a) => {
            a.shop.env = { CACHE_URL: "redis://shop:hunter2@cache.internal:6379/0" };
        });
        expect(lines).to.deep.equal([
            '[fargate] eks-platform:apps.shop.env.CACHE_URL = "redis://(not shown)": expected no password in the ConfigMap: this URL carries user:password@, which belongs in a Secret; pass the URL without it and the password as a secret',
        ]);
        expect(lines.join("\n")).not.to.contain("hunter2");
    });

    it("refuses fewer system nodes than Karpenter has replicas", () => {
        expect(
            problems(
                "notifier",
                "cluster",
                (c) => {
                    Object.assign(c.nodeGroups.system, { minSize: 1, desiredSize: 1 });
                },
                {
                    "eks-platform:addons": { karpenter: { replicas: 2 } },
                },
            ),
        ).to.deep.equal([
            '[notifier] eks-platform:cluster.nodeGroups = {"system":{"minSize":1}}: expected at least 2 nodes at minSize across the node groups: Karpenter runs 2 replicas in dev (addons.karpenter.replicas), each on a node of its own outside Karpenter\'s pools (its chart\'s required podAntiAffinity)',
        ]);
    });

    it("refuses page handles outside prd, which only prd uses", () => {
        expect(
            problems("fargate", "monitoring", (m) => {
                m.pageHandles = ["@pagerduty-shop"];
            }),
        ).to.deep.equal([
            '[fargate] eks-platform:monitoring.pageHandles = ["@pagerduty-shop"]: expected no page handles in stg: only prd stages page, so these would be ignored; alerts of stg go to the Slack channel',
        ]);
    });

    it("names the deploy role when it is the one ARN of another account", () => {
        expect(
            problems("fargate", "ci", (ci) => {
                ci.deployRoleArn = "arn:aws:iam::999988887777:role/fixture-deploy";
            }),
        ).to.deep.equal([
            '[fargate] eks-platform:ci.deployRoleArn = "arn:aws:iam::999988887777:role/fixture-deploy": expected a role of account 210987654321, where ci.previewRoleArn and loadBalancer.certificateArn are: the deploy role\'s account is the one the stack creates everything in',
        ]);
    });

    it("refuses a stage that runs a minor newer than every stack of the stage before it", () => {
        expect(
            upgradeOrderProblems([
                { stack: "shop-stg", stage: "stg", kubernetesVersion: "1.34" },
                { stack: "shop-prd", stage: "prd", kubernetesVersion: "1.35" },
                { stack: "shop-dev", stage: "dev", kubernetesVersion: "1.36" },
            ]),
        ).to.deep.equal([
            '[shop-prd] eks-platform:cluster.kubernetesVersion = "1.35": expected a minor no newer than the stg stacks run (shop-stg 1.34): a prd stack upgrades after a stg stack has run the minor',
        ]);
        expect(upgradeOrderProblems([{ stack: "solo", stage: "prd", kubernetesVersion: "1.36" }])).to.deep.equal([]);
    });
});
