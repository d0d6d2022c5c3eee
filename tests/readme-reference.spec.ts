/**
 * The configuration reference (docs/configuration.md) states the limits the schema and checks enforce: each
 * limit is read from the code and must appear, with its number, in the reference.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { MAX_FARGATE_PROFILES, MAX_NODE_GROUP_PREFIX, SELECTORS_PER_PROFILE } from "../stacks/checks/names";
import { MAX_ALLOWED_ERROR_RATE } from "../stacks/checks/monitoring";
import { MAX_RULE_CONDITION_VALUES } from "../stacks/checks/apps";
import { FARGATE_MAX_CORES } from "../stacks/checks/capacity";
import { ALB_RULE_LIMITS, MAX_APP_NAME } from "../stacks/schema/apps";
import { LOG_RETENTION_DAYS } from "../stacks/schema/stage";
import { MAX_CONTAINER_CPU, MIN_CONTAINER_MEMORY, RESERVED_LABEL_DOMAINS } from "../stacks/schema/fields";
import { MIN_SPOT_INSTANCE_TYPES } from "../stacks/schema/node-groups";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../stacks/config";
import { MAX_ALARM_WINDOW_MINUTES } from "../stacks/checks/slo";
import { SLO_WINDOW_DAYS } from "../stacks/schema/slo";
import { PROJECT_DIR } from "../offline/stack-files";

const REFERENCE = fs.readFileSync(path.join(PROJECT_DIR, "docs", "configuration.md"), "utf8");

describe("configuration reference", () => {
    const statements: [string, string][] = [
        ["app name length", `at most ${MAX_APP_NAME} characters`],
        ["node group name prefix", `must fit in ${MAX_NODE_GROUP_PREFIX} characters`],
        [
            "Fargate selectors",
            `at most ${MAX_FARGATE_PROFILES * SELECTORS_PER_PROFILE - 4} apps (${MAX_FARGATE_PROFILES} profiles of ${SELECTORS_PER_PROFILE} namespace selectors`,
        ],
        ["spot diversity", `needs at least ${MIN_SPOT_INSTANCE_TYPES} instance types`],
        ["rule condition values", `at most ${MAX_RULE_CONDITION_VALUES} per rule`],
        ["container memory floor", `less than \`${MIN_CONTAINER_MEMORY / 2 ** 20}Mi\` is refused`],
        ["container CPU ceiling", `more than ${MAX_CONTAINER_CPU} CPUs`],
        ["error rate ceiling", `above ${MAX_ALLOWED_ERROR_RATE} refused`],
        ["Fargate pod size", `a Fargate pod (${FARGATE_MAX_CORES} vCPU`],
        ["longest burn-rate window", `at most ${MAX_ALARM_WINDOW_MINUTES} (7 days)`],
        ["SLO windows", SLO_WINDOW_DAYS.map((days) => `\`${days}\``).join(" \\| ")],
        [
            "hosts per app",
            `at most ${ALB_RULE_LIMITS.valuesPerCondition} hosts (an ALB condition takes at most ${ALB_RULE_LIMITS.valuesPerCondition} values)`,
        ],
        ["wildcards per rule", `at most ${ALB_RULE_LIMITS.wildcardsPerRule} wildcards per rule`],
        ["control-plane log retentions", LOG_RETENTION_DAYS.join(", ")],
        ["reserved label domains", RESERVED_LABEL_DOMAINS.map((d) => `\`${d}\``).join(", ")],
        [
            "Kubernetes minors",
            `one of ${SUPPORTED_KUBERNETES_VERSIONS[0]}–${SUPPORTED_KUBERNETES_VERSIONS[SUPPORTED_KUBERNETES_VERSIONS.length - 1]}`,
        ],
    ];
    for (const [what, text] of statements) {
        it(`states the ${what}: "${text}"`, () => {
            expect(REFERENCE).to.contain(text);
        });
    }
});
