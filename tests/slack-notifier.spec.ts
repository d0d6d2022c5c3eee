import * as http from "http";
import type { AddressInfo } from "net";
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
        expect(await handler(snsEvent(ALARM, "ALARM: web target 5XX"))).to.deep.equal({ posted: 1, skipped: 0 });
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

    it("reads the webhook once per container, and fails (so Lambda retries, then keeps the event) when Slack refuses", async () => {
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
                expect(error.message).to.equal(
                    "Slack answered 400: invalid_payload (not retried: a 4XX other than 429 does not succeed on a retry)",
                );
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
        expect(await handler(snsEvent(ALARM))).to.deep.equal({ posted: 1, skipped: 0 });
        expect(await handler(snsEvent(ALARM))).to.deep.equal({ posted: 1, skipped: 0 });
        expect(reads).to.equal(2);
        expect(calls.map((c) => c.url)).to.deep.equal(["https://hooks", "https://hooks"]);
    });
});

/** What the stand-in for Slack's webhook does with each request, in order; the last one repeats. */
type Answer = { status: number; body?: string; headers?: Record<string, string> } | "hang";

/** A real HTTP server on loopback that answers as scripted and records what it received. */
async function fakeSlack(answers: Answer[]) {
    const received: { body: any; at: number }[] = [];
    const server = http.createServer((request, response) => {
        let data = "";
        request.on("data", (chunk) => (data += chunk));
        request.on("end", () => {
            received.push({ body: JSON.parse(data), at: Date.now() });
            const answer = answers[Math.min(received.length - 1, answers.length - 1)];
            if (answer === "hang") {
                return; // never answers: the notifier's timeout must end the request
            }
            response.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
            response.end(answer.body ?? (answer.status < 300 ? "ok" : "error"));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/secret`;
    const close = () =>
        new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        });
    return { url, received, close };
}

/** Runs `test` against a fake Slack that answers as scripted, and always closes it. */
async function withFakeSlack(answers: Answer[], test: (slack: Awaited<ReturnType<typeof fakeSlack>>) => Promise<void>): Promise<void> {
    const slack = await fakeSlack(answers);
    try {
        await test(slack);
    } finally {
        await slack.close();
    }
}

/** The real handler with the real fetch-based post, the webhook on loopback, and short timings. */
function realHandler(url: string) {
    return notifier.createHandler({
        getWebhookUrl: async () => url,
        post: notifier.postJson,
        retry: { attempts: 3, timeoutMs: 300, delaysMs: [20, 40], maxRetryAfterMs: 100 },
    });
}

async function failure(promise: Promise<unknown>): Promise<string> {
    return promise.then(
        () => {
            throw new Error("expected the handler to fail");
        },
        (error: Error) => error.message,
    );
}

describe("slack-notifier Lambda against a webhook on loopback", function () {
    this.timeout(5000);

    it("2XX: posts the formatted alarm once, as JSON", async () => {
        await withFakeSlack([{ status: 200 }], async (slack) => {
            expect(await realHandler(slack.url)(snsEvent(ALARM))).to.deep.equal({ posted: 1, skipped: 0 });
            expect(slack.received).to.have.length(1);
            expect(slack.received[0].body.text).to.equal(":red_circle: ALARM: eks-platform-prd web target 5XX");
        });
    });

    it("4XX: fails at once with Slack's answer, without retrying what cannot succeed", async () => {
        await withFakeSlack([{ status: 404, body: "no_service" }], async (slack) => {
            expect(await failure(realHandler(slack.url)(snsEvent(ALARM)))).to.equal(
                "Slack answered 404: no_service (not retried: a 4XX other than 429 does not succeed on a retry)",
            );
            expect(slack.received).to.have.length(1);
        });
    });

    it("5XX: retries, and posts once Slack recovers", async () => {
        await withFakeSlack([{ status: 500 }, { status: 503 }, { status: 200 }], async (slack) => {
            expect(await realHandler(slack.url)(snsEvent(ALARM))).to.deep.equal({ posted: 1, skipped: 0 });
            expect(slack.received).to.have.length(3);
        });
    });

    it("5XX every time: fails after three tries, naming the last answer", async () => {
        await withFakeSlack([{ status: 503, body: "service_unavailable" }], async (slack) => {
            expect(await failure(realHandler(slack.url)(snsEvent(ALARM)))).to.equal(
                "Slack answered 503: service_unavailable (after 3 tries)",
            );
            expect(slack.received).to.have.length(3);
        });
    });

    it("429: waits for Retry-After (capped) before the next try", async () => {
        await withFakeSlack([{ status: 429, body: "rate_limited", headers: { "retry-after": "30" } }, { status: 200 }], async (slack) => {
            expect(await realHandler(slack.url)(snsEvent(ALARM))).to.deep.equal({ posted: 1, skipped: 0 });
            expect(slack.received).to.have.length(2);
            // Retry-After 30 s, capped at the policy's 100 ms: longer than the 20 ms delay, far below 30 s.
            const waited = slack.received[1].at - slack.received[0].at;
            expect(waited).to.be.at.least(90).and.below(1000);
        });
    });

    it("a webhook that never answers: each try is cut off, and the next one posts", async () => {
        await withFakeSlack(["hang", { status: 200 }], async (slack) => {
            const started = Date.now();
            expect(await realHandler(slack.url)(snsEvent(ALARM))).to.deep.equal({ posted: 1, skipped: 0 });
            expect(slack.received).to.have.length(2);
            expect(Date.now() - started).to.be.at.least(300);
        });
    });

    it("a webhook that never answers at all: fails after three timeouts, within the function's own timeout", async () => {
        await withFakeSlack(["hang"], async (slack) => {
            expect(await failure(realHandler(slack.url)(snsEvent(ALARM)))).to.equal("Slack did not answer within 300 ms (after 3 tries)");
            expect(slack.received).to.have.length(3);
        });
        // The default policy ends before the function's 10 s timeout, so the failure is ours, not a kill.
        const { attempts, timeoutMs, delaysMs } = notifier.DEFAULT_RETRY;
        expect(attempts * timeoutMs + delaysMs.reduce((a: number, b: number) => a + b, 0)).to.be.below(10_000);
    });

    it("nothing listening: fails after three tries, saying the connection failed", async () => {
        const slack = await fakeSlack([{ status: 200 }]);
        await slack.close();
        expect(await failure(realHandler(slack.url)(snsEvent(ALARM)))).to.equal("posting to Slack failed: fetch failed (after 3 tries)");
    });

    it("a new alarm's first evaluation (INSUFFICIENT_DATA to OK) is not posted; an OK that ends an ALARM is", async () => {
        await withFakeSlack([{ status: 200 }], async (slack) => {
            const handler = realHandler(slack.url);
            const firstEvaluation = { ...ALARM, NewStateValue: "OK", OldStateValue: "INSUFFICIENT_DATA" };
            expect(await handler(snsEvent(firstEvaluation))).to.deep.equal({ posted: 0, skipped: 1 });
            expect(slack.received).to.have.length(0);
            expect(await handler(snsEvent({ ...ALARM, NewStateValue: "OK", OldStateValue: "ALARM" }))).to.deep.equal({
                posted: 1,
                skipped: 0,
            });
            expect(slack.received[0].body.text).to.equal(":large_green_circle: OK: eks-platform-prd web target 5XX");
        });
    });
});
