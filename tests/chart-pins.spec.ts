/**
 * A chart pin is a (repository, chart, version) triple its repository really serves. Each pin
 * below was checked upstream, where Helm looks: the chart repository's index.yaml (on the
 * project's gh-pages branch) listing that version with a download URL, or the OCI registry the
 * project's release process pushes to. A pin changed in code without being checked again fails here.
 */
import { expect } from "chai";
import { ChartPin, chartSource } from "../components/kube-system-addons/addon";
import * as autoscaler from "../components/kube-system-addons/cluster-autoscaler";
import * as datadog from "../components/kube-system-addons/datadog-agent";
import * as lbc from "../components/kube-system-addons/aws-load-balancer-controller";
import * as nth from "../components/kube-system-addons/aws-node-termination-handler";
import * as externalDns from "../components/kube-system-addons/external-dns";
import * as externalSecrets from "../components/kube-system-addons/external-secrets";
import * as karpenter from "../components/kube-system-addons/karpenter";
import * as kubeStateMetrics from "../components/kube-system-addons/kube-state-metrics";
import * as metricsServer from "../components/kube-system-addons/metrics-server";
import { resourcesOfType } from "../offline/program-run";
import { fieldReportRun } from "./support/compute-variants";

interface ServedPin {
    readonly pin: ChartPin;
    /** Where the version was found served. */
    readonly servedBy: string;
}

const SERVED: Record<string, ServedPin> = {
    "cluster-autoscaler": {
        pin: { repository: "https://kubernetes.github.io/autoscaler", chart: "cluster-autoscaler", version: "9.59.0" },
        servedBy: "kubernetes/autoscaler gh-pages index.yaml: cluster-autoscaler 9.59.0 (appVersion 1.35.0)",
    },
    "metrics-server": {
        pin: { repository: "https://kubernetes-sigs.github.io/metrics-server/", chart: "metrics-server", version: "3.13.1" },
        servedBy: "kubernetes-sigs/metrics-server gh-pages index.yaml: metrics-server 3.13.1",
    },
    "kube-state-metrics": {
        pin: { repository: "https://prometheus-community.github.io/helm-charts", chart: "kube-state-metrics", version: "8.4.0" },
        servedBy: "prometheus-community/helm-charts gh-pages index.yaml: kube-state-metrics 8.4.0",
    },
    "datadog": {
        pin: { repository: "https://helm.datadoghq.com", chart: "datadog", version: "3.240.0" },
        servedBy: "DataDog/helm-charts gh-pages index.yaml (served at helm.datadoghq.com): datadog 3.240.0",
    },
    "aws-load-balancer-controller": {
        pin: { repository: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "3.5.0" },
        servedBy: "aws/eks-charts gh-pages index.yaml: aws-load-balancer-controller 3.5.0",
    },
    "aws-node-termination-handler": {
        pin: { repository: "oci://public.ecr.aws/aws-ec2/helm", chart: "aws-node-termination-handler", version: "0.27.6" },
        servedBy:
            "aws/aws-node-termination-handler v1.25.6 Makefile and release workflow push the chart to public.ecr.aws/aws-ec2/helm; aws/eks-charts stops at 0.21.0",
    },
    "external-secrets": {
        pin: { repository: "https://charts.external-secrets.io", chart: "external-secrets", version: "2.9.0" },
        servedBy:
            "external-secrets/external-secrets gh-pages index.yaml: external-secrets 2.9.0; charts.external-secrets.io per the project's docs and release workflow",
    },
    "external-dns": {
        pin: { repository: "https://kubernetes-sigs.github.io/external-dns/", chart: "external-dns", version: "1.21.1" },
        servedBy: "kubernetes-sigs/external-dns gh-pages index.yaml: external-dns 1.21.1",
    },
    "karpenter": {
        pin: { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: "1.14.1" },
        servedBy:
            "aws/karpenter-provider-aws v1.14 getting-started step08-apply-helm-chart.sh: helm upgrade --install karpenter oci://public.ecr.aws/karpenter/karpenter --version 1.14.1",
    },
    "karpenter-crd": {
        pin: { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter-crd", version: "1.14.1" },
        servedBy:
            "aws/karpenter-provider-aws v1.14 upgrade guide, CRD Upgrades: helm upgrade --install karpenter-crd oci://public.ecr.aws/karpenter/karpenter-crd",
    },
};

const PINNED: Record<string, ChartPin> = {
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

describe("chart pins", () => {
    for (const [addon, { pin, servedBy }] of Object.entries(SERVED)) {
        it(`${addon}: ${pin.chart} ${pin.version} from ${pin.repository} (${servedBy})`, () => {
            expect(PINNED[addon]).to.deep.equal(pin);
            expect(pin.version).to.match(/^\d+\.\d+\.\d+$/);
        });
    }

    it("covers every pinned addon chart", () => {
        expect(Object.keys(PINNED)).to.have.members(Object.keys(SERVED));
    });

    it("tells Helm an OCI chart by reference and a repository chart by name", () => {
        expect(chartSource(nth.CHART)).to.deep.equal({ chart: "oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler" });
        expect(chartSource(metricsServer.CHART)).to.deep.equal({
            chart: "metrics-server",
            repositoryOpts: { repo: "https://kubernetes-sigs.github.io/metrics-server/" },
        });
    });

    it("installs the node termination handler from its OCI location, with no chart repository", async () => {
        const release = resourcesOfType(await fieldReportRun("prd"), "kubernetes:helm.sh/v3:Release").find(
            (r) => r.inputs.name === "aws-node-termination-handler",
        )!;
        expect(release.inputs).to.deep.include({
            chart: "oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler",
            version: "0.27.6",
        });
        expect(release.inputs).not.to.have.property("repositoryOpts");
    });
});
