/**
 * A Fargate-only cluster end to end, on the `fargate` fixture stack: every AWS-calling addon gets
 * its credentials through IAM roles for service accounts (EKS Pod Identity does not serve Fargate
 * pods), nothing listens on the kubelet port Fargate reserves, and the Datadog agent the cluster
 * agent injects passes the app namespaces' `restricted` Pod Security level.
 */
import { expect } from "chai";
import * as datadog from "../components/kube-system-addons/datadog-agent";
import { IRSA_ROLE_ANNOTATION } from "../components/kube-system-addons/addon";
import { FARGATE_PORT } from "../components/kube-system-addons/metrics-server";
import { FARGATE_WEBHOOK_PORT } from "../components/kube-system-addons/external-secrets";
import { fixtureRun } from "./support/fixtures";
import { ProgramRun, resourceNamed, resourcesOfType } from "../offline/program-run";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const ROLE = "aws:iam/role:Role";
/** The addons that call AWS on a Fargate-only cluster, with the service account each chart creates. */
const AWS_ADDONS = {
    "aws-load-balancer-controller": "kube-system:aws-load-balancer-controller",
    "external-secrets": "external-secrets:external-secrets",
    "external-dns": "external-dns:external-dns",
};

function values(run: ProgramRun, release: string): any {
    return resourceNamed(run, RELEASE, `eks-addons-${release}`).inputs.values;
}

/** Every numeric port a release's values set, by path. */
function ports(value: unknown, at = ""): [string, number][] {
    if (value === null || typeof value !== "object") {
        return [];
    }
    return Object.entries(value).flatMap(([key, v]) =>
        typeof v === "number" && /port$/i.test(key) ? [[`${at}${key}`, v] as [string, number]] : ports(v, `${at}${key}.`),
    );
}

describe("Fargate-only cluster", () => {
    let run: ProgramRun;
    before(async () => {
        run = await fixtureRun("fargate");
    });

    it("has an IAM OIDC provider and no Pod Identity association", () => {
        expect(resourceNamed(run, "eks:index:Cluster", "eks-cluster").inputs.createOidcProvider).to.equal(true);
        expect(resourcesOfType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation")).to.deep.equal([]);
        // Any addon role, including one added later, is assumed through the OIDC provider.
        const addonRoles = resourcesOfType(run, ROLE).filter((r) => r.name.startsWith("eks-addons-"));
        expect(addonRoles.map((r) => r.name).sort()).to.deep.equal(
            Object.keys(AWS_ADDONS)
                .map((a) => `eks-addons-${a}`)
                .sort(),
        );
        for (const role of addonRoles) {
            expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Action, role.name).to.equal(
                "sts:AssumeRoleWithWebIdentity",
            );
        }
    });

    for (const [addon, subject] of Object.entries(AWS_ADDONS)) {
        it(`${addon} assumes its role through the OIDC provider, bound to ${subject} only`, () => {
            const role = resourceNamed(run, ROLE, `eks-addons-${addon}`);
            const [statement] = JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
            // The fixture's cluster is named after its stack: eks-platform-fargate.
            const issuer = "oidc.eks.mock.amazonaws.com/id/EKS-PLATFORM-FARGATE";
            expect(statement).to.deep.equal({
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${issuer}` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { [`${issuer}:sub`]: `system:serviceaccount:${subject}`, [`${issuer}:aud`]: "sts.amazonaws.com" },
                },
            });
            const release = resourceNamed(run, RELEASE, `eks-addons-${addon}`);
            expect(values(run, addon).serviceAccount).to.deep.equal({
                create: true,
                name: subject.split(":")[1],
                annotations: { [IRSA_ROLE_ANNOTATION]: `arn:aws:iam::123456789012:role/eks-addons-${addon}-mock` },
            });
            // The release starts its pods once the role can do its job.
            expect(release.dependencies).to.include(resourceNamed(run, "aws:iam/rolePolicy:RolePolicy", `eks-addons-${addon}`).urn);
        });
    }

    it("moves metrics-server and the external-secrets webhook off port 10250, which Fargate reserves", () => {
        expect(values(run, "metrics-server").containerPort).to.equal(FARGATE_PORT);
        expect(values(run, "external-secrets").webhook.port).to.equal(FARGATE_WEBHOOK_PORT);
        for (const release of resourcesOfType(run, RELEASE)) {
            for (const [at, port] of ports(release.inputs.values)) {
                expect(port, `${release.name} ${at}`).not.to.equal(10250);
            }
        }
    });

    it("injects a Datadog agent whose container passes `restricted`, and no init container without a securityContext", () => {
        const [profile] = values(run, "datadog").clusterAgent.admissionController.agentSidecarInjection.profiles;
        // restricted: no privilege escalation, every capability dropped, non-root, RuntimeDefault seccomp.
        expect(profile.securityContext).to.deep.include({
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
        });
        // A read-only root makes the cluster agent add init-copy-agent-config, which has no securityContext.
        expect(profile.securityContext.readOnlyRootFilesystem).to.equal(false);
        expect(profile.securityContext).to.deep.equal(datadog.sidecarSecurityContext());
    });

    it("keeps Pod Identity and default ports on a cluster with nodes", async () => {
        const nodes = await fixtureRun("notifier");
        expect(resourceNamed(nodes, "eks:index:Cluster", "eks-cluster").inputs.createOidcProvider).to.equal(false);
        expect(resourcesOfType(nodes, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => a.name)).to.include.members([
            "eks-addons-aws-load-balancer-controller",
            "eks-addons-karpenter",
        ]);
        expect(values(nodes, "aws-load-balancer-controller").serviceAccount).to.deep.equal({
            create: true,
            name: "aws-load-balancer-controller",
        });
        expect(values(nodes, "metrics-server")).not.to.have.property("containerPort");
    });
});
