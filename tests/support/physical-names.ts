/** The names a render gives things in the AWS account and the Datadog organisation. */
import { ProgramRun } from "../../offline/program-run";

/** Inputs that name something in the cloud account (AWS) or the Datadog organisation. */
const PHYSICAL_KEYS = ["name", "namePrefix", "configurationName", "nodeGroupNamePrefix", "functionName"];

/** Each physical name with the resource input that gives it, in render order (a name may repeat). */
export function physicalNameEntries(run: ProgramRun): [string, string][] {
    const names: [string, string][] = [];
    for (const r of run.resources.filter((x) => /^(aws|awsx|eks|datadog):/.test(x.type))) {
        for (const key of PHYSICAL_KEYS) {
            const value = r.inputs[key];
            if (typeof value === "string") {
                names.push([value, `${r.type} ${r.name}.${key}`]);
            }
        }
        if (r.type === "datadog:index/dashboardJson:DashboardJson") {
            names.push([JSON.parse(r.inputs.dashboard as string).title, `${r.type} ${r.name}.title`]);
        }
    }
    return names;
}

export function physicalNames(run: ProgramRun): Map<string, string> {
    return new Map(physicalNameEntries(run));
}

/**
 * The longest name pulumi-aws's autonaming may give each type it names after the logical name
 * (provider/resources.go AutoName(<field>, <max>), AWS's own limits): the logical name, "-" and 7
 * random characters must fit, or pulumi preview refuses it.
 */
export const AUTONAME_LIMITS: Readonly<Record<string, number>> = {
    "aws:cloudwatch/eventRule:EventRule": 64,
    "aws:iam/role:Role": 64,
    "aws:lb/targetGroup:TargetGroup": 32,
    "aws:lb/loadBalancer:LoadBalancer": 32,
    "aws:sqs/queue:Queue": 80,
};

/** Autonamed resources whose generated name would exceed its type's limit. */
export function autonameOverflows(run: ProgramRun): string[] {
    return run.resources
        .filter((r) => r.type in AUTONAME_LIMITS && r.inputs.name === undefined && r.inputs.namePrefix === undefined)
        .filter((r) => r.name.length + 8 > AUTONAME_LIMITS[r.type])
        .map((r) => `${r.type} ${r.name}: ${r.name.length + 8} > ${AUTONAME_LIMITS[r.type]}`);
}
