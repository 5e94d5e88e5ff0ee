"""naming family."""

from __future__ import annotations

from pathlib import Path

from tests.lint.helpers import APP_CONFIG, check

LONG = "a" * 45


def test_chart_name_must_be_service(app: Path) -> None:
    chart = (app / "Chart.yaml").read_text().replace("name: checkout", "name: cart")
    check(app, {"Chart.yaml": chart}, "naming-chart-name", ("Chart.yaml", 4, 1))


def test_dns1123_service_and_environments(app: Path) -> None:
    config = "kind: app\nservice: Check_Out\nenvironments: [dev, Prod]\n"
    check(
        app,
        {".launchgen.yaml": config},
        "naming-dns1123",
        (".launchgen.yaml", 2, 1),
        (".launchgen.yaml", 3, 21),
    )


def test_release_length_counts_the_postfix(app: Path) -> None:
    config = APP_CONFIG.replace("service: checkout", f"service: {LONG}")
    check(app, {".launchgen.yaml": config}, "naming-release-length", (".launchgen.yaml", 2, 1))


def test_release_length_at_the_limit_is_fine(app: Path) -> None:
    config = APP_CONFIG.replace("service: checkout", f"service: {'a' * 44}")
    check(app, {".launchgen.yaml": config}, "naming-release-length")


def test_namespace_length(app: Path) -> None:
    config = f"kind: app\nservice: {'a' * 44}\nenvironments:\n  - dev\n  - {'p' * 10}\n"
    check(app, {".launchgen.yaml": config}, "naming-namespace-length", (".launchgen.yaml", 5, 5))


def test_repo_name(tmp_path: Path, app: Path) -> None:
    moved = app.rename(tmp_path / "not-checkout")
    check(moved, {}, "naming-repo-name", (".launchgen.yaml", 5, 1))


def test_properties_repo_link(app: Path) -> None:
    config = (
        (app / ".launchgen.yaml")
        .read_text()
        .replace("../checkout-properties", "../other-properties")
    )
    check(app, {".launchgen.yaml": config}, "naming-repo-name", (".launchgen.yaml", 10, 1))
