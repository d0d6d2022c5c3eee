import { z } from "zod";
import { cidrContains, parseCidr } from "../cidr";
import { cidrBlock, iamRoleArn } from "./fields";

/**
 * Labels of GitHub-hosted runners (ubuntu-latest, ubuntu-24.04, windows-2025, macos-15, ...):
 * their addresses are shared and change, so no endpoint CIDR list can admit them.
 * https://docs.github.com/en/actions/using-github-hosted-runners/about-github-hosted-runners
 */
export const GITHUB_HOSTED_LABEL = /^(ubuntu|windows|macos)-/;

const runnerLabel = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: "expected a runner label such as self-hosted or eks-platform-prd" })
    .refine((label) => !GITHUB_HOSTED_LABEL.test(label), {
        error: "expected a self-hosted runner label: GitHub-hosted runners have shared, changing addresses that the API endpoint cannot admit",
    });

/** A GitHub environment name (letters, digits, '.', '_', '-'; at most 255 characters). */
const githubEnvironment = z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, { error: "expected a GitHub environment name such as production" });

/** `eks-platform:ci`: the identities and runners that run Pulumi for this stack from CI. */
export const ciSchema = z.strictObject({
    deployRoleArn: iamRoleArn.describe("Runs `pulumi up`. It creates the cluster, so EKS makes it cluster admin through the creator's bootstrap entry; it must not be listed in cluster.adminRoleArns (EKS refuses a second entry). In the stack's account: a deploy role of another account than previewRoleArn and the certificate is refused."),
    previewRoleArn: iamRoleArn.optional().describe("Runs `pulumi preview` on pull requests: read-only in AWS, the `eks-platform:ci-preview` group in Kubernetes (read, no Secrets); neither an admin nor the deploy role. Default: none (no preview entry)."),
    runnerLabels: z.array(runnerLabel).min(1, { error: "expected at least one runner label" })
        .refine((labels) => labels.includes("self-hosted"), { error: "expected the label self-hosted among them: Pulumi runs on runners whose network path to the API is known" }).describe("`runs-on` of every workflow job that runs Pulumi for this stack: must include `self-hosted`, no GitHub-hosted label (`ubuntu-*`, `windows-*`, `macos-*`)."),
    runnerCidrs: z.array(cidrBlock).min(1, { error: "expected at least one CIDR" }).describe("Where the runners' requests to the cluster API come from: a subnet inside the VPC (they use the private endpoint) or their fixed egress address (it must be in endpoint.publicAccessCidrs)."),
    deployEnvironment: githubEnvironment.optional().describe("The GitHub environment the `pulumi up` job runs in (required reviewers, secrets); the deploy role trusts the OIDC subject `repo:<owner>/<repo>:environment:<name>`. Default: the stack's name."),
    previewEnvironment: githubEnvironment.optional().describe("The GitHub environment of the pull-request preview job: its own secrets (a Pulumi token that reads this stack only) and, for prd, required reviewers. Default: `preview-<stack>`."),
}).superRefine((ci, ctx) => {
    if (ci.deployEnvironment !== undefined && ci.deployEnvironment === ci.previewEnvironment) {
        ctx.addIssue({
            code: "custom", path: ["previewEnvironment"], input: ci.previewEnvironment,
            message: "expected an environment other than deployEnvironment: the deploy role trusts that environment's OIDC subject, and pull-request code runs in the preview job",
        });
    }
});

export type CiConfig = z.output<typeof ciSchema>;

/** The runner networks inside the VPC: they reach the private endpoint through the control plane's security group. */
export function runnerCidrsInsideVpc(runnerCidrs: readonly string[], vpcCidr: string): string[] {
    const vpc = parseCidr(vpcCidr)!;
    return runnerCidrs.filter((cidr) => cidrContains(vpc, parseCidr(cidr)!));
}

/** The GitHub environments a stack's CI jobs run in, defaults resolved. */
export function ciEnvironments(stack: string, ci: Pick<CiConfig, "deployEnvironment" | "previewEnvironment">): { deploy: string; preview: string } {
    return { deploy: ci.deployEnvironment ?? stack, preview: ci.previewEnvironment ?? `preview-${stack}` };
}
