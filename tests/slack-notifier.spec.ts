import { expect } from "chai";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const notifier = require("../lambda/slack-notifier/index.js");

function snsEvent(message: unknown, subject: string | null = null) {
    return {
        Records: [
            {
                Sns: {
                    Subject: subject,
                    Message: typeof message === "string" ? message : JSON.stringify(message),
                    TopicArn: "arn:aws:sns:eu-west-1:1:t",
                },
            },
        ],
    };
}

const ALARM = {
    AlarmName: "eks-platform-prd web target 5XX",
    AlarmDescription: "App web answered more than 100 5XX a minute.",
    AWSAccountId: "333344445555",
    NewStateValue: "ALARM",
    NewStateReason: "Threshold Crossed: 2 out of the last 3 datapoints [180.0, 240.0] were greater than the threshold (100.0).",
    StateChangeTime: "2026-11-26T08:00:00.000+0000",
    Region: "EU (Ireland)",
    AlarmArn: "arn:aws:cloudwatch:eu-west-1:333344445555:alarm:eks-platform-prd web target 5XX",
    OldStateValue: "OK",
    Trigger: {
        MetricName: "HTTPCode_Target_5XX_Count",
        Namespace: "AWS/ApplicationELB",
        Statistic: "SUM",
        Period: 60,
        EvaluationPeriods: 3,
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: 100,
        Dimensions: [
            { name: "LoadBalancer", value: "app/alb/50dc" },
            { name: "TargetGroup", value: "targetgroup/alb-web/73e2" },
        ],
    },
};

function stubbedPost(status = 200) {
    const calls: { url: string; body: any }[] = [];
    const post = async (url: string, body: unknown) => {
        calls.push({ url, body });
        return { ok: status < 300, status, text: async () => (status < 300 ? "ok" : "invalid_payload") };
    };
    return { calls, post };
}

