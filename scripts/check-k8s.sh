#!/usr/bin/env bash
# Checks the Kubernetes manifests of docs/scale-out/ against the Kubernetes API schemas, strictly
# (unknown fields are errors), with the PyPI package kubernetes-validate (pinned; it ships the
# schemas, so no cluster and no download beyond the package are needed). Installs it into a
# virtual environment under target/ when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/k8s-validate
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet kubernetes-validate==1.37.0
fi
"$venv/bin/kubernetes-validate" --strict --kubernetes-version 1.37.0 docs/scale-out/*.yaml
