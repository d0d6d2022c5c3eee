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

/** `eks-platform:ci`: the identities and runners that run Pulumi for this stack from CI. */
export const ciSchema = z.strictObject({
    /**
     * Runs `pulumi up`. It creates the cluster, so EKS makes it cluster admin through the
     * creator's bootstrap entry; it must not be listed again (EKS refuses a second entry).
     */
    deployRoleArn: iamRoleArn,
    /** Runs `pulumi preview` on pull requests: read-only in AWS, the preview group in Kubernetes. */
    previewRoleArn: iamRoleArn.optional(),
    /** `runs-on` of every workflow job that runs Pulumi for this stack. */
    runnerLabels: z.array(runnerLabel).min(1, { error: "expected at least one runner label" })
        .refine((labels) => labels.includes("self-hosted"), { error: "expected the label self-hosted among them: Pulumi runs on runners whose network path to the API is known" }),
    /**
     * Where the runners' requests to the cluster API come from: a subnet inside the VPC (they use
     * the private endpoint) or their fixed egress address (it must be in endpoint.publicAccessCidrs).
     */
    runnerCidrs: z.array(cidrBlock).min(1, { error: "expected at least one CIDR" }),
});

export type CiConfig = z.output<typeof ciSchema>;

/** The runner networks inside the VPC: they reach the private endpoint through the control plane's security group. */
export function runnerCidrsInsideVpc(runnerCidrs: readonly string[], vpcCidr: string): string[] {
    const vpc = parseCidr(vpcCidr)!;
    return runnerCidrs.filter((cidr) => cidrContains(vpc, parseCidr(cidr)!));
}
