/**
 * `npm run cost -- <stack...> [--datadog]`: each stack's monthly cost at list prices, estimated
 * from its offline render (offline/cost.ts, prices in offline/prices.ts). List prices, not a bill.
 */
import { CostEstimate, estimateCost, usdRange } from "../offline/cost";
import { flatStackConfig } from "../offline/change-diff";
import { runProgram } from "../offline/program-run";
import { projectStacks, readStackConfig } from "../offline/stack-files";
import { handledHelp } from "./cli";

const USAGE = `usage: npm run cost -- <stack> [<stack> ...] | --all [--datadog]

The monthly cost of each stack at public list prices (On-Demand, USD, 730 hours a month), from its
offline render: EKS, nodes, volumes, NAT gateways, the ALB, alarms, KMS keys; --datadog adds
Datadog Infrastructure Pro hosts. Not a bill: no discounts, free tiers or traffic. Items without a
pinned price for the stack's region are named and left out of the total.`;

export function formatCost(stack: string, estimate: CostEstimate): string {
    const width = Math.max(...estimate.lines.map((l) => l.item.length));
    const lines = [`== ${stack} (${estimate.region}), per month at list prices`];
    for (const line of estimate.lines) {
        const money = line.monthly ? usdRange(line.monthly) : "not priced";
        lines.push(
            `  ${line.item.padEnd(width)}  ${line.quantity.padEnd(28)}  ${money.padStart(19)}${line.note ? `  (${line.note})` : ""}`,
        );
    }
    lines.push(
        `  ${"total".padEnd(width)}  ${"".padEnd(28)}  ${usdRange(estimate.total).padStart(19)}${estimate.unpriced.length > 0 ? "  (partial: see not priced)" : ""}`,
    );
    if (estimate.unpriced.length > 0) {
        lines.push(
            `  not priced in ${estimate.region}: ${estimate.unpriced.join(", ")}; add their list prices to offline/prices.ts with a source`,
        );
    }
    return lines.join("\n");
}

/** The stacks to price and whether to add Datadog hosts; an unknown option or no stack is refused with the usage. */
export function parseCostArgs(args: readonly string[], allStacks: () => string[] = projectStacks): { stacks: string[]; datadog: boolean } {
    const stacks = args.includes("--all") ? allStacks() : args.filter((a) => !a.startsWith("--"));
    const unknown = args.filter((a) => a.startsWith("--") && !["--all", "--datadog"].includes(a));
    if (stacks.length === 0 || unknown.length > 0) {
        throw new Error(`${unknown.length > 0 ? `unknown option ${unknown[0]}\n\n` : ""}${USAGE}`);
    }
    return { stacks, datadog: args.includes("--datadog") };
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    if (handledHelp(args, USAGE)) {
        return;
    }
    const { stacks, datadog } = parseCostArgs(args);
    for (const stack of stacks) {
        const raw = readStackConfig(stack);
        const run = await runProgram({ stack });
        console.log(`${formatCost(stack, estimateCost(run.resources, flatStackConfig(raw), { datadogHosts: datadog }))}\n`);
    }
}

if (require.main === module) {
    main().catch((error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}
