"""`launchgen status` shows the engine's view: parsing real-shaped Flux Kustomization and Argo CD
Application status objects, and reading them through kubectl (a recording stand-in) with
the object name after `--`."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from launchgen.deploy.cluster import Cluster
from launchgen.gitops.enginestatus import describe, parse_argocd, parse_flux, read
from launchgen.gitops.mode import GitOps
from launchgen.helm import Helm
from tests.helpers.cli import invoke
from tests.helpers.tools import tool

DIGEST = "sha256:" + "ab" * 32
FLUX_READY: dict[str, Any] = {
    "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
    "kind": "Kustomization",
    "metadata": {"name": "checkout-prod", "namespace": "flux-system", "generation": 2},
    "status": {
        "conditions": [
            {
                "lastTransitionTime": "2026-11-30T12:00:00Z",
                "message": f"Applied revision: prod@{DIGEST}",
                "observedGeneration": 2,
                "reason": "ReconciliationSucceeded",
                "status": "True",
                "type": "Ready",
            },
            {
                "type": "Healthy",
                "status": "True",
                "reason": "Succeeded",
                "message": "Health check passed",
            },
        ],
        "inventory": {"entries": [{"id": "checkout-prod_checkout_apps_Deployment", "v": "v1"}]},
        "lastAppliedRevision": f"prod@{DIGEST}",
        "lastAttemptedRevision": f"prod@{DIGEST}",
        "observedGeneration": 2,
    },
}
FLUX_FAILING: dict[str, Any] = {
    **FLUX_READY,
    "status": {
        "conditions": [
            {
                "lastTransitionTime": "2026-11-30T12:05:00Z",
                "message": "health check failed after 5m0s: timeout waiting for: "
                "[Deployment/checkout-prod/checkout status: 'InProgress']",
                "reason": "HealthCheckFailed",
                "status": "False",
                "type": "Ready",
            }
        ],
        "lastAppliedRevision": f"prod@{DIGEST}",
        "lastAttemptedRevision": "prod@sha256:" + "cd" * 32,
    },
}
ARGO_SYNCED: dict[str, Any] = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Application",
    "metadata": {"name": "checkout-prod", "namespace": "argocd"},
    "status": {
        "sync": {"status": "Synced", "revision": "0123456789abcdef0123456789abcdef01234567"},
        "health": {"status": "Healthy"},
        "operationState": {"phase": "Succeeded", "message": "successfully synced (all tasks run)"},
        "reconciledAt": "2026-11-30T12:00:00Z",
    },
}
ARGO_FAILED: dict[str, Any] = {
    **ARGO_SYNCED,
    "status": {
        "sync": {"status": "OutOfSync", "revisions": ["1111111", "2222222"]},
        "health": {
            "status": "Degraded",
            "message": "Deployment checkout exceeded its progress deadline",
        },
        "operationState": {"phase": "Failed", "message": "one or more objects failed to apply"},
        "conditions": [
            {"type": "ComparisonError", "message": "rpc error: repository not accessible"}
        ],
    },
}


def test_flux_ready_and_failing() -> None:
    ready = parse_flux(FLUX_READY)
    assert ready["ready"] == "ready" and ready["revision"] == f"prod@{DIGEST}"
    assert ready["error"] is None and ready["attempted"] is None
    failing = parse_flux(FLUX_FAILING)
    assert failing["ready"] == "not ready" and failing["reason"] == "HealthCheckFailed"
    assert failing["error"].startswith("health check failed after 5m0s")
    assert failing["attempted"] == "prod@sha256:" + "cd" * 32
    line = describe({**failing, "object": "flux-system/checkout-prod"})
    assert (
        "not ready" in line
        and "attempted prod@sha256:cdcd" in line
        and "last error: health check" in line
    )


def test_argocd_synced_and_failed() -> None:
    synced = parse_argocd(ARGO_SYNCED)
    assert synced["ready"] == "ready" and synced["revision"].startswith("01234567")
    assert synced["error"] is None
    failed = parse_argocd(ARGO_FAILED)
    assert failed["ready"] == "not ready" and failed["revision"] == "1111111, 2222222"
    assert failed["error"] == "one or more objects failed to apply"
    assert failed["sync"] == "OutOfSync" and failed["health"] == "Degraded"


@pytest.mark.parametrize(
    "obj", [None, [], {"status": []}, {"status": {"conditions": "x"}}, {"status": {"sync": 3}}]
)
def test_odd_shapes_read_as_unknown(obj: Any) -> None:
    assert parse_flux(obj)["ready"] == "unknown"
    assert parse_argocd(obj)["ready"] == "unknown"


def test_hostile_text_is_escaped() -> None:
    obj = {
        "status": {
            "conditions": [{"type": "Ready", "status": "False", "message": "bad\x1b[31m\nline"}]
        }
    }
    error = parse_flux(obj)["error"]
    assert "\x1b" not in error and "\n" not in error


def _fake_kubectl(tmp_path: Path, answers: dict[str, Any]) -> tuple[Path, Path]:
    """A kubectl that logs its argv and answers `version` and `get ... -- NAME` from files."""
    log = tmp_path / "argv.log"
    folder = tmp_path / "objects"
    folder.mkdir()
    for name, obj in answers.items():
        (folder / name).write_text(json.dumps(obj))
    script = tmp_path / "kubectl"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$*" >> "{log}"\n'
        'case "$*" in *version*) echo "{}"; exit 0;; esac\n'
        "for last; do :; done\n"
        f'if [ -f "{folder}/$last" ]; then cat "{folder}/$last"; exit 0; fi\n'
        'echo "Error from server (NotFound)" >&2; exit 1\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


def test_read_asks_kubectl_for_the_engine_object_by_name(tmp_path: Path) -> None:
    kubectl, log = _fake_kubectl(tmp_path, {"checkout-prod": FLUX_READY})
    cluster = Cluster(Helm(binary=tool("helm4")), str(kubectl))
    mode = GitOps("flux", "oci", "oci://r.example.com/deploy/checkout")
    view = read(cluster, mode, "checkout", "prod")
    assert (
        view is not None
        and view["ready"] == "ready"
        and view["object"] == "flux-system/checkout-prod"
    )
    argv = log.read_text().splitlines()[-1]
    assert argv.endswith("-o json -- checkout-prod")
    assert "get kustomizations.kustomize.toolkit.fluxcd.io --namespace flux-system" in argv
    missing = read(cluster, mode, "checkout", "dev")
    assert missing is not None and missing["ready"] == "not found"
    (tmp_path / "argo").mkdir()
    argo_kubectl, argo_log = _fake_kubectl(tmp_path / "argo", {"checkout-prod": ARGO_FAILED})
    argo_cluster = Cluster(Helm(binary=tool("helm4")), str(argo_kubectl))
    argo = read(
        argo_cluster, GitOps("argocd", "git", "https://g.example.com/d.git"), "checkout", "prod"
    )
    assert argo is not None and argo["ready"] == "not ready" and argo["sync"] == "OutOfSync"
    assert (
        "get applications.argoproj.io --namespace argocd" in argo_log.read_text().splitlines()[-1]
    )


def test_status_prints_the_engine_view(tmp_path: Path) -> None:
    props = tmp_path / "checkout-properties"
    props.mkdir()
    (props / ".launchgen.yaml").write_text(
        "kind: properties\nservice: checkout\nenvironments:\n  - dev\n  - prod\n"
        "gitops:\n  engine: flux\n  source: oci\n  url: oci://r.example.com/deploy/checkout\n"
    )
    kubectl, _ = _fake_kubectl(tmp_path, {"checkout-prod": FLUX_FAILING})
    base: list[str | Path] = [
        "status",
        "--properties",
        props,
        "--kubectl",
        kubectl,
        "--helm",
        tool("helm4"),
    ]
    result = invoke(*base)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    prod = next(line for line in lines if line.strip().startswith("prod"))
    assert "flux flux-system/checkout-prod: not ready" in prod and "HealthCheckFailed" not in prod
    assert "last error: health check failed" in prod
    dev = next(line for line in lines if line.strip().startswith("dev"))
    assert "not found" in dev
    as_json = invoke(*base, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.output)["environments"]
    assert rows[1]["engine"]["revision"] == f"prod@{DIGEST}"


def test_the_engine_revision_is_matched_against_the_recorded_publish() -> None:
    from launchgen.gitops.enginestatus import applies

    commit = "cb18ad67ae02b1a21a5417aa93aaa17ca05a4345"
    both = f"published to git https://g.example.com/d.git environments/prod {commit[:12]}; oci://r/x@{DIGEST}"
    assert applies(both, f"environments/prod@sha1:{commit}")
    assert applies(both, f"prod@{DIGEST}")
    assert applies(both, commit)  # Argo CD: the bare commit
    assert not applies(both, "prod@sha256:" + "cd" * 32)
    assert not applies(both, "environments/prod@sha1:" + "0" * 40)
    assert not applies(both, "prod@sha256:ab")  # too short to name anything


def test_status_says_whether_the_engine_runs_the_recorded_publish(tmp_path: Path) -> None:
    from launchgen import records

    props = tmp_path / "checkout-properties"
    props.mkdir()
    (props / ".launchgen.yaml").write_text(
        "kind: properties\nservice: checkout\nenvironments:\n  - prod\n"
        "gitops:\n  engine: flux\n  source: oci\n  url: oci://r.example.com/deploy/checkout\n"
    )
    fields = {"appVersion": "1.4.2", "chartVersion": "0.1.0", "bundleDigest": "sha256:" + "0" * 64}
    fields |= {"release": "checkout", "namespace": "checkout-prod"}
    records.append(
        props,
        "checkout",
        "prod",
        "deployed",
        "ci",
        **fields,
        note=f"published to oci://r/x@{DIGEST}",
    )
    kubectl, _ = _fake_kubectl(tmp_path, {"checkout-prod": FLUX_READY})
    base: list[str | Path] = [
        "status",
        "--properties",
        props,
        "--kubectl",
        kubectl,
        "--helm",
        tool("helm4"),
    ]
    out = invoke(*base).output
    assert "ready, revision prod@" in out and "the recorded publish" in out and "NOT" not in out
    records.append(
        props,
        "checkout",
        "prod",
        "deployed",
        "ci",
        **fields,
        note="published to oci://r/x@sha256:" + "cd" * 32,
    )
    out = invoke(*base).output
    assert "NOT the recorded publish" in out
