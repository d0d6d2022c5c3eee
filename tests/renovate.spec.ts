/**
 * renovate.json finds every pin in code. Its custom managers are run here the way Renovate runs
 * them (file patterns, match strings, the recursive strategy, templates), so a pin that no manager
 * matches (a new chart, a reformatted line) fails instead of silently never being updated.
 */
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { ChartPin } from "../components/kube-system-addons/addon";
import * as autoscaler from "../components/kube-system-addons/cluster-autoscaler";
import * as datadog from "../components/kube-system-addons/datadog-agent";
import * as lbc from "../components/kube-system-addons/aws-load-balancer-controller";
import * as nth from "../components/kube-system-addons/aws-node-termination-handler";
import * as externalDns from "../components/kube-system-addons/external-dns";
import * as externalSecrets from "../components/kube-system-addons/external-secrets";
import * as karpenter from "../components/kube-system-addons/karpenter";
import * as kubeStateMetrics from "../components/kube-system-addons/kube-state-metrics";
import * as metricsServer from "../components/kube-system-addons/metrics-server";
import { KUBERNETES_MINORS } from "../stacks/kubernetes-versions";
import { PROJECT_DIR } from "../offline/stack-files";

interface CustomManager {
    customType: "regex";
    managerFilePatterns: string[];
    matchStrings: string[];
    matchStringsStrategy?: "any" | "recursive";
    depNameTemplate?: string;
    packageNameTemplate?: string;
    datasourceTemplate?: string;
}

interface Extracted {
    readonly file: string;
    readonly datasource: string;
    readonly depName: string;
    readonly packageName: string;
    readonly currentValue: string;
    readonly registryUrl?: string;
}

const renovate = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "renovate.json"), "utf8"));

function projectFiles(dir = PROJECT_DIR, prefix = ""): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        if (["node_modules", "out", ".git"].includes(entry.name)) {
            return [];
        }
        const relative = `${prefix}${entry.name}`;
        return entry.isDirectory() ? projectFiles(path.join(dir, entry.name), `${relative}/`) : [relative];
    });
}

function template(text: string, groups: Record<string, string>): string {
    return text.replace(/\{\{\{?(\w+)\}?\}\}/g, (_, name: string) => groups[name] ?? "");
}

/** The matches of a manager's strings in one file: each string alone, or each within the previous one's matches. */
function matchGroups(manager: CustomManager, content: string): Record<string, string>[] {
    const regexes = manager.matchStrings.map((s) => new RegExp(s, "g"));
    if (manager.matchStringsStrategy !== "recursive") {
        return regexes.flatMap((regex) => [...content.matchAll(regex)].map((m) => ({ ...m.groups })));
    }
    let scopes: { text: string; groups: Record<string, string> }[] = [{ text: content, groups: {} }];
    for (const regex of regexes) {
        scopes = scopes.flatMap((scope) =>
            [...scope.text.matchAll(regex)].map((m) => ({ text: m[0], groups: { ...scope.groups, ...m.groups } })),
        );
    }
    return scopes.map((scope) => scope.groups);
}

function extract(): Extracted[] {
    const files = projectFiles();
    return (renovate.customManagers as CustomManager[]).flatMap((manager) => {
        const patterns = manager.managerFilePatterns.map((p) => new RegExp(p.replace(/^\/|\/$/g, "")));
        return files
            .filter((file) => patterns.some((p) => p.test(file)))
            .flatMap((file) =>
                matchGroups(manager, fs.readFileSync(path.join(PROJECT_DIR, file), "utf8")).map((groups) => {
                    const depName = manager.depNameTemplate ? template(manager.depNameTemplate, groups) : groups.depName;
                    return {
                        file,
                        datasource: manager.datasourceTemplate ?? groups.datasource,
                        depName,
                        packageName: manager.packageNameTemplate ? template(manager.packageNameTemplate, groups) : depName,
                        currentValue: groups.currentValue,
                        registryUrl: groups.registryUrl,
                    };
                }),
            );
    });
}

const CHARTS: Record<string, ChartPin> = {
    "cluster-autoscaler": autoscaler.CHART,
    "metrics-server": metricsServer.CHART,
    "kube-state-metrics": kubeStateMetrics.CHART,
    "datadog": datadog.CHART,
    "aws-load-balancer-controller": lbc.CHART,
    "aws-node-termination-handler": nth.CHART,
    "external-secrets": externalSecrets.CHART,
    "external-dns": externalDns.CHART,
    "karpenter": karpenter.CHART,
    "karpenter-crd": karpenter.CRD_CHART,
};

