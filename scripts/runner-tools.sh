#!/usr/bin/env bash
# Makes sure a self-hosted runner has the tools a Pulumi job calls besides Node and the Pulumi CLI
# (pulumi/actions installs that): the AWS CLI v2, because the kubeconfig @pulumi/eks 4.3.0 writes
# authenticates with `aws eks get-token` (nodejs/eks/cluster/cluster.ts, generateKubeconfig) and
# the stock runner image has no AWS CLI (actions/runner images/Dockerfile).
#
# A missing or v1 CLI is installed from AWS's official bundle into the runner's tool cache and put
# on PATH for the next steps; set RUNNER_TOOLS_INSTALL=false to only verify (an image that must
# bring its own tools). Exits non-zero with what to do when a tool cannot be had.
set -euo pipefail

fail() {
    echo "::error title=runner tools::$1"
    exit 1
}

aws_major() {
    aws --version 2>/dev/null | sed -n 's#^aws-cli/\([0-9]*\)\..*#\1#p'
}

if [ "$(aws_major)" = "2" ]; then
    echo "aws: $(aws --version)"
    exit 0
fi
if [ "${RUNNER_TOOLS_INSTALL:-true}" = "false" ]; then
    fail "AWS CLI v2 not found on this runner (found: $(aws --version 2>&1 | head -n 1 || true)). Pulumi's Kubernetes provider runs 'aws eks get-token': install it in the runner image, or drop RUNNER_TOOLS_INSTALL=false to let this step install it."
fi
for tool in curl unzip; do
    command -v "$tool" >/dev/null || fail "cannot install the AWS CLI: '$tool' is missing on this runner; install it in the runner image"
done
case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) fail "no AWS CLI v2 bundle for architecture $(uname -m)" ;;
esac
root="${RUNNER_TOOL_CACHE:-$HOME/.cache}/awscli-v2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "AWS CLI v2 not found: installing it into $root"
curl -fsSL "https://awscli.amazonaws.com/awscli-exe-linux-${arch}.zip" -o "$work/awscli.zip" || fail "could not download the AWS CLI bundle"
unzip -q "$work/awscli.zip" -d "$work"
"$work/aws/install" --install-dir "$root/dist" --bin-dir "$root/bin" --update >/dev/null || fail "the AWS CLI installer failed"
export PATH="$root/bin:$PATH"
[ "$(aws_major)" = "2" ] || fail "the installed AWS CLI does not run: $(aws --version 2>&1 | head -n 1)"
echo "$root/bin" >> "${GITHUB_PATH:-/dev/null}"
echo "aws: $(aws --version)"
