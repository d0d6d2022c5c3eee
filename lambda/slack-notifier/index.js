// @ts-check
"use strict";
/**
 * Posts CloudWatch alarms that arrive through SNS to a Slack incoming webhook, formatted so the
 * channel reads what fired, why, and where to look. The webhook URL is a SecureString SSM
 * parameter (named by WEBHOOK_PARAMETER), read once per container; a failed read is not kept,
 * so the next invocation tries again.
 *
 * Runtime: AWS Lambda nodejs24.x (global fetch, AWS SDK v3 included).
 */

/**
 * @typedef {{ Sns: { Subject?: string | null, Message: string, TopicArn?: string } }} SnsRecord
 * @typedef {{ Records: SnsRecord[] }} SnsEvent
 * @typedef {{ text: string, blocks: object[] }} SlackMessage
 * @typedef {{ ok: boolean, status: number, headers?: { get: (name: string) => string | null }, text: () => Promise<string> }} PostResponse
 * @typedef {{ attempts: number, timeoutMs: number, delaysMs: number[], maxRetryAfterMs: number }} RetryPolicy
 * @typedef {{
 *   getWebhookUrl: () => Promise<string>,
 *   post: (url: string, body: SlackMessage, signal: AbortSignal) => Promise<PostResponse>,
 *   retry?: RetryPolicy,
 *   sleep?: (ms: number) => Promise<void>,
 * }} Dependencies
 */

/**
 * Three tries, each cut off after 2.5 s, 0.25 s and 1 s apart: 8.75 s at worst, inside the
 * function's 10 s timeout, so a hanging webhook ends as this function's error (which Lambda
 * retries and then keeps in the failed-alerts queue), never as a timeout that says nothing.
 */
const DEFAULT_RETRY = { attempts: 3, timeoutMs: 2500, delaysMs: [250, 1000], maxRetryAfterMs: 1000 };

const ICONS = { ALARM: ":red_circle:", OK: ":large_green_circle:", INSUFFICIENT_DATA: ":white_circle:" };