describe("Renovate", () => {
    const found = extract();

    it("finds every Helm chart pin: charts from a repository through the helm datasource, OCI charts through docker", () => {
        for (const [addon, pin] of Object.entries(CHARTS)) {
            const expected = pin.repository.startsWith("oci://")
                ? { datasource: "docker", depName: `${pin.repository.slice("oci://".length)}/${pin.chart}`, currentValue: pin.version }
                : { datasource: "helm", depName: pin.chart, currentValue: pin.version, registryUrl: pin.repository };
            expect(
                found.filter((f) => f.datasource === expected.datasource && f.depName === expected.depName),
                addon,
            )
                .to.have.length(1)
                .and.to.satisfy(
                    ([f]: Extracted[]) =>
                        f.currentValue === pin.version && (!("registryUrl" in expected) || f.registryUrl === expected.registryUrl),
                );
        }
    });

    it("finds as many chart pins as the code holds (a pin written another way fails here)", () => {
        const declared = projectFiles()
            .filter((f) => f.startsWith("components/") && f.endsWith(".ts"))
            .flatMap((f) => fs.readFileSync(path.join(PROJECT_DIR, f), "utf8").match(/: ChartPin = \{/g) ?? []);
        expect(found.filter((f) => ["helm", "docker"].includes(f.datasource) && f.file.startsWith("components/"))).to.have.length(
            declared.length,
        );
        expect(declared.length).to.equal(Object.keys(CHARTS).length);
    });

    it("finds the cluster-autoscaler image of every minor, and updates it by patches only", () => {
        const images = found.filter((f) => f.depName === "registry.k8s.io/autoscaling/cluster-autoscaler").map((f) => f.currentValue);
        expect(images).to.have.members(Object.values(KUBERNETES_MINORS).map((m) => m.clusterAutoscalerImageTag));
        const rule = renovate.packageRules.find((r: any) =>
            r.matchPackageNames?.includes("registry.k8s.io/autoscaling/cluster-autoscaler"),
        );
        expect(rule).to.deep.include({ matchUpdateTypes: ["major", "minor"], enabled: false });
    });

    it("finds every EKS add-on build of every minor, for the aws-eks-addon datasource", () => {
        const addons = found.filter((f) => f.datasource === "aws-eks-addon");
        const expected = Object.entries(KUBERNETES_MINORS).flatMap(([version, minor]) =>
            Object.entries(minor.addons).map(([addonName, value]) => ({
                packageName: JSON.stringify({ kubernetesVersion: version, addonName }),
                currentValue: value,
            })),
        );
        expect(addons.map(({ packageName, currentValue }) => ({ packageName, currentValue }))).to.have.deep.members(expected);
    });

    it("moves the load balancer controller's release tag with its chart", () => {
        expect(found.filter((f) => f.depName === "kubernetes-sigs/aws-load-balancer-controller").map((f) => f.currentValue)).to.deep.equal([
            lbc.APP_VERSION,
        ]);
        const group = renovate.packageRules.find((r: any) => r.groupName === "aws-load-balancer-controller");
        expect(group.matchPackageNames).to.have.members(["aws-load-balancer-controller", "kubernetes-sigs/aws-load-balancer-controller"]);
    });

    it("moves Karpenter's chart and its CRD chart together, and finds the AMI release its nodes run", () => {
        const group = renovate.packageRules.find((r: any) => r.groupName === "karpenter");
        expect(group.matchPackageNames).to.have.members(["public.ecr.aws/karpenter/karpenter", "public.ecr.aws/karpenter/karpenter-crd"]);
        expect(found.filter((f) => f.depName === "awslabs/amazon-eks-ami").map((f) => f.currentValue)).to.have.members(
            Object.values(KUBERNETES_MINORS).map((m) => m.al2023AmiRelease),
        );
    });

    it("has only exact npm pins to update", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        for (const [name, version] of Object.entries<string>({ ...pkg.dependencies, ...pkg.devDependencies })) {
            expect(version, name).to.match(/^\d+\.\d+\.\d+$/);
        }
        expect(renovate.rangeStrategy).to.equal("pin");
    });
});
