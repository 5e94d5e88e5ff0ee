"""`launchgen new --gitops`: engine objects per environment, recorded in .launchgen.yaml, lint-clean;
and lint's image-tag allowance, which only Argo CD multi-source mode gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from tests.helpers.cli import invoke


def _new(tmp_path: Path, *gitops: str) -> Path:
    result = invoke("new", "checkout", "-o", tmp_path, "--envs", "dev,prod", *gitops)
    assert result.exit_code == 0, result.output
    return tmp_path / "checkout-properties"


def _docs(repo: Path, env: str) -> list[dict[str, Any]]:
    doc = yaml.safe_load((repo / "gitops" / f"{env}.yaml").read_text())
    return list(doc["items"]) if doc["kind"] == "List" else [doc]


def _lint(repo: Path) -> Result:
    return invoke("lint", repo)


def test_flux_oci_follows_the_environment_tag_and_verifies_it(tmp_path: Path) -> None:
    repo = _new(tmp_path, "--gitops", "flux", "--registry", "registry.example.com/shop")
    source, kustomization = _docs(repo, "prod")
    assert source["kind"] == "OCIRepository"
    assert source["spec"]["url"] == "oci://registry.example.com/shop/deploy/checkout"
    assert source["spec"]["ref"] == {"tag": "prod"}
    assert (
        source["spec"]["layerSelector"]["mediaType"]
        == "application/vnd.cncf.flux.content.v1.tar+gzip"
    )
    assert source["spec"]["verify"] == {
        "provider": "cosign",
        "secretRef": {"name": "launchgen-cosign"},
    }
    assert "insecure" not in source["spec"]
    assert kustomization["kind"] == "Kustomization"
    assert kustomization["spec"]["sourceRef"] == {"kind": "OCIRepository", "name": "checkout-prod"}
    assert kustomization["spec"]["wait"] is True and kustomization["spec"]["prune"] is True
    assert kustomization["spec"]["healthChecks"][0]["namespace"] == "checkout-prod"
    assert _docs(repo, "dev")[0]["spec"]["ref"] == {"tag": "dev"}
    config = yaml.safe_load((repo / ".launchgen.yaml").read_text())
    assert config["gitops"] == {
        "engine": "flux",
        "source": "oci",
        "url": "oci://registry.example.com/shop/deploy/checkout",
    }
    result = _lint(repo)
    assert result.exit_code == 0, result.output
    import git

    with git.Repo(repo) as handle:
        assert not handle.is_dirty(untracked_files=True)
        assert str(handle.head.commit.message).startswith("gitops: flux objects")


def test_flux_git_and_argocd_follow_the_environment_branch(tmp_path: Path) -> None:
    flux = _new(
        tmp_path / "f", "--gitops", "flux:git", "--gitops-url", "https://git.example.com/deploy.git"
    )
    source, kustomization = _docs(flux, "dev")
    assert source["kind"] == "GitRepository"
    assert source["spec"]["ref"] == {"branch": "environments/dev"}
    assert kustomization["spec"]["path"] == "./checkout"
    argo = _new(
        tmp_path / "a",
        "--gitops",
        "argocd:git",
        "--gitops-url",
        "https://git.example.com/deploy.git",
    )
    (app,) = _docs(argo, "prod")
    assert app["kind"] == "Application"
    assert app["spec"]["source"] == {
        "repoURL": "https://git.example.com/deploy.git",
        "targetRevision": "environments/prod",
        "path": "checkout",
    }
    assert app["spec"]["destination"]["namespace"] == "checkout-prod"
    oci = _new(
        tmp_path / "o", "--gitops", "argocd", "--gitops-url", "oci://127.0.0.1:5000/deploy/checkout"
    )
    (app,) = _docs(oci, "dev")
    assert app["spec"]["source"] == {
        "repoURL": "oci://127.0.0.1:5000/deploy/checkout",
        "targetRevision": "dev",
        "path": ".",
    }
    for repo in (flux, argo, oci):
        result = _lint(repo)
        assert result.exit_code == 0, result.output


def test_multi_source_reads_the_chart_and_the_environment_values(tmp_path: Path) -> None:
    repo = _new(
        tmp_path, "--gitops", "argocd:multi-source", "--gitops-url", "https://git.example.com/shop"
    )
    (app,) = _docs(repo, "prod")
    chart, values = app["spec"]["sources"]
    assert chart["repoURL"] == "https://git.example.com/shop/checkout.git"
    assert chart["helm"]["valueFiles"] == ["$values/envs/prod/values.yaml"]
    assert values == {
        "repoURL": "https://git.example.com/shop/checkout-properties.git",
        "targetRevision": "main",
        "ref": "values",
    }
    assert "image.tag" in (repo / "gitops" / "prod.yaml").read_text()


def _forbidden(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if "properties-forbidden-keys" in line]


@pytest.mark.parametrize(
    ("gitops", "allowed"),
    [
        (["--gitops", "argocd:multi-source", "--gitops-url", "https://git.example.com/shop"], True),
        (["--gitops", "argocd"], False),
        ([], False),
    ],
)
def test_only_multi_source_mode_may_set_the_image_tag_in_env_values(
    tmp_path: Path, gitops: list[str], allowed: bool
) -> None:
    repo = _new(tmp_path, *gitops)
    values = repo / "envs" / "prod" / "values.yaml"
    values.write_text(values.read_text() + "image:\n  tag: 1.4.2\n")
    hits = _forbidden(_lint(repo))
    assert bool(hits) is not allowed, hits
    # appVersion stays forbidden in every mode: the mode needs the tag, nothing else.
    dev = repo / "envs" / "dev" / "values.yaml"
    dev.write_text(dev.read_text() + "appVersion: 1.4.2\n")
    hits = _forbidden(_lint(repo))
    assert any("appVersion is set in values" in hit for hit in hits)


def test_a_gitops_file_is_not_a_values_file_only_when_an_engine_deploys_the_repo(
    tmp_path: Path,
) -> None:
    repo = _new(tmp_path)
    (repo / "gitops").mkdir()
    (repo / "gitops" / "prod.yaml").write_text("kind: Application\n")
    result = _lint(repo)
    assert result.exit_code == 1 and "gitops/prod.yaml" in result.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--gitops", "jenkins"], "flux or argocd"),
        (["--gitops", "flux:multi-source"], "argocd:multi-source"),
        (["--gitops", "flux:git"], "needs --gitops-url"),
        (["--gitops", "flux", "--gitops-url", "https://example.com/x"], "oci://"),
        (["--gitops", "argocd:git", "--gitops-url", "oci://r.example.com/x"], "a git URL"),
        (["--gitops", "argocd:git", "--gitops-url", "https://x/{{ evil }}"], "not a URL"),
        (["--gitops", "flux", "--gitops-url", "oci://r.example.com/Bad:tag"], "OCI repository"),
    ],
)
def test_bad_gitops_options_write_nothing(tmp_path: Path, args: list[str], says: str) -> None:
    result = invoke("new", "checkout", "-o", tmp_path, *args)
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert not (tmp_path / "checkout-properties").exists()


def test_middleware_gets_no_deployment_health_check(tmp_path: Path) -> None:
    result = invoke(
        "new", "orders-db", "-o", tmp_path, "--envs", "dev", "--middleware",
        "--chart", "oci://registry-1.docker.io/bitnamicharts/postgresql", "--chart-version", "16.4.1",
        "--gitops", "flux",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    repo = tmp_path / "orders-db-properties"
    source, kustomization = _docs(repo, "dev")
    assert source["spec"]["url"] == "oci://registry.example.com/deploy/orders-db"
    assert "healthChecks" not in kustomization["spec"] and kustomization["spec"]["wait"] is True
    lint = _lint(repo)
    assert lint.exit_code == 0, lint.output
    refused = invoke(
        "new", "cache", "-o", tmp_path, "--middleware", "--chart", "oci://r.example.com/c/redis",
        "--chart-version", "1.0.0", "--gitops", "argocd:multi-source", "--gitops-url", "https://g.example.com/x",
    )  # fmt: skip
    assert refused.exit_code == 2 and "not for --middleware" in refused.output
    assert not (tmp_path / "cache-properties").exists()
