/**
 * A preflight check's outcome, and the guard every AWS call goes through: a denied call is a
 * warning that names the IAM action, never a crash; any other error fails the check with AWS's
 * own code and message.
 */

export type CheckStatus = "pass" | "warn" | "fail";

export interface CheckResult {
    /** The service asked: eks, ec2, iam, acm, logs, chatbot. */
    readonly area: string;
    readonly check: string;
    readonly status: CheckStatus;
    /** What AWS answered, against what the stack needs. */
    readonly detail: string;
    /** What to do, on a warning or failure. */
    readonly fix?: string;
}

/** The error codes AWS returns for a call the caller's policy does not allow (EC2 says UnauthorizedOperation). */
export const DENIED_CODES = ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException"];

/** What IAM says of a role or policy that does not exist (the SDK's name, and the wire code). */
export const IAM_MISSING = ["NoSuchEntityException", "NoSuchEntity"];

export function errorCode(error: unknown): string | undefined {
    return typeof error === "object" && error !== null && "name" in error ? String((error as { name: unknown }).name) : undefined;
}

export function isAwsError(error: unknown, ...codes: string[]): boolean {
    const code = errorCode(error);
    return code !== undefined && codes.includes(code);
}

/** A call's answer, or undefined when AWS says the resource does not exist (one of `missing`); other errors propagate. */
export async function unlessMissing<T>(call: Promise<T>, ...missing: string[]): Promise<T | undefined> {
    try {
        return await call;
    } catch (error) {
        if (isAwsError(error, ...missing)) {
            return undefined;
        }
        throw error;
    }
}

export const pass = (area: string, check: string, detail: string): CheckResult => ({ area, check, status: "pass", detail });
export const warn = (area: string, check: string, detail: string, fix: string): CheckResult => ({
    area,
    check,
    status: "warn",
    detail,
    fix,
});
export const fail = (area: string, check: string, detail: string, fix: string): CheckResult => ({
    area,
    check,
    status: "fail",
    detail,
    fix,
});

/**
 * Runs one check's AWS calls: their results, or a warning naming the denied IAM action, or a
 * failure carrying AWS's error. `action` is the IAM action the calls need (`eks:DescribeCluster`).
 */
export async function guarded(
    area: string,
    check: string,
    action: string,
    run: () => Promise<CheckResult | CheckResult[]>,
): Promise<CheckResult[]> {
    try {
        const result = await run();
        return Array.isArray(result) ? result : [result];
    } catch (error) {
        if (isAwsError(error, ...DENIED_CODES)) {
            return [
                warn(
                    area,
                    check,
                    `not checked: the caller may not call ${action}`,
                    `allow ${action} to the role preflight runs as (docs/preflight.md)`,
                ),
            ];
        }
        const message = error instanceof Error ? error.message : String(error);
        return [
            fail(
                area,
                check,
                `${action} failed: ${errorCode(error) ?? "Error"}: ${message}`,
                "check the region and credentials, then run preflight again",
            ),
        ];
    }
}

export function summarise(results: readonly CheckResult[]): { passed: number; warnings: number; failed: number } {
    const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
    return { passed: count("pass"), warnings: count("warn"), failed: count("fail") };
}

const MARK: Record<CheckStatus, string> = { pass: "pass", warn: "WARN", fail: "FAIL" };

/** One line per check, what to do under each warning and failure, the summary last. */
export function formatResults(stack: string, results: readonly CheckResult[]): string {
    const lines = results.flatMap((r) => [
        `${MARK[r.status]}  ${r.area.padEnd(7)} ${r.check}: ${r.detail}`,
        ...(r.fix ? [`        -> ${r.fix}`] : []),
    ]);
    const { passed, warnings, failed } = summarise(results);
    return [...lines, "", `preflight ${stack}: ${passed} passed, ${warnings} warnings, ${failed} failed`].join("\n");
}
