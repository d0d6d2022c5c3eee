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
import { unknownZones, zoneNames } from "../availability-zones";
import { PROJECT, STAGE_PROFILES, stageProfile, STAGES } from "../schema/stage";
import { ciSchema } from "../schema/ci";
import { datadogEnabledIn } from "../secrets";
import { accessProblems } from "./access";
import { capacityProblems, controllerPlacementProblems } from "./capacity";
import { nameProblems } from "./names";
import { appStageProblems } from "./apps";
import { architectureProblems } from "./architectures";
import { accountOf, loadBalancerStageProblems } from "./load-balancer";
import { monitoringProblems } from "./monitoring";
import { sloProblems } from "./slo";
import { Slot } from "../schema/slots";
import { versionLifecycleProblems } from "./versions";

/** The raw (parsed but unvalidated) value of each `eks-platform:` section. */
export type SectionInputs = Partial<Record<string, unknown>>;

/**
 * `validRegion`: `aws:region` when it is well-formed, else undefined (its own problem is reported
 * apart). `today`: the date support windows are judged on.
 */
export function crossSectionProblems(
    stack: string,
    inputs: SectionInputs,
    validRegion: string | undefined,
    today: Date,
    slot: Slot = "blue",
): ConfigProblem[] {
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
            key: `${PROJECT}:stage`,
            value: stage,
            expected: `expected ${named[0]}, the stage stack "${stack}" is named after: stage decides its AZs, protection and alerting`,
        });
    }

    if (azs) {
        const azKey = `${PROJECT}:network.availabilityZones`;
        const minimum = stageProfile(stage ?? "dev").minAvailabilityZones;
        if (azs.length < minimum) {
            problems.push({
                key: azKey,
                value: azs,
                expected: `expected at least ${minimum} availability zones${stage && minimum > Math.min(...STAGES.map((s) => STAGE_PROFILES[s].minAvailabilityZones)) ? ` in ${stage}` : ""}`,
            });
        }
        // Malformed names are reported by the schema; only well-formed ones can be in another region.
        const foreign = validRegion ? azs.filter((az) => AVAILABILITY_ZONE.test(az) && !az.startsWith(validRegion)) : [];
        if (foreign.length > 0) {
            problems.push({ key: azKey, value: foreign, expected: `expected zones of aws:region ${validRegion}` });
        }
        const missing = validRegion
            ? unknownZones(
                  validRegion,
                  azs.filter((az) => AVAILABILITY_ZONE.test(az) && az.length === validRegion.length + 1),
              )
            : [];
        if (missing.length > 0) {
            problems.push({
                key: azKey,
                value: missing,
                expected: `expected zones ${validRegion} has (${zoneNames(validRegion!).join(", ")}): it has no ${missing.join(", ")}`,
            });
        }
    }

    if (vpcCidr && serviceCidr && cidrsOverlap(parseCidr(vpcCidr)!, parseCidr(serviceCidr)!)) {
        problems.push({
            key: `${PROJECT}:cluster.serviceCidr`,
            value: serviceCidr,
            expected: `expected a range that does not overlap the VPC (network.cidr ${vpcCidr})`,
        });
    }

    if (stage && !stageProfile(stage).openEndpointAllowed && endpointCidrs?.some((c) => parseCidr(c)!.prefix === 0)) {
        problems.push({
            key: `${PROJECT}:cluster.endpoint.publicAccessCidrs`,
            value: endpointCidrs,
            expected: `expected specific CIDRs: the ${stage} API endpoint is never open to 0.0.0.0/0`,
        });
    }

    problems.push(...versionLifecycleProblems(inputs.cluster, today));
    problems.push(...accessProblems(inputs.cluster, inputs.ci, inputs.network));
    problems.push(...appStageProblems(stage, inputs.apps));
    problems.push(...capacityProblems(inputs.cluster, inputs.apps, inputs.addons));
    problems.push(...architectureProblems(inputs.cluster, inputs.apps));
    problems.push(...controllerPlacementProblems(stage, inputs.cluster, inputs.addons));
    const account = stackAccount(inputs);
    problems.push(...account.problems);
    problems.push(...loadBalancerStageProblems(stage, inputs.loadBalancer, validRegion, account.id));
    problems.push(...nameProblems(stack, inputs.cluster, inputs.apps, inputs.monitoring, slot));
    const idleTimeout = validOrUndefined(loadBalancerSchema, inputs.loadBalancer)?.idleTimeoutSeconds;
    problems.push(...monitoringProblems(stage, inputs.monitoring, idleTimeout, datadogEnabledIn(inputs.addons)));
    problems.push(...sloProblems(stage, inputs.monitoring, inputs.apps));
    return problems;
}

/**
 * The account the stack creates everything in: the deploy role's. When the deploy role is the one
 * ARN of another account (the preview role and the certificate agree on theirs), the deploy role is
 * what is wrong, and it is reported under its own key, not as a certificate in the wrong account.
 */
function stackAccount(inputs: SectionInputs): { id?: string; problems: ConfigProblem[] } {
    const ci = validOrUndefined(ciSchema, inputs.ci);
    if (!ci) {
        return { problems: [] };
    }
    const deploy = accountOf(ci.deployRoleArn);
    const preview = ci.previewRoleArn && accountOf(ci.previewRoleArn);
    const certificateArn = (inputs.loadBalancer as Record<string, unknown> | undefined)?.certificateArn;
    const certificate =
        typeof certificateArn === "string" ? /^arn:aws[a-z-]*:acm:[a-z0-9-]+:(\d{12}):/.exec(certificateArn)?.[1] : undefined;
    if (deploy && preview && certificate && preview === certificate && deploy !== preview) {
        return {
            problems: [
                {
                    key: `${PROJECT}:ci.deployRoleArn`,
                    value: ci.deployRoleArn,
                    expected: `expected a role of account ${preview}, where ci.previewRoleArn and loadBalancer.certificateArn are: the deploy role's account is the one the stack creates everything in`,
                },
            ],
        };
    }
    return { id: deploy, problems: [] };
}
