/**
 * Apps as teams ship them (the `notifier` fixture's `events`): no database, any number of secret
 * variables, env values and quantities as YAML writes them.
 */
import { expect } from "chai";
import { SECRET_MASK } from "../offline/program-run";
import { secretEnvKey } from "../stacks/secrets";
import { configProblems } from "./support/config-problems";
import { fixtureRun, fixtureSection } from "./support/fixtures";
import { ProgramRun, resourceNamed, resourcesOfType } from "../offline/program-run";

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SECRET = "kubernetes:core/v1:Secret";

function container(run: ProgramRun, app: string): any {
    return (resourceNamed(run, "kubernetes:apps/v1:Deployment", app).inputs as any).spec.template.spec.containers[0];
}

describe("apps as teams ship them", () => {
    it("an app without rds gets no DB_* variables and no password secret", async () => {
        const run = await fixtureRun("notifier");
        const data = (resourceNamed(run, CONFIG_MAP, "events-config").inputs as any).data;
        expect(Object.keys(data).filter((k) => k.startsWith("DB_"))).to.deep.equal([]);
        expect((resourceNamed(run, SECRET, "events-secrets").inputs as any).stringData).to.deep.equal({
            STRIPE_API_KEY: SECRET_MASK,
            SIGNING_SECRET: SECRET_MASK,
        });
        // The app with a database keeps its DB_* values and password Secret, named as before.
        expect((resourceNamed(run, CONFIG_MAP, "api-config").inputs as any).data).to.include({
            DB_HOST: "api.c0fixture.ap-southeast-2.rds.amazonaws.com",
            DB_PORT: "5432",
        });
        expect((resourceNamed(run, SECRET, "api-db").inputs as any).stringData).to.deep.equal({ DB_PASSWORD: SECRET_MASK });
    });

    it("passes each secret variable to the pods through the app's Secret only", async () => {
        const run = await fixtureRun("notifier");
        expect(container(run, "events").envFrom).to.deep.equal([
            { configMapRef: { name: (resourceNamed(run, CONFIG_MAP, "events-config").inputs as any).metadata.name } },
            { secretRef: { name: "events-secrets" } },
        ]);
        for (const configMap of resourcesOfType(run, CONFIG_MAP)) {
            expect(Object.keys((configMap.inputs as any).data ?? {})).not.to.include.members(["STRIPE_API_KEY", "SIGNING_SECRET"]);
        }
    });

    it("requires each secret variable, naming the command that sets it", () => {
        expect(secretEnvKey("events", "STRIPE_API_KEY")).to.equal("eks-platform:eventsEnvStripeApiKey");
        expect(secretEnvKey("checkout-api", "SIGNING_SECRET")).to.equal("eks-platform:checkoutApiEnvSigningSecret");
        expect(
            configProblems("notifier", {
                fillMissingSecrets: false,
                secrets: {
                    "eks-platform:apiDbPassword": "p",
                    "datadog:apiKey": "k",
                    "datadog:appKey": "a",
                    "eks-platform:slackWebhookUrl": "https://hooks.slack.com/services/x",
                    "eks-platform:eventsEnvSigningSecret": "s",
                },
            }),
        ).to.deep.equal([
            "[notifier] eks-platform:eventsEnvStripeApiKey = (not set): is required: run `pulumi config set --secret eks-platform:eventsEnvStripeApiKey <value>`",
        ]);
    });

    it("turns env scalars into the strings Kubernetes needs, and takes quantities as numbers", async () => {
        const run = await fixtureRun("notifier");
        expect((resourceNamed(run, CONFIG_MAP, "events-config").inputs as any).data).to.deep.equal({
            WORKERS: "4",
            VERBOSE: "true",
            LOG_LEVEL: "info",
        });
        expect(container(run, "events").resources).to.deep.equal({
            requests: { cpu: "0.25", memory: "256Mi" },
            limits: { cpu: "1", memory: "512Mi" },
        });
    });

    it("keeps the unit checks on numbers, and refuses a variable twice or a platform one", () => {
        const apps = fixtureSection("notifier", "apps");
        apps.events.resources.limits.memory = 512;
        apps.events.secretEnv = ["STRIPE_API_KEY", "STRIPE_API_KEY", "WORKERS"];
        apps.api.secretEnv = ["DB_HOST"];
        expect(configProblems("notifier", { overrides: { "eks-platform:apps": apps } })).to.deep.equal([
            '[notifier] eks-platform:apps.api.secretEnv.0 = "DB_HOST": expected no DB_HOST: the platform sets it from rds',
            '[notifier] eks-platform:apps.events.resources.limits.memory = "512": expected at least 4Mi: 512 is 512 bytes (did you mean 512Mi?)',
            '[notifier] eks-platform:apps.events.resources.requests.memory = "256Mi": expected a memory request <= its limit (512)',
            '[notifier] eks-platform:apps.events.secretEnv.1 = "STRIPE_API_KEY": expected each variable once',
            '[notifier] eks-platform:apps.events.secretEnv.2 = "WORKERS": expected WORKERS in env or in secretEnv, not both',
        ]);
    });
});
