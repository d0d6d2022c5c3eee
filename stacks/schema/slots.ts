/**
 * Blue/green clusters: `eks-platform:clusters` holds up to two slots, each shaped like
 * `eks-platform:cluster`, and `eks-platform:traffic` the share of each app's requests each slot's
 * target group receives from the shared ALB (docs/blue-green.md).
 */
import { z } from "zod";
import { clusterSchema } from "./cluster";

export const SLOTS = ["blue", "green"] as const;
export type Slot = (typeof SLOTS)[number];

/**
 * The logical name of a slot's resource: blue's is the name itself (what single-cluster stacks
 * have always had), green's ends in `-g` (short: Pulumi autonames several AWS resources after
 * their logical names within AWS's length limits).
 */
export function slotName(name: string, slot: Slot): string {
    return slot === "blue" ? name : `${name}-g`;
}

/** Titled, so the reference points at `eks-platform:cluster`'s table instead of repeating it. */
const slotCluster = clusterSchema.meta({ title: "cluster" });

export const clustersSchema = z
    .strictObject({
        blue: slotCluster.optional().describe("The blue slot's cluster, shaped like `eks-platform:cluster`. A single-cluster stack moved here keeps every name."),
        green: slotCluster.optional().describe("The green slot's cluster, shaped like `eks-platform:cluster`; its default name is `eks-platform-<stack>-green`."),
    })
    .refine((slots) => slots.blue !== undefined || slots.green !== undefined, { error: "expected a blue or a green slot (or both)" })
    .describe("Blue/green clusters behind the one ALB: up to two slots, `blue` and `green`, instead of `eks-platform:cluster` (docs/blue-green.md).");

const weight = z
    .number({ error: "expected a whole percentage from 0 to 100" })
    .int({ error: "expected a whole percentage from 0 to 100" })
    .min(0, { error: "expected a whole percentage from 0 to 100" })
    .max(100, { error: "expected a whole percentage from 0 to 100" });

export const trafficSchema = z
    .strictObject({
        blue: weight.optional().describe("Percent of each app's requests the blue slot serves."),
        green: weight.optional().describe("Percent of each app's requests the green slot serves."),
    })
    .describe("With `eks-platform:clusters`: the percent of each app's requests each slot serves, summing to 100 (`{ blue: 90, green: 10 }`). Optional with one slot (it serves all).");
