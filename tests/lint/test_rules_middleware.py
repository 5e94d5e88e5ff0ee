"""middleware family: the vendor chart pinned exactly (and by digest where OCI gives one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import MIDDLEWARE_CONFIG, check

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("config", "rule", "expected"),
    [
        (MIDDLEWARE_CONFIG.replace("16.4.1", "16.x"), "middleware-chart-pinned", [(7, 3)]),
        (
            MIDDLEWARE_CONFIG.replace("oci://registry-1.docker.io/bitnamicharts", "bitnami"),
            "middleware-chart-pinned",
            [(6, 3)],
        ),
        (MIDDLEWARE_CONFIG, "middleware-chart-pinned", []),
        (MIDDLEWARE_CONFIG, "middleware-chart-digest", [(7, 3)]),
        (MIDDLEWARE_CONFIG + f"  digest: {DIGEST}\n", "middleware-chart-digest", []),
        (MIDDLEWARE_CONFIG + "  digest: md5:abc\n", "middleware-chart-digest", [(8, 3)]),
        (
            MIDDLEWARE_CONFIG.replace(
                "oci://registry-1.docker.io/bitnamicharts", "https://charts.bitnami.com"
            ),
            "middleware-chart-digest",
            [],
        ),
    ],
)
def test_vendor_chart(
    middleware: Path, config: str, rule: str, expected: list[tuple[int, int]]
) -> None:
    config = config.replace("[dev, prod]", "[dev, test, prod]")
    check(
        middleware, {".launchgen.yaml": config}, rule, *[(".launchgen.yaml", *e) for e in expected]
    )


def test_middleware_values_per_environment(middleware: Path) -> None:
    config = MIDDLEWARE_CONFIG.replace("[dev, prod]", "[dev, test, prod, dr]")
    column = config.splitlines()[2].index("dr") + 1
    check(
        middleware,
        {".launchgen.yaml": config},
        "properties-env-files",
        (".launchgen.yaml", 3, column),
    )
