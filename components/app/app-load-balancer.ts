import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cidrKey } from "../../stacks/cidr";
import { pathPatterns, rulePriorities } from "../../stacks/routing";
import { Slot, slotName } from "../../stacks/schema/slots";
import { accessLogBucket } from "./access-log-bucket";

/** How the ALB reaches one app. */
export interface AlbAppRoute {
    /** The app's name; its target group and listener rule derive their names from it. */
    name: string;
    /** Container port the pods serve on (the target group's port, IP targets). */
    port: number;
    healthCheckPath: string;
    /** Host names routed to the app; empty: any host. */
    hosts: string[];
    pathPrefix: string;
    /** Seconds the ALB drains a deregistered pod; the pod's preStop waits as long. */
    deregistrationDelaySeconds: number;
}

export interface AppLoadBalancerArgs {
    vpcId: pulumi.Input<string>;
    /** The VPC's range: the ALB may send traffic nowhere else. */
    vpcCidr: string;
    publicSubnetIds: pulumi.Input<string[]>;
    apps: AlbAppRoute[];
    /** The cluster slots, each with a target group per app and its percent of the app's requests. */
    slots: readonly { slot: Slot; weight: number }[];
    /** ACM certificate; without one the ALB serves HTTP only (dev). */
    certificateArn?: string;
    sslPolicy: string;
    allowedCidrs: string[];
    /** Write access logs to an encrypted bucket of their own. */
    accessLogs: boolean;
    accessLogRetentionDays: number;
    deletionProtection: boolean;
    idleTimeoutSeconds: number;
    tags: Record<string, string>;
}

/** Listener rule conditions for a route: host header when hosts are given, always the path. */
export function routeConditions(route: Pick<AlbAppRoute, "hosts" | "pathPrefix">) {
    return [
        ...(route.hosts.length > 0 ? [{ hostHeader: { values: route.hosts } }] : []),
        { pathPattern: { values: pathPatterns(route.pathPrefix) } },
    ];
}

export interface SlotTargetGroup {
    arn: pulumi.Output<string>;
    arnSuffix: pulumi.Output<string>;
}

/**
 * A target group's logical name: `<alb>-<app>`, green's ending in `-g` as every slot name does;
 * Pulumi adds 7 characters within ELB's 32 (stacks/checks/slots.ts).
 */
export function targetGroupName(alb: string, app: string, slot: Slot): string {
    return slotName(`${alb}-${app}`, slot);
}

/**
 * One target group: a plain forward, as single-cluster stacks have always had. Two: a weighted
 * forward (ELB weights 0 to 999 per group), without stickiness, so a shift or a rollback moves
 * every client within seconds instead of when its stickiness cookie expires.
 */
export function forwardAction(groups: { arn: pulumi.Input<string>; weight: number }[]): aws.types.input.lb.ListenerRuleAction {
    if (groups.length === 1) {
        return { type: "forward", targetGroupArn: groups[0].arn };
    }
    return { type: "forward", forward: { targetGroups: groups.map(({ arn, weight }) => ({ arn, weight })) } };
}

/**
 * The stage's internet-facing ALB, outside Kubernetes: a cluster can be replaced blue/green
 * behind it without touching DNS. Each app gets an IP target group that the AWS Load Balancer
 * Controller fills from the app's TargetGroupBinding, and a listener rule.
 */
export class AppLoadBalancer extends pulumi.ComponentResource {
    readonly dnsName: pulumi.Output<string>;
    /** `app/<name>/<id>`: the CloudWatch dimension of the ALB. */
    readonly arnSuffix: pulumi.Output<string>;
    /** The ALB's security group: pods accept traffic from it only. */
    readonly securityGroupId: pulumi.Output<string>;
    /** Per app and slot: the target group's ARN (for the TargetGroupBinding) and arnSuffix (for alarms). */
    readonly targetGroups: Record<string, Partial<Record<Slot, SlotTargetGroup>>>;
    /** Base URL per app. */
    readonly urls: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: AppLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:alb:AppLoadBalancer", name, {}, opts);
        const https = args.certificateArn !== undefined;

