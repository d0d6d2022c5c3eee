import { z } from "zod";
import { parseQuantity } from "../quantity";
import { containerResources, dnsLabel } from "./fields";

const rdsSchema = z.strictObject({
    host: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
        error: "expected a DNS host name such as app.abc123.eu-west-1.rds.amazonaws.com",
    }),
    port: z.int({ error: "expected a TCP port from 1 to 65535" })
        .min(1, { error: "expected a TCP port from 1 to 65535" })
        .max(65535, { error: "expected a TCP port from 1 to 65535" }).default(5432),
    database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, { error: "expected a database name" }),
    user: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, { error: "expected a database user name" }),
});

/** `eks-platform:apps.<app>`: one web application. */
export const appSchema = z.strictObject({
    /** The app's namespace; defaults to the app's name. */
    namespace: dnsLabel("a namespace name").optional(),
    /** Requests and limits of the app container, per stage. */
    resources: containerResources,
    /** Connection values for the app's RDS database; the password is the secret `<app>DbPassword`. */
    rds: rdsSchema,
}).superRefine((app, ctx) => {
    for (const kind of ["cpu", "memory"] as const) {
        const request = parseQuantity(app.resources.requests[kind], kind)!;
        const limit = parseQuantity(app.resources.limits[kind], kind)!;
        if (request > limit) {
            ctx.addIssue({
                code: "custom", path: ["resources", "requests", kind], input: app.resources.requests[kind],
                message: `expected a ${kind} request <= its limit (${app.resources.limits[kind]})`,
            });
        }
    }
});

/** `eks-platform:apps`: the apps of the stack, by name. */
export const appsSchema = z.record(dnsLabel("an app name"), appSchema).default({});
