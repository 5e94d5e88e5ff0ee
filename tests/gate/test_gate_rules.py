"""The cross-revision rules, on real commits in generated repos."""

from __future__ import annotations

from pathlib import Path

from launchgen import records
from launchgen.config import BUILTIN_LAUNCH_CHART_VERSION as PINNED
from launchgen.lint import lint
from launchgen.problem import Problem
from launchgen.standard import APP_VERSION_PLACEHOLDER
from tests.helpers.gitrepo import commit, git
from tests.helpers.trees import edit

DIGEST = "sha256:" + "ab" * 32


def gated(repo: Path, base: str) -> list[Problem]:
    """The gate rules' problems for the change base..HEAD (the other rules are their own tests')."""
    return [
        p
        for p in lint([repo], base=base, cache=False, yamllint=False)
        if p.rule.startswith("gate-")
    ]


def problems(repo: Path, base: str) -> list[tuple[str, str, int]]:
    return [(p.rule, p.path, p.line) for p in gated(repo, base)]


def messages(repo: Path, base: str) -> list[str]:
    return [p.message for p in gated(repo, base)]


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD")


# --- app repos -----------------------------------------------------------------


def test_template_change_without_version_bump(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    base = head(app)
    commit(
        app,
        "add configmap",
        {"templates/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"},
    )
    assert problems(app, base) == [("gate-chart-version-bump", "Chart.yaml", 8)]
    assert "version 0.1.0 is unchanged" in messages(app, base)[0]


def test_template_change_with_version_bump_passes(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    base = head(app)
    commit(
        app,
        "add configmap",
        {
            "templates/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
            "Chart.yaml": edit(app, "Chart.yaml", "version: 0.1.0", "version: 0.2.0"),
        },
    )
    assert problems(app, base) == []


def test_version_going_down_or_not_semver(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    base = head(app)
    commit(
        app,
        "down",
        {"Chart.yaml": edit(app, "Chart.yaml", "version: 0.1.0", "version: 0.1.0-rc.1")},
    )
    assert "is lower than 0.1.0" in messages(app, base)[0]
    commit(
        app,
        "garbage",
        {"Chart.yaml": edit(app, "Chart.yaml", "version: 0.1.0-rc.1", "version: latest")},
    )
    assert "is not SemVer" in messages(app, base)[0]


def test_readme_change_needs_no_bump(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    base = head(app)
    commit(app, "docs", {"README.md": "# checkout\n"})
    assert problems(app, base) == []


def test_app_version_leaving_the_placeholder(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    base = head(app)
    commit(
        app,
        "pin",
        {
            "Chart.yaml": edit(app, "Chart.yaml", APP_VERSION_PLACEHOLDER, "1.4.2").replace(
                "version: 0.1.0", "version: 0.1.1"
            )
        },
    )
    assert problems(app, base) == [("gate-app-version-placeholder", "Chart.yaml", 11)]


def test_dependency_upgrade_is_reported_old_to_new(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    base = head(app)
    chart = edit(app, "Chart.yaml", f"version: {PINNED}", "version: 9.0.0").replace(
        "version: 0.1.0", "version: 0.2.0"
    )
    lock = edit(app, "Chart.lock", f"version: {PINNED}", "version: 9.0.0")
    commit(app, "upgrade", {"Chart.yaml": chart, "Chart.lock": lock})
    assert problems(app, base) == [("gate-dependency-upgrade", "Chart.yaml", 14)]
    assert messages(app, base) == [f"dependency launch-microservice upgraded: {PINNED} -> 9.0.0"]


def test_chart_lock_changed_alone(app_repos: tuple[Path, Path]) -> None:
    app, _ = app_repos
    base = head(app)
    lock = edit(app, "Chart.lock", f"version: {PINNED}", "version: 9.0.1")
    commit(app, "lock", {"Chart.lock": lock})
    rules = [p[0] for p in problems(app, base)]
    assert rules == ["gate-chart-lock-alone", "gate-chart-version-bump"]


# --- properties repos ----------------------------------------------------------


def deploy(props: Path, version: str, env: str = "dev") -> None:
    records.append(
        props,
        "checkout",
        env,
        "deployed",
        "ci",
        appVersion=version,
        chartVersion="0.1.0",
        bundleDigest=DIGEST,
        release="checkout",
        namespace=f"checkout-{env}",
        at="2026-11-26T10:00:00Z",
    )


def test_promotion_alone_passes(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    deploy(props, "1.0.0")
    commit(props, "deploy 1.0.0", {})
    base = head(props)
    deploy(props, "1.1.0")
    commit(props, "deploy 1.1.0", {})
    assert problems(props, base) == []


def test_promotion_with_another_change_fails(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    base = head(props)
    deploy(props, "1.1.0")
    commit(
        props,
        "deploy and tweak",
        {
            "envs/dev/values.yaml": edit(
                props, "envs/dev/values.yaml", "replicaCount: 1", "replicaCount: 4"
            )
        },
    )
    found = problems(props, base)
    assert ("gate-promotion-alone", "deployments/dev.yaml", 1) in found
    assert ("gate-values-change", "envs/dev/values.yaml", 3) in found
    assert "promotes appVersion 1.1.0 and also changes envs/dev/values.yaml" in messages(
        props, base
    )


def test_values_changes_are_reported_per_environment_and_key(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    base = head(props)
    prod = edit(props, "envs/prod/values.yaml", "replicaCount: 2", "replicaCount: 3")
    prod = prod.replace("  enabled: false\n", "  enabled: true\n") + "podLabels:\n  team: shop\n"
    commit(props, "scale prod", {"envs/prod/values.yaml": prod})
    assert messages(props, base) == [
        "prod: replicaCount: 2 -> 3",
        "prod: autoscaling.enabled: false -> true",
        'prod: podLabels.team added: "shop"',
    ]


def test_records_are_append_only(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    deploy(props, "1.0.0")
    deploy(props, "1.1.0")
    commit(props, "two deployments", {})
    base = head(props)
    commit(
        props,
        "rewrite history",
        {"deployments/dev.yaml": edit(props, "deployments/dev.yaml", '"1.0.0"', '"0.9.0"')},
    )
    assert problems(props, base) == [("gate-records-append-only", "deployments/dev.yaml", 8)]


def test_removing_a_record_entry_or_file(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    deploy(props, "1.0.0")
    deploy(props, "1.1.0")
    commit(props, "two deployments", {})
    base = head(props)
    text = (props / "deployments" / "dev.yaml").read_text()
    truncated = text[: text.index("  - seq: 2")]
    commit(props, "drop last", {"deployments/dev.yaml": truncated})
    assert messages(props, base) == ["recorded entry seq 2 was removed"]
    commit(props, "drop file", {"deployments/dev.yaml": None})
    assert messages(props, base) == ["deployment record file deleted"]


def test_appending_approval_passes(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    deploy(props, "1.0.0")
    commit(props, "deploy", {})
    base = head(props)
    records.append(props, "checkout", "dev", "approved", "alice", of=1)
    commit(props, "approve", {})
    assert problems(props, base) == []