describe("slack-notifier Lambda", () => {
    it("posts an ALARM readably: what, why, the metric and a link to the alarm", async () => {
        const { calls, post } = stubbedPost();
        const handler = notifier.createHandler({ getWebhookUrl: async () => "https://hooks.slack.com/services/T/B/x", post });
        expect(await handler(snsEvent(ALARM, "ALARM: web target 5XX"))).to.deep.equal({ posted: 1 });
        expect(calls).to.have.length(1);
        expect(calls[0].url).to.equal("https://hooks.slack.com/services/T/B/x");
        const { text, blocks } = calls[0].body;
        expect(text).to.equal(":red_circle: ALARM: eks-platform-prd web target 5XX");
        const body = blocks[1].text.text as string;
        expect(body).to.contain("> App web answered more than 100 5XX a minute.");
        expect(body).to.contain("*Why:* Threshold Crossed: 2 out of the last 3 datapoints");
        expect(body).to.contain(
            "*Metric:* AWS/ApplicationELB HTTPCode_Target_5XX_Count (SUM, LoadBalancer=app/alb/50dc, TargetGroup=targetgroup/alb-web/73e2) GreaterThanThreshold 100",
        );
        expect(body).to.contain(
            "<https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/eks-platform-prd%20web%20target%205XX|Open in CloudWatch>",
        );
    });

    it("posts the OK that follows, in green", async () => {
        const { calls, post } = stubbedPost();
        const handler = notifier.createHandler({ getWebhookUrl: async () => "https://hooks", post });
        await handler(
            snsEvent({
                ...ALARM,
                NewStateValue: "OK",
                OldStateValue: "ALARM",
                NewStateReason: "Threshold Crossed: 1 datapoint [3.0] was not greater than the threshold (100.0).",
            }),
        );
        expect(calls[0].body.text).to.equal(":large_green_circle: OK: eks-platform-prd web target 5XX");
        expect(calls[0].body.blocks[1].text.text).to.contain("*Was:* ALARM");
    });

    it("describes a metric-math alarm by its expression", () => {
        const mathAlarm = {
            ...ALARM,
            Trigger: {
                ComparisonOperator: "GreaterThanThreshold",
                Threshold: 0.1,
                Metrics: [{ Id: "requests" }, { Id: "rate", Expression: "IF(requests >= 500, 100 * elb5xx / requests, 0)" }],
            },
        };
        const message = notifier.formatRecord(snsEvent(mathAlarm).Records[0]);
        expect(message.blocks[1].text.text).to.contain(
            "*Metric:* IF(requests >= 500, 100 * elb5xx / requests, 0) GreaterThanThreshold 0.1",
        );
    });

    it("posts a burn-rate composite alarm with its message and its rule, the alarms named rather than spelled as ARNs", () => {
        const { Trigger, ...withoutTrigger } = ALARM;
        expect(Trigger).to.be.an("object");
        const composite = {
            ...withoutTrigger,
            AlarmName: "eks-platform-prd web SLO [page] burn 14.4x (1h and 5m)",
            AlarmDescription: "[page] web is burning its error budget at 14.4x or faster: ... at most 98% is left.",
            NewStateReason:
                "arn:aws:cloudwatch:eu-west-1:333344445555:alarm:eks-platform-prd web SLO burn 14.4x over 5m transitioned to ALARM",
            AlarmRule:
                'ALARM("arn:aws:cloudwatch:eu-west-1:333344445555:alarm:eks-platform-prd web SLO burn 14.4x over 1h") AND ALARM("arn:aws:cloudwatch:eu-west-1:333344445555:alarm:eks-platform-prd web SLO burn 14.4x over 5m")',
        };
        const body = notifier.formatRecord(snsEvent(composite).Records[0]).blocks[1].text.text as string;
        expect(body).to.contain("> [page] web is burning its error budget at 14.4x or faster");
        expect(body).to.contain(
            '*Rule:* ALARM("eks-platform-prd web SLO burn 14.4x over 1h") AND ALARM("eks-platform-prd web SLO burn 14.4x over 5m")',
        );
        expect(body).not.to.contain("*Metric:*");
    });

    it("passes a message that is not an alarm through as text", () => {
        const message = notifier.formatRecord(snsEvent("Test notification", "Hello").Records[0]);
        expect(message.text).to.equal("*Hello*\nTest notification");
    });

    it("reads the webhook once per container, and fails (so SNS retries) when Slack refuses", async () => {
        let reads = 0;
        const { post } = stubbedPost(400);
        const handler = notifier.createHandler({
            getWebhookUrl: async () => {
                reads += 1;
                return "https://hooks";
            },
            post,
        });
        await handler(snsEvent(ALARM)).then(
            () => {
                throw new Error("expected a failure");
            },
            (error: Error) => {
                expect(error.message).to.equal("Slack answered 400: invalid_payload");
            },
        );
        await handler(snsEvent(ALARM)).catch(() => undefined);
        expect(reads).to.equal(1);
    });

    it("reads the webhook again on the next alarm after a failed read, instead of keeping the failure", async () => {
        let reads = 0;
        const { post, calls } = stubbedPost(200);
        const handler = notifier.createHandler({
            getWebhookUrl: async () => {
                reads += 1;
                if (reads === 1) {
                    throw new Error("ThrottlingException: Rate exceeded");
                }
                return "https://hooks";
            },
            post,
        });
        await handler(snsEvent(ALARM)).then(
            () => {
                throw new Error("expected a failure");
            },
            (error: Error) => {
                expect(error.message).to.equal("ThrottlingException: Rate exceeded");
            },
        );
        expect(await handler(snsEvent(ALARM))).to.deep.equal({ posted: 1 });
        expect(await handler(snsEvent(ALARM))).to.deep.equal({ posted: 1 });
        expect(reads).to.equal(2);
        expect(calls.map((c) => c.url)).to.deep.equal(["https://hooks", "https://hooks"]);
    });
});
