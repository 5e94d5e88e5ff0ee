"""middleware family: the vendor chart pinned exactly (and by digest where OCI gives one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import MIDDLEWARE_CONFIG, Case, Tree, bad, good, params

CONFIG = ".launchgen.yaml"
DIGEST = "sha256:" + "a" * 64
OCI = "oci://registry-1.docker.io/bitnamicharts"


def middleware(config: str) -> Tree:
    return Tree("orders-db-properties", {CONFIG: config})


CASES = [
    bad(
        "middleware-chart-pinned",
        middleware(MIDDLEWARE_CONFIG.replace("16.4.1", "16.x")),
        (CONFIG, 7, 3),
    ),
    bad(
        "middleware-chart-pinned",
        middleware(MIDDLEWARE_CONFIG.replace(OCI, "bitnami")),
        (CONFIG, 6, 3),
    ),
    good("middleware-chart-pinned", middleware(MIDDLEWARE_CONFIG)),
    bad("middleware-chart-digest", middleware(MIDDLEWARE_CONFIG), (CONFIG, 7, 3)),
    bad(
        "middleware-chart-digest",
        middleware(MIDDLEWARE_CONFIG + "  digest: md5:abc\n"),
        (CONFIG, 8, 3),
    ),
    good("middleware-chart-digest", middleware(MIDDLEWARE_CONFIG + f"  digest: {DIGEST}\n")),
    # An https:// repository gives no digest to pin.
    good(
        "middleware-chart-digest",
        middleware(MIDDLEWARE_CONFIG.replace(OCI, "https://charts.bitnami.com")),
    ),
]


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)