        const securityGroup = new aws.ec2.SecurityGroup(
            name,
            {
                description: `ALB ${name}: clients in, app ports out to the VPC only`,
                vpcId: args.vpcId,
                tags: { ...args.tags, Name: name },
            },
            { parent: this },
        );
        const listenerPorts = https ? [443, 80] : [80];
        for (const port of listenerPorts) {
            // Named by the CIDR, so editing the list touches only the CIDRs edited; the alias keeps
            // the rule of stacks made when rules were named by position.
            args.allowedCidrs.forEach(
                (cidr, i) =>
                    new aws.vpc.SecurityGroupIngressRule(
                        `${name}-in-${port}-${cidrKey(cidr)}`,
                        {
                            securityGroupId: securityGroup.id,
                            ipProtocol: "tcp",
                            fromPort: port,
                            toPort: port,
                            cidrIpv4: cidr,
                            description: port === 80 && https ? "HTTP, redirected to HTTPS" : "clients",
                        },
                        { parent: this, aliases: [{ name: `${name}-in-${port}-${i}` }] },
                    ),
            );
        }
        for (const port of [...new Set(args.apps.map((a) => a.port))]) {
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-out-${port}`,
                {
                    securityGroupId: securityGroup.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: args.vpcCidr,
                    description: "to app pods",
                },
                { parent: this },
            );
        }

        const logs = args.accessLogs ? accessLogBucket(name, args.accessLogRetentionDays, args.tags, this) : undefined;
        const alb = new aws.lb.LoadBalancer(
            name,
            {
                loadBalancerType: "application",
                internal: false,
                subnets: args.publicSubnetIds,
                securityGroups: [securityGroup.id],
                dropInvalidHeaderFields: true,
                enableDeletionProtection: args.deletionProtection,
                idleTimeout: args.idleTimeoutSeconds,
                accessLogs: logs ? { bucket: logs.bucket, enabled: true } : undefined,
                tags: args.tags,
            },
            { parent: this, dependsOn: logs ? [logs.policy] : [] },
        );

        const notFound = {
            type: "fixed-response",
            fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" },
        };
        const listener = https
            ? new aws.lb.Listener(
                  `${name}-https`,
                  {
                      loadBalancerArn: alb.arn,
                      port: 443,
                      protocol: "HTTPS",
                      certificateArn: args.certificateArn,
                      sslPolicy: args.sslPolicy,
                      defaultActions: [notFound],
                      tags: args.tags,
                  },
                  { parent: this },
              )
            : new aws.lb.Listener(
                  `${name}-http`,
                  {
                      loadBalancerArn: alb.arn,
                      port: 80,
                      protocol: "HTTP",
                      defaultActions: [notFound],
                      tags: args.tags,
                  },
                  { parent: this },
              );
        if (https) {
            new aws.lb.Listener(
                `${name}-http`,
                {
                    loadBalancerArn: alb.arn,
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                    tags: args.tags,
                },
                { parent: this },
            );
        }

        const priorities = rulePriorities(args.apps);
        this.targetGroups = {};
        this.urls = {};
        for (const app of args.apps) {
            const groups = args.slots.map(({ slot, weight }) => {
                const targetGroup = new aws.lb.TargetGroup(
                    targetGroupName(name, app.name, slot),
                    {
                        vpcId: args.vpcId,
                        targetType: "ip",
                        port: app.port,
                        protocol: "HTTP",
                        deregistrationDelay: app.deregistrationDelaySeconds,
                        healthCheck: {
                            path: app.healthCheckPath,
                            matcher: "200-399",
                            interval: 15,
                            timeout: 5,
                            healthyThreshold: 2,
                            unhealthyThreshold: 3,
                        },
                        tags: { ...args.tags, App: app.name, Slot: slot },
                    },
                    { parent: this },
                );
                return { slot, weight, targetGroup };
            });
            new aws.lb.ListenerRule(
                `${name}-${app.name}`,
                {
                    listenerArn: listener.arn,
                    priority: priorities[app.name],
                    conditions: routeConditions(app),
                    actions: [forwardAction(groups.map(({ weight, targetGroup }) => ({ arn: targetGroup.arn, weight })))],
                    tags: args.tags,
                },
                { parent: this },
            );
            this.targetGroups[app.name] = Object.fromEntries(
                groups.map(({ slot, targetGroup }) => [slot, { arn: targetGroup.arn, arnSuffix: targetGroup.arnSuffix }]),
            );
            const host = app.hosts[0] && !app.hosts[0].startsWith("*") ? pulumi.output(app.hosts[0]) : alb.dnsName;
            this.urls[app.name] = pulumi.interpolate`${https ? "https" : "http"}://${host}${app.pathPrefix}`;
        }

        this.dnsName = alb.dnsName;
        this.arnSuffix = alb.arnSuffix;
        this.securityGroupId = securityGroup.id;
        this.registerOutputs({
            dnsName: this.dnsName,
            arnSuffix: this.arnSuffix,
            securityGroupId: this.securityGroupId,
            targetGroups: this.targetGroups,
            urls: this.urls,
        });
    }
}
