/**
 * IAM and STS: the caller is the stack's deploy role, the admin and preview roles exist, and no
 * fixed IAM name the stack will create is taken.
 */
import { GetPolicyCommand, GetRoleCommand } from "@aws-sdk/client-iam";
import type { PreflightContext } from "./context";
import { arnParts, namedResources, ownedBy, roleName } from "./needs";
import { CheckResult, fail, guarded, IAM_MISSING, pass, unlessMissing, warn } from "./result";

const AREA = "iam";

/** Whether a caller ARN (an assumed-role session or the role itself) is this role. */
export function callerIsRole(callerArn: string, roleArn: string): boolean {
    const [caller, role] = [arnParts(callerArn), arnParts(roleArn)];
    if (!caller || !role || caller.account !== role.account) {
        return false;
    }
    // arn:aws:sts::<account>:assumed-role/<name>/<session>, arn:aws:iam::<account>:role/<path/><name>
    const callerRole = caller.resource.startsWith("assumed-role/")
        ? caller.resource.split("/")[1]
        : caller.resource.startsWith("role/")
          ? roleName(caller.resource)
          : undefined;
    return callerRole === roleName(role.resource);
}

function caller(context: PreflightContext): CheckResult[] {
    const deployRole = context.config.ci.deployRoleArn;
    const check = "caller is the deploy role";
    const { arn } = context.caller;
    return callerIsRole(arn, deployRole)
        ? [pass("sts", check, arn)]
        : [
              warn(
                  "sts",
                  check,
                  `the caller is ${arn}, not ${deployRole}: checks ran with the caller's view and permissions`,
                  `run preflight as the deploy role (aws sts assume-role --role-arn ${deployRole} ...), as CI's deploy job does`,
              ),
          ];
}

async function roleExists(context: PreflightContext, purpose: string, arn: string): Promise<CheckResult[]> {
    const check = `${purpose} ${arn}`;
    const account = arnParts(arn)?.account;
    return guarded(AREA, check, "iam:GetRole", async () => {
        const found = await unlessMissing(context.clients.iam.send(new GetRoleCommand({ RoleName: roleName(arn) })), ...IAM_MISSING);
        if (!found) {
            return fail(
                AREA,
                check,
                `no such role in account ${account}`,
                "create it first (npm run ci-roles prints the trust and permissions it needs), or correct the ARN",
            );
        }
        return found.Role?.Arn === arn
            ? pass(AREA, check, "exists")
            : fail(AREA, check, `a role of that name is ${found.Role?.Arn}`, "correct the ARN in the stack file");
    });
}

async function nameFree(
    context: PreflightContext,
    kind: "iam-role" | "iam-policy",
    name: string,
    tags: Record<string, string>,
): Promise<CheckResult[]> {
    const check = `${kind === "iam-role" ? "role" : "policy"} name ${name}`;
    return guarded(AREA, check, kind === "iam-role" ? "iam:GetRole" : "iam:GetPolicy", async () => {
        const iam = context.clients.iam;
        const existing =
            kind === "iam-role"
                ? (await unlessMissing(iam.send(new GetRoleCommand({ RoleName: name })), ...IAM_MISSING))?.Role
                : (
                      await unlessMissing(
                          iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${context.caller.account}:policy/${name}` })),
                          ...IAM_MISSING,
                      )
                  )?.Policy;
        if (!existing) {
            return pass(AREA, check, "free");
        }
        const existingTags = Object.fromEntries((existing.Tags ?? []).map((t) => [t.Key!, t.Value!]));
        return ownedBy(existingTags, tags)
            ? pass(AREA, check, "exists and is this stack's")
            : fail(AREA, check, "taken by one this stack did not create", "rename it in the stack, or delete the other");
    });
}

export async function iamChecks(context: PreflightContext): Promise<CheckResult[]> {
    const { ci, slots } = context.config;
    const admins = [...new Set(slots.flatMap((s) => s.cluster.adminRoleArns))];
    const named = namedResources(context.resources).filter(
        (r): r is typeof r & { kind: "iam-role" | "iam-policy" } => r.kind === "iam-role" || r.kind === "iam-policy",
    );
    const results = await Promise.all([
        caller(context),
        roleExists(context, "deploy role", ci.deployRoleArn),
        ...(ci.previewRoleArn ? [roleExists(context, "preview role", ci.previewRoleArn)] : []),
        ...admins.map((arn) => roleExists(context, "admin role", arn)),
        ...named.map((r) => nameFree(context, r.kind, r.name, r.tags)),
    ]);
    const fixedNames =
        named.length === 0
            ? [pass(AREA, "IAM names the stack creates", "every role and policy is autonamed (a random suffix): none can be taken")]
            : [];
    return [...results.flat(), ...fixedNames];
}
