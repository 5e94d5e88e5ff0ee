"""properties family, the image tag by GitOps mode: forbidden in values in every mode but
Argo CD multi-source, where each environment's values must set it (the engine cannot
set appVersion, so without it the chart's placeholder would be deployed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen.standard import APP_VERSION_PLACEHOLDER
from tests.lint.helpers import PROPS_CONFIG, Case, Tree, app, bad, good, params

DEV = "envs/dev/values.yaml"
TEST = "envs/test/values.yaml"
PROD = "envs/prod/values.yaml"
TAGGED = "image:\n  tag: 1.4.2\n"


def gitops(engine: str, source: str) -> str:
    url = (
        "oci://registry.example.com/deploy/checkout"
        if source == "oci"
        else "https://g.example.com/shop"
    )
    return f"gitops:\n  engine: {engine}\n  source: {source}\n  url: {url}\n"


MULTI = gitops("argocd", "multi-source")
OTHER_MODES = {
    "push": "",
    "argocd-oci": gitops("argocd", "oci"),
    "argocd-git": gitops("argocd", "git"),
    "flux-oci": gitops("flux", "oci"),
    "flux-git": gitops("flux", "git"),
}


def props(mode: str, dev: str = TAGGED, test: str = TAGGED, prod: str = TAGGED) -> Tree:
    files = {".launchgen.yaml": PROPS_CONFIG + mode, DEV: dev, TEST: test, PROD: prod}
    return Tree("checkout-properties", files)


CASES = [
    # Multi-source: a missing tag (no image, or an image without tag) and the placeholder.
    bad(
        "properties-image-tag-required",
        props(
            MULTI,
            dev="{}\n",
            test="replicaCount: 1\nimage:\n  pullPolicy: Always\n",
            prod=f"image:\n  tag: {APP_VERSION_PLACEHOLDER}\n",
        ),
        (DEV, 1, 1),
        (TEST, 2, 1),
        (PROD, 2, 3),
    ),
    bad("properties-image-tag-required", props(MULTI, prod="# no values yet\n"), (PROD, 1, 1)),
    good("properties-image-tag-required", props(MULTI)),
    # Every other mode deploys appVersion: no tag is needed.
    *(
        good("properties-image-tag-required", props(m, "{}\n", "{}\n", "{}\n"))
        for m in OTHER_MODES.values()
    ),
    # The tag itself: allowed in envs/<env>/values.yaml in multi-source mode only...
    good("properties-forbidden-keys", props(MULTI)),
    *(
        bad("properties-forbidden-keys", props(m), (DEV, 2, 3), (TEST, 2, 3), (PROD, 2, 3))
        for m in OTHER_MODES.values()
    ),
    # ...only at the top level...
    bad(
        "properties-forbidden-keys",
        props(MULTI, dev=TAGGED + "nested:\n  image:\n    tag: 1.4.2\n"),
        (DEV, 5, 5),
    ),
    # ...and never in the app repo's values, which every environment shares.
    bad(
        "properties-forbidden-keys",
        app({"values.yaml": "image:\n  repository: r/x\n  tag: 1.4.2\n"}, lint=MULTI),
        ("values.yaml", 3, 3),
    ),
]


@pytest.mark.parametrize("case", params(*CASES))
def test_case(case: Case, tmp_path: Path) -> None:
    case.check(tmp_path)


def test_the_missing_tag_problem_says_what_to_fill_in(tmp_path: Path) -> None:
    [problem] = [
        p
        for p in bad("properties-image-tag-required", props(MULTI, dev="{}\n"), (DEV, 1, 1)).check(
            tmp_path
        )
        if p.rule == "properties-image-tag-required"
    ]
    assert APP_VERSION_PLACEHOLDER in problem.message and problem.severity == "error"
    assert "set image.tag in envs/dev/values.yaml" in problem.hint
