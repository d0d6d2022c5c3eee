/**
 * Rules that relate config sections to each other, to the region or to the stage. Each reads the
 * fields it needs on its own, so a problem elsewhere in a section does not hide its own.
 */
import { z } from "zod";
import { cidrsOverlap, parseCidr } from "../cidr";
import { ConfigProblem, validOrUndefined } from "../problems";
import { cidrBlock } from "../schema/fields";
import { loadBalancerSchema } from "../schema/load-balancer";
import { AVAILABILITY_ZONE } from "../schema/network";
import { MIN_AVAILABILITY_ZONES, PROJECT, STAGES } from "../schema/stage";
import { ciSchema } from "../schema/ci";
import { datadogEnabledIn } from "../secrets";
import { accessProblems } from "./access";
import { capacityProblems } from "./capacity";
import { nameProblems } from "./names";
import { appStageProblems } from "./apps";
import { accountOf, loadBalancerStageProblems } from "./load-balancer";
import { monitoringProblems } from "./monitoring";
import { sloProblems } from "./slo";
import { versionLifecycleProblems } from "./versions";

/** The raw (parsed but unvalidated) value of each `eks-platform:` section. */
export type SectionInputs = Partial<Record<string, unknown>>;

/**
 * `validRegion`: `aws:region` when it is well-formed, else undefined (its own problem is reported
 * apart). `today`: the date support windows are judged on.
 */
export function crossSectionProblems(stack: string, inputs: SectionInputs, validRegion: string | undefined, today: Date): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const stage = validOrUndefined(z.enum(STAGES), inputs.stage);
    const network = (inputs.network ?? {}) as Record<string, any>;
    const cluster = (inputs.cluster ?? {}) as Record<string, any>;
    const azs = validOrUndefined(z.array(z.string()), network.availabilityZones);
    const vpcCidr = validOrUndefined(cidrBlock, network.cidr);
    const serviceCidr = validOrUndefined(cidrBlock, cluster.serviceCidr);
    const endpointCidrs = validOrUndefined(z.array(cidrBlock), cluster.endpoint?.publicAccessCidrs);

    // A stack named after a stage (prd, team-prd) deploys that stage: stage rules follow `stage`.
    const named = stack.split(/[-_.]/).filter((word): word is (typeof STAGES)[number] => (STAGES as readonly string[]).includes(word));
    if (stage && named.length === 1 && named[0] !== stage) {
        problems.push({
            key: `${PROJECT}:stage`, value: stage,
            expected: `expected ${named[0]}, the stage stack "${stack}" is named after: stage decides its AZs, protection and alerting`,
        });
    }

    if (azs) {
        const azKey = `${PROJECT}:network.availabilityZones`;
        const minimum = MIN_AVAILABILITY_ZONES[stage ?? "dev"];
        if (azs.length < minimum) {
            problems.push({
                key: azKey, value: azs,
                expected: `expected at least ${minimum} availability zones${stage === "prd" ? " in prd" : ""}`,
            });
        }
        // Malformed names are reported by the schema; only well-formed ones can be in another region.
        const foreign = validRegion ? azs.filter((az) => AVAILABILITY_ZONE.test(az) && !az.startsWith(validRegion)) : [];
        if (foreign.length > 0) {
            problems.push({ key: azKey, value: foreign, expected: `expected zones of aws:region ${validRegion}` });
        }
    }

    if (vpcCidr && serviceCidr && cidrsOverlap(parseCidr(vpcCidr)!, parseCidr(serviceCidr)!)) {
        problems.push({
            key: `${PROJECT}:cluster.serviceCidr`, value: serviceCidr,
            expected: `expected a range that does not overlap the VPC (network.cidr ${vpcCidr})`,
        });
    }

    if (stage === "prd" && endpointCidrs?.some((c) => parseCidr(c)!.prefix === 0)) {
        problems.push({
            key: `${PROJECT}:cluster.endpoint.publicAccessCidrs`, value: endpointCidrs,
            expected: "expected specific CIDRs: the prd API endpoint is never open to 0.0.0.0/0",
        });
    }

    problems.push(...versionLifecycleProblems(inputs.cluster, today));
    problems.push(...accessProblems(inputs.cluster, inputs.ci, inputs.network));
    problems.push(...appStageProblems(stage, inputs.apps));
    problems.push(...capacityProblems(inputs.cluster, inputs.apps, inputs.addons));
    const deployRole = validOrUndefined(ciSchema, inputs.ci)?.deployRoleArn;
    problems.push(...loadBalancerStageProblems(stage, inputs.loadBalancer, validRegion, deployRole && accountOf(deployRole)));
    problems.push(...nameProblems(stack, stage, inputs.cluster, inputs.apps, inputs.monitoring));
    const idleTimeout = validOrUndefined(loadBalancerSchema, inputs.loadBalancer)?.idleTimeoutSeconds;
    problems.push(...monitoringProblems(stage, inputs.monitoring, idleTimeout, datadogEnabledIn(inputs.addons)));
    problems.push(...sloProblems(stage, inputs.monitoring, inputs.apps));
    return problems;
}
