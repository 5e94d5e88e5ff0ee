"""launchgen validate checks GitOps engine objects against the engines' official CRDs,
shipped in schemas/crds/ (scripts/flux/ship-crds.py): Flux's OCIRepository,
GitRepository and Kustomization, Argo CD's Application and ApplicationSet. Each kind: a
valid object passes, an invalid one is refused at the offending line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from launchgen.resources import schema_path
from launchgen.validate import ValidateOptions, validate
from tests.helpers.cli import invoke

OCI_REPOSITORY = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: checkout
  namespace: flux-system
spec:
  interval: 5m
  url: oci://registry.example.com/deploy/checkout
  ref:
    tag: dev
  verify:
    provider: cosign
    secretRef:
      name: checkout-cosign
"""

GIT_REPOSITORY = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: checkout
  namespace: flux-system
spec:
  interval: 1m
  url: https://git.example.com/deploy/checkout.git
  ref:
    branch: environments/dev
"""

KUSTOMIZATION = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: checkout-dev
  namespace: flux-system
spec:
  interval: 10m
  prune: true
  wait: true
  timeout: 5m
  path: ./checkout
  targetNamespace: checkout-dev
  sourceRef:
    kind: OCIRepository
    name: checkout
  healthChecks:
    - apiVersion: apps/v1
      kind: Deployment
      name: checkout
      namespace: checkout-dev
"""

APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: checkout-dev
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/deploy/checkout.git
    targetRevision: environments/dev
    path: checkout
  destination:
    server: https://kubernetes.default.svc
    namespace: checkout-dev
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
"""

APPLICATION_SET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: checkout
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - env: dev
          - env: prod
  template:
    metadata:
      name: 'checkout-{{ .env }}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/deploy/checkout.git
        targetRevision: 'environments/{{ .env }}'
        path: checkout
      destination:
        server: https://kubernetes.default.svc
        namespace: 'checkout-{{ .env }}'
"""

# (valid object, the change that breaks it, the line of the problem)
CASES = {
    "OCIRepository": (OCI_REPOSITORY, ("provider: cosign", "provider: gpg"), 12),
    "GitRepository": (GIT_REPOSITORY, ("  interval: 1m\n", "  interval: 1m\n  depth: 1\n"), 8),
    "Kustomization": (KUSTOMIZATION, ("kind: OCIRepository", "kind: HelmRepository"), 14),
    "Application": (APPLICATION, ("    path: checkout\n", "    path: [checkout]\n"), 11),
    "ApplicationSet": (APPLICATION_SET, ("    - list:\n", "    - lists:\n"), 9),
}


def _problems(tmp_path: Path, text: str) -> list[tuple[str, int]]:
    path = tmp_path / "engine.yaml"
    path.write_text(textwrap.dedent(text))
    return [(p.rule, p.line) for p in validate([path], ValidateOptions()).problems]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_engine_object_is_checked_against_the_official_crd(kind: str, tmp_path: Path) -> None:
    valid, (old, new), line = CASES[kind]
    assert old in valid
    assert _problems(tmp_path, valid) == []
    assert _problems(tmp_path, valid.replace(old, new)) == [("k8s-schema", line)]


def test_an_unknown_field_of_a_flux_object_is_refused(tmp_path: Path) -> None:
    # The converted CRD is strict: a typo is an error, not an ignored field.
    typo = OCI_REPOSITORY.replace("  ref:\n", "  reference:\n")
    assert _problems(tmp_path, typo) == [("k8s-schema", 9)]


def test_the_cli_names_the_engine_crd_in_its_hint(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("---\n".join(valid for valid, _, _ in CASES.values()))
    bad.write_text(KUSTOMIZATION.replace("  prune: true\n", ""))
    ok = invoke("validate", good)
    assert ok.exit_code == 0, ok.output
    assert "5 resources in 1 files valid" in ok.output
    failed = invoke("validate", bad, "-f", "json")
    assert failed.exit_code == 1, failed.output
    (problem,) = json.loads(failed.output)["problems"]
    assert problem["rule"] == "k8s-schema" and "prune" in problem["message"]
    assert "kustomizations.kustomize.toolkit.fluxcd.io" in problem["hint"]


def test_shipped_engine_crds_name_their_official_source() -> None:
    # Each file says which module and version it was copied from, so an update is a
    # rerun of scripts/flux/ship-crds.py, not a guess.
    for name, module in (
        ("flux-ocirepository.yaml", "github.com/fluxcd/source-controller@"),
        ("flux-gitrepository.yaml", "github.com/fluxcd/source-controller@"),
        ("flux-kustomization.yaml", "github.com/fluxcd/kustomize-controller@"),
        ("argocd-application.yaml", "github.com/argoproj/argo-cd/v3@"),
        ("argocd-applicationset.yaml", "github.com/argoproj/argo-cd/v3@"),
    ):
        head = (schema_path("crds") / name).read_text().splitlines()[0]
        assert module in head, head


def test_argo_cd_schemas_are_checked_without_compiling_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiled, ApplicationSet's inline schema is 20 MB of Python and a minute of work;
    # above the size limit jsonschema checks it, and nothing is written to the cache.
    import yaml

    from launchgen import schemacompile
    from launchgen.validate.schemas import SchemaStore

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store = SchemaStore()
    kind = store.lookup("argoproj.io/v1alpha1", "ApplicationSet")
    assert kind is not None
    assert schemacompile.schema_checker(kind.schema) is None
    check = store.check(kind)
    assert not schemacompile.cache_dir().exists()
    good = yaml.safe_load(APPLICATION_SET)
    assert check(good)
    good["spec"]["generators"][0]["list"]["elements"] = "dev"
    assert not check(good)
    # The largest built-in kind stays under the limit, so it keeps the compiled check.
    pod = store.lookup("v1", "Pod")
    assert pod is not None
    size = len(json.dumps(pod.schema, sort_keys=True, separators=(",", ":")))
    assert size <= schemacompile.MAX_COMPILED_SCHEMA


def test_a_rollout_does_not_read_the_argo_cd_crds(monkeypatch: pytest.MonkeyPatch) -> None:
    # Shipped CRDs are read a file at a time, those named after the kind first: a
    # Rollout costs its own small file, not Argo CD's 1.5 MB ApplicationSet CRD; a kind
    # no file is named after still finds its CRD, after every file was read.
    from launchgen.validate import crds
    from launchgen.validate.schemas import SchemaStore

    read: list[str] = []
    load_file = crds.load_file

    def recording(path: Path) -> dict[str, crds.CustomKind]:
        read.append(path.name)
        return load_file(path)

    monkeypatch.setattr(crds, "load_file", recording)
    store = SchemaStore()
    assert store.lookup("argoproj.io/v1alpha1", "Rollout") is not None
    assert read == ["argo-rollouts.yaml"]
    assert store.lookup("source.toolkit.fluxcd.io/v1", "OCIRepository") is not None
    assert read[1:] == ["flux-ocirepository.yaml"]
    assert store.lookup("example.com/v1", "Widget") is None
    assert sorted(read) == sorted(p.name for p in crds.files(schema_path("crds")))
