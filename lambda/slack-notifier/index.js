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
 * @typedef {{ getWebhookUrl: () => Promise<string>, post: (url: string, body: SlackMessage) => Promise<{ ok: boolean, status: number, text: () => Promise<string> }> }} Dependencies
 */

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
 * @param {Dependencies} deps
 * @returns {(event: SnsEvent) => Promise<{ posted: number }>}
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
        for (const record of event.Records) {
            const response = await deps.post(url, formatRecord(record));
            if (!response.ok) {
                // Throwing makes SNS retry the delivery.
                throw new Error(`Slack answered ${response.status}: ${await response.text()}`);
            }
        }
        return { posted: event.Records.length };
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
async function postJson(url, body) {
    return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

module.exports = {
    formatRecord,
    createHandler,
    handler: createHandler({ getWebhookUrl: webhookUrlFromSsm, post: postJson }),
};
