/**
 * `npm run preflight -- <stack> [--json]`: asks the stack's AWS account, read-only, whether a
 * `pulumi up` of the stack can succeed (preflight/). One line per check, the summary last; exit
 * status 1 when a check fails. Creates and changes nothing.
 */
import { preflightPolicy } from "../preflight/policy";
import { formatResults, summarise } from "../preflight/result";
import { runPreflight } from "../preflight/run";
import { handledHelp } from "./cli";

const USAGE = `usage: npm run preflight -- <stack> [--json] | --policy

Checks a stack against its AWS account before pulumi up, read-only, with the caller's credentials
(the stack's deploy role in CI): the Kubernetes version and add-on builds EKS offers, the cluster
and log group names, the zones, instance type offerings, vCPU and Elastic IP quotas, the Spot
service-linked role and Karpenter's AMI, the CI and admin roles, the certificate and the Slack
workspace. A denied call is a warning naming the IAM action. Exit status 1 when a check fails.
--json prints the results as JSON (for CI); --policy prints the least IAM policy it needs.`;

/** The stack and the output format; an unknown option, no stack or more than one is refused with the usage. */
export function parsePreflightArgs(args: readonly string[]): { stack: string; json: boolean } {
    const stacks = args.filter((a) => !a.startsWith("--"));
    const unknown = args.filter((a) => a.startsWith("--") && a !== "--json");
    if (stacks.length !== 1 || unknown.length > 0) {
        throw new Error(`${unknown.length > 0 ? `unknown option ${unknown[0]}\n\n` : ""}${USAGE}`);
    }
    return { stack: stacks[0], json: args.includes("--json") };
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    if (handledHelp(args, USAGE)) {
        return;
    }
    if (args.length === 1 && args[0] === "--policy") {
        console.log(JSON.stringify(preflightPolicy(), null, 2));
        return;
    }
    const { stack, json } = parsePreflightArgs(args);
    const results = await runPreflight({ stack });
    const summary = summarise(results);
    console.log(json ? JSON.stringify({ stack, results, summary }, null, 2) : formatResults(stack, results));
    process.exitCode = summary.failed > 0 ? 1 : 0;
}

if (require.main === module) {
    main().catch((error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}