/** @param {string} alarmArn */
function consoleUrl(alarmArn) {
    // arn:aws:cloudwatch:<region>:<account>:alarm:<name>
    const [, , , region, , , ...name] = alarmArn.split(":");
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(name.join(":"))}`;
}

/**
 * @param {any} trigger
 * @returns {string}
 */
function describeTrigger(trigger) {
    if (!trigger) {
        return "";
    }
    if (trigger.MetricName) {
        const dimensions = (trigger.Dimensions || [])
            .map((/** @type {{name: string, value: string}} */ d) => `${d.name}=${d.value}`)
            .join(", ");
        const stat = trigger.ExtendedStatistic || trigger.Statistic;
        return `${trigger.Namespace} ${trigger.MetricName} (${stat}, ${dimensions}) ${trigger.ComparisonOperator} ${trigger.Threshold}`;
    }
    const expression = (trigger.Metrics || []).find((/** @type {any} */ m) => m.Expression);
    return expression ? `${expression.Expression} ${trigger.ComparisonOperator} ${trigger.Threshold}` : "";
}

/**
 * A composite alarm's rule, its alarms named instead of spelled as ARNs.
 * @param {string | undefined} rule
 */
function describeRule(rule) {
    return rule ? rule.replace(/arn:aws[a-z-]*:cloudwatch:[^:]+:\d+:alarm:/g, "") : "";
}

/**
 * Formats one SNS record: a CloudWatch alarm notification when it is one, its text otherwise.
 * @param {SnsRecord} record
 * @returns {SlackMessage}
 */
function formatRecord(record) {
    let alarm;
    try {
        alarm = JSON.parse(record.Sns.Message);
    } catch {
        alarm = undefined;
    }
    if (!alarm || !alarm.AlarmName || !alarm.NewStateValue) {
        const text = `${record.Sns.Subject ? `*${record.Sns.Subject}*\n` : ""}${record.Sns.Message}`;
        return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
    }
    /** @type {keyof typeof ICONS} */
    const state = alarm.NewStateValue;
    const icon = ICONS[state] || ":grey_question:";
    const headline = `${icon} ${state}: ${alarm.AlarmName}`;
    const lines = [
        alarm.AlarmDescription ? `> ${alarm.AlarmDescription}` : "",
        `*Why:* ${alarm.NewStateReason}`,
        describeTrigger(alarm.Trigger) ? `*Metric:* ${describeTrigger(alarm.Trigger)}` : "",
        describeRule(alarm.AlarmRule) ? `*Rule:* ${describeRule(alarm.AlarmRule)}` : "",
        `*Was:* ${alarm.OldStateValue} · *Since:* ${alarm.StateChangeTime}`,
        alarm.AlarmArn ? `<${consoleUrl(alarm.AlarmArn)}|Open in CloudWatch>` : "",
    ].filter((line) => line !== "");
    return {
        text: headline,
        blocks: [
            { type: "header", text: { type: "plain_text", text: headline.replace(/:[a-z_]+: /, "") } },
            { type: "section", text: { type: "mrkdwn", text: `${icon} ${lines.join("\n")}` } },
        ],
    };
}

/**
 * A first evaluation is not a recovery: a new alarm starts in INSUFFICIENT_DATA and its first
 * evaluation moves it to OK, which runs its OK actions (CloudWatch PutMetricAlarm: "OK actions
 * ... when the alarm transitions into an OK state from any other state"). A deploy that creates
 * alarms would post one OK per alarm; only an OK that ends an ALARM is news.
 * @param {SnsRecord} record
 */
function isFirstEvaluation(record) {
    try {
        const alarm = JSON.parse(record.Sns.Message);
        return alarm.NewStateValue === "OK" && alarm.OldStateValue === "INSUFFICIENT_DATA";
    } catch {
        return false;
    }
}

/** Slack's answers worth another try: rate limited, or its side failed (Slack, "Handling errors" of incoming webhooks). */
function retryable(/** @type {number} */ status) {
    return status === 429 || status >= 500;
}

/**
 * Posts one message, trying again on a timeout, a network error, 429 (after its Retry-After, capped)
 * or a 5XX; a 4XX other than 429 (a revoked webhook, an invalid payload) fails at once.
 * @param {Dependencies} deps
 * @param {string} url
 * @param {SlackMessage} message
 */
async function postWithRetries(deps, url, message) {
    const policy = deps.retry || DEFAULT_RETRY;
    const sleep = deps.sleep || ((/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    let failure = "";
    for (let attempt = 1; attempt <= policy.attempts; attempt++) {
        let waitMs = policy.delaysMs[Math.min(attempt - 1, policy.delaysMs.length - 1)] || 0;
        /** @type {PostResponse | undefined} */
        let response;
        try {
            response = await deps.post(url, message, AbortSignal.timeout(policy.timeoutMs));
        } catch (error) {
            const e = /** @type {Error} */ (error);
            failure =
                e.name === "TimeoutError" ? `Slack did not answer within ${policy.timeoutMs} ms` : `posting to Slack failed: ${e.message}`;
        }
        if (response) {
            if (response.ok) {
                return;
            }
            failure = `Slack answered ${response.status}: ${await response.text()}`;
            if (!retryable(response.status)) {
                throw new Error(`${failure} (not retried: a 4XX other than 429 does not succeed on a retry)`);
            }
            const retryAfter = Number(response.headers?.get("retry-after"));
            if (response.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) {
                waitMs = Math.min(retryAfter * 1000, policy.maxRetryAfterMs);
            }
        }
        if (attempt < policy.attempts) {
            await sleep(waitMs);
        }
    }
    throw new Error(`${failure} (after ${policy.attempts} tries)`);
}

/**
 * @param {Dependencies} deps
 * @returns {(event: SnsEvent) => Promise<{ posted: number, skipped: number }>}
 */
function createHandler(deps) {
    /** @type {Promise<string> | undefined} */
    let webhookUrl;
    return async (event) => {
        webhookUrl =
            webhookUrl ||
            deps.getWebhookUrl().catch((error) => {
                // A throttled or denied SSM read must not break every later alarm of this warm container.
                webhookUrl = undefined;
                throw error;
            });
        const url = await webhookUrl;
        const news = event.Records.filter((record) => !isFirstEvaluation(record));
        for (const record of news) {
            // A failure throws: SNS invokes this function asynchronously, so Lambda retries the
            // event twice and then keeps it in the failed-alerts queue (its on-failure destination).
            await postWithRetries(deps, url, formatRecord(record));
        }
        return { posted: news.length, skipped: event.Records.length - news.length };
    };
}

/** @returns {Promise<string>} */
async function webhookUrlFromSsm() {
    const name = process.env.WEBHOOK_PARAMETER;
    if (!name) {
        throw new Error("WEBHOOK_PARAMETER is not set");
    }
    // Part of the Lambda runtime, not of this project: loaded by name only here, so the unit
    // tests and the type check need no AWS SDK.
    const sdk = "@aws-sdk/client-ssm";
    const { SSMClient, GetParameterCommand } = require(sdk);
    const result = await new SSMClient({}).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return result.Parameter.Value;
}

/** @type {Dependencies["post"]} */
async function postJson(url, body, signal) {
    return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
}

module.exports = {
    formatRecord,
    createHandler,
    postJson,
    DEFAULT_RETRY,
    handler: createHandler({ getWebhookUrl: webhookUrlFromSsm, post: postJson }),
};
