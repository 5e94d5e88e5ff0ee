"""Charts from a real OCI registry on 127.0.0.1: the app repo's Launch chart dependency,
and a middleware repo's vendor chart, with real helm 4 and helm 3."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from launchgen import charts
from launchgen.config import BUILTIN_LAUNCH_CHART_VERSION
from launchgen.resources import chart_dir
from launchgen.scaffold import new
from launchgen.scaffold.answers import VendorChart
from launchgen.standard import LAUNCH_CHART_NAME
from tests.conftest import make_answers
from tests.helpers.cli import invoke
from tests.helpers.ociregistry import push, serve_oci_registry
from tests.helpers.tools import helm_env
from tests.render.helpers import APP_CHART

pytestmark = pytest.mark.helm


def render(props: Path, out: Path, helm: Path, *extra: str) -> Result:
    return invoke(
        "render",
        str(props),
        "--env",
        "dev",
        "-o",
        str(out),
        "--no-lint",
        "--plain-http",
        "--helm",
        str(helm),
        *extra,
    )


def test_app_chart_dependency_from_oci(tmp_path: Path, helm: tuple[Path, dict[str, str]]) -> None:
    binary, _ = helm
    with serve_oci_registry(tmp_path / "registry") as host:
        name, data = charts.package_chart(
            chart_dir(LAUNCH_CHART_NAME), LAUNCH_CHART_NAME, BUILTIN_LAUNCH_CHART_VERSION
        )
        (tmp_path / name).write_bytes(data)
        push(tmp_path / name, f"oci://{host}/charts", helm_env(tmp_path / "push-home"))
        new(make_answers(chart_repository=f"oci://{host}/charts"), tmp_path / "gen", git=False)
        result = render(
            tmp_path / "gen" / "checkout-properties",
            tmp_path / "out",
            binary,
            "--app-version",
            "2.0.0",
        )
    assert result.exit_code == 0, result.output
    deployment = (
        tmp_path / "out" / "dev" / "manifests" / "04-deployment-checkout.yaml"
    ).read_text()
    assert 'image: "registry.example.com/checkout:2.0.0"' in deployment


def test_middleware_vendor_chart_from_oci_with_digest(
    tmp_path: Path, helm: tuple[Path, dict[str, str]]
) -> None:
    binary, _ = helm
    source = tmp_path / "tinydb"
    for relative, text in APP_CHART.items():
        (source / relative).parent.mkdir(parents=True, exist_ok=True)
        (source / relative).write_text(text)
    name, data = charts.package_chart(source, "tinydb", "2.1.0")
    (tmp_path / name).write_bytes(data)
    with serve_oci_registry(tmp_path / "registry") as host:
        push(tmp_path / name, f"oci://{host}/vendor", helm_env(tmp_path / "push-home"))
        import hashlib

        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        pinned = VendorChart("tinydb", f"oci://{host}/vendor", "2.1.0", digest)
        new(
            make_answers("orders-db", kind="middleware", vendor_chart=pinned),
            tmp_path / "gen",
            git=False,
        )
        props = tmp_path / "gen" / "orders-db-properties"
        assert render(props, tmp_path / "out", binary).exit_code == 0
        wrong = VendorChart("tinydb", f"oci://{host}/vendor", "2.1.0", "sha256:" + "0" * 64)
        new(
            make_answers("other-db", kind="middleware", vendor_chart=wrong),
            tmp_path / "gen",
            git=False,
        )
        refused = render(tmp_path / "gen" / "other-db-properties", tmp_path / "out2", binary)
    assert list((tmp_path / "out" / "dev" / "manifests").iterdir())
    assert refused.exit_code == 2
    assert "does not match the pinned" in refused.output
