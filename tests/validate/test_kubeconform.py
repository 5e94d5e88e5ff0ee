"""validate as a drop-in for kubeconform: its documented behaviours, as our own fixtures,
compared with the real kubeconform v0.7.0 where it can check the same thing; CRDs in
the input; schema locations in kubeconform's template syntax."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

from launchgen.validate import ValidateOptions, validate
from tests.helpers.cli import invoke
from tests.helpers.tools import tool

# Each case: file name -> (YAML, our verdict: "valid", "invalid" or the rule expected).
CASES: dict[str, tuple[str, str]] = {
    "service-ok": (
        """\
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          ports: [{port: 80, targetPort: http}]
          selector: {app: web}
        """,
        "valid",
    ),
    "replicas-as-string": (
        """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: "3"
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: "web:1.0"}]}
        """,
        "k8s-schema",
    ),
    "unknown-field-strict": (
        """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        colour: blue
        """,
        "k8s-schema",
    ),
    "leading-separator-and-empty-documents": (
        """\
        ---
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        ---
        """,
        "valid",
    ),
    "comment-only-documents": (
        """\
        # Source: chart/templates/nothing.yaml
        ---
        # Source: chart/templates/configmap.yaml
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        ---
        # Source: chart/templates/disabled.yaml
        """,
        "valid",
    ),
    "list-all-valid": (
        """\
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
          - apiVersion: v1
            kind: Service
            metadata: {name: b}
            spec: {ports: [{port: 80}]}
        """,
        "valid",
    ),
    "list-with-an-invalid-item": (
        """\
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: b}
            colour: blue
        """,
        "k8s-schema",
    ),
    "missing-kind": (
        """\
        apiVersion: v1
        metadata: {name: c}
        """,
        "k8s-object",
    ),
    "missing-api-version": (
        """\
        kind: ConfigMap
        metadata: {name: c}
        """,
        "k8s-object",
    ),
    "no-schema-for-kind": (
        """\
        apiVersion: example.com/v1
        kind: Gadget
        metadata: {name: g}
        """,
        "k8s-unknown-kind",
    ),
    "duplicate-key": (
        """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        data: {a: "1"}
        data: {b: "2"}
        """,
        "yaml-duplicate-key",
    ),
    "null-where-optional": (
        """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c, creationTimestamp: null, labels: null}
        """,
        "valid",
    ),
    "quantities-as-numbers-and-strings": (
        """\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: c
              image: "busybox:1.36"
              resources: {requests: {cpu: 1, memory: 64Mi}, limits: {cpu: "1.5"}}
        """,
        "valid",
    ),
    "wrong-type-deep-in-a-pod": (
        """\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: c
              image: "busybox:1.36"
              ports:
                - containerPort: eighty
        """,
        "k8s-schema",
    ),
    "yes-is-a-boolean-in-yaml-1-1": (
        """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        data: {enabled: yes}
        """,
        "k8s-schema",
    ),
    "invalid-yaml": (
        """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c
        """,
        "yaml-syntax",
    ),
}


def write_cases(folder: Path, names: list[str] | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names or CASES:
        (folder / f"{name}.yaml").write_text(textwrap.dedent(CASES[name][0]))


def our_verdicts(folder: Path, **options: Any) -> dict[str, set[str]]:
    result = validate([folder], ValidateOptions(schema_only=True, **options))
    verdicts: dict[str, set[str]] = {path.stem: set() for path in folder.glob("*.yaml")}
    for problem in result.problems:
        verdicts[Path(problem.path).stem].add(problem.rule)
    return verdicts


@pytest.mark.parametrize("name", sorted(CASES))
def test_kubeconform_documented_case(tmp_path: Path, name: str) -> None:
    write_cases(tmp_path, [name])
    expected = CASES[name][1]
    assert our_verdicts(tmp_path)[name] == (set() if expected == "valid" else {expected})


def test_list_items_report_their_own_lines(tmp_path: Path) -> None:
    write_cases(tmp_path, ["list-with-an-invalid-item"])
    (problem,) = validate([tmp_path], ValidateOptions(schema_only=True)).problems
    assert (problem.line, problem.column) == (10, 5) and "unknown key 'colour'" in problem.message


def test_list_items_are_checked_with_ignore_missing_schemas(tmp_path: Path) -> None:
    write_cases(tmp_path, ["list-with-an-invalid-item"])
    result = validate([tmp_path], ValidateOptions(ignore_missing_schemas=True))
    assert [p.rule for p in result.problems] == ["k8s-schema"] and result.resources == 2


def test_typed_lists_are_validated_item_by_item(tmp_path: Path) -> None:
    (tmp_path / "l.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMapList\nitems:\n"
        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"
        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}, colour: 1}\n"
    )
    result = validate([tmp_path], ValidateOptions(schema_only=True))
    assert [(p.rule, p.line) for p in result.problems] == [
        ("k8s-schema", 5)
    ] and result.resources == 2


def test_folders_are_read_recursively(tmp_path: Path) -> None:
    write_cases(tmp_path / "a" / "b" / "c", ["unknown-field-strict"])
    write_cases(tmp_path / "a", ["service-ok"])
    result = validate([tmp_path], ValidateOptions(schema_only=True))
    assert result.resources == 2 and [Path(p.path).name for p in result.problems] == [
        "unknown-field-strict.yaml"
    ]


def test_schema_only_leaves_out_the_standard(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {a: b}\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec: {containers: [{name: c, image: busybox}]}\n"
    )
    assert sorted(p.rule for p in validate([tmp_path]).problems) == [
        "standard-image-tag",
        "standard-secret-literal",
    ]
    assert validate([tmp_path], ValidateOptions(schema_only=True)).problems == []
    (tmp_path / "s.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {a: 1}\n"
    )
    assert [p.rule for p in validate([tmp_path], ValidateOptions(schema_only=True)).problems] == [
        "k8s-schema"
    ]


# --- the real kubeconform, on the same files and the same schemas --------------------------


def kubeconform() -> Path:
    return tool("kubeconform")


def kubeconform_verdicts(folder: Path, schemas: Path, *flags: str) -> dict[str, str]:
    proc = subprocess.run(
        [
            str(kubeconform()),
            "-strict",
            "-output",
            "json",
            *flags,
            "-schema-location",
            f"{schemas}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json",
            str(folder),
        ],
        capture_output=True,
        text=True,
    )
    verdicts = {path.stem: "valid" for path in folder.glob("*.yaml")}
    for resource in json.loads(proc.stdout)["resources"]:
        if resource["status"] in ("statusInvalid", "statusError"):
            verdicts[Path(resource["filename"]).stem] = "invalid"
    return verdicts


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from launchgen.validate.export import export_kubeconform
    from launchgen.validate.schemas import SchemaStore

    folder = tmp_path_factory.mktemp("kubeconform-schemas")
    export_kubeconform(SchemaStore(), folder)
    return folder


def test_same_verdicts_as_kubeconform(tmp_path: Path, exported: Path) -> None:
    write_cases(tmp_path)
    theirs = kubeconform_verdicts(tmp_path, exported)
    ours = {name: "invalid" if rules else "valid" for name, rules in our_verdicts(tmp_path).items()}
    assert ours == theirs
    assert set(theirs.values()) == {"valid", "invalid"}


def test_same_verdicts_as_kubeconform_ignoring_missing_schemas(
    tmp_path: Path, exported: Path
) -> None:
    write_cases(tmp_path)
    theirs = kubeconform_verdicts(tmp_path, exported, "-ignore-missing-schemas")
    ours = {
        name: "invalid" if rules else "valid"
        for name, rules in our_verdicts(tmp_path, ignore_missing_schemas=True).items()
    }
    assert ours == theirs and theirs["no-schema-for-kind"] == "valid"


# --- CRDs in the input: a traefik-style chart -------------------------------------------------

INGRESSROUTE_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ingressroutes.traefik.io}
spec:
  group: traefik.io
  scope: Namespaced
  names: {kind: IngressRoute, listKind: IngressRouteList, plural: ingressroutes, singular: ingressroute}
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          required: [spec]
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              required: [routes]
              properties:
                entryPoints:
                  type: array
                  items: {type: string}
                routes:
                  type: array
                  items:
                    type: object
                    required: [match, kind]
                    properties:
                      kind: {type: string, enum: [Rule]}
                      match: {type: string}
                      priority: {type: integer}
                      services:
                        type: array
                        items:
                          type: object
                          required: [name]
                          properties:
                            name: {type: string}
                            port:
                              anyOf: [{type: integer}, {type: string}]
                              x-kubernetes-int-or-string: true
                      middlewares:
                        type: array
                        items:
                          type: object
                          x-kubernetes-preserve-unknown-fields: true
                tls:
                  type: object
                  properties:
                    secretName: {type: string}
"""

VALID_ROUTE = """\
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: web
spec:
  entryPoints: [websecure]
  routes:
    - kind: Rule
      match: Host(`web.example.com`)
      services:
        - name: web
          port: http
        - name: web-v2
          port: 8080
      middlewares:
        - name: auth
          anything: goes-here
  tls:
    secretName: web-tls
"""

INVALID_ROUTE = """\
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: broken
spec:
  routes:
    - kind: Rule
      match: Host(`web.example.com`)
      services:
        - name: web
          port: 80
          weight: 3
"""


def traefik_chart(tmp_path: Path) -> Path:
    chart = tmp_path / "rendered"
    (chart / "crds").mkdir(parents=True)
    (chart / "crds" / "ingressroute.yaml").write_text(INGRESSROUTE_CRD)
    (chart / "templates").mkdir()
    (chart / "templates" / "routes.yaml").write_text(VALID_ROUTE + "---\n" + INVALID_ROUTE)
    return chart


def test_crd_in_the_input_validates_its_custom_resources(tmp_path: Path) -> None:
    result = validate([traefik_chart(tmp_path)])
    (problem,) = result.problems
    assert problem.rule == "k8s-schema" and problem.path.endswith("routes.yaml")
    assert "unknown key 'weight' in spec/routes/0/services/0" in problem.message
    assert (problem.line, problem.column) == (len(VALID_ROUTE.splitlines()) + 1 + 12, 11)
    assert "CRD ingressroutes.traefik.io" in problem.hint
    assert result.resources == 3  # the CRD and both routes


def test_crd_given_with_the_resource_on_the_command_line(tmp_path: Path) -> None:
    chart = traefik_chart(tmp_path)
    result = validate([chart / "templates" / "routes.yaml", chart / "crds" / "ingressroute.yaml"])
    assert [p.rule for p in result.problems] == ["k8s-schema"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (("kind: Rule\n      match", "kind: Rules\n      match"), "spec/routes/0/kind"),  # enum
        (
            ("port: http", "port: [http]"),
            "spec/routes/0/services/0/port",
        ),  # int-or-string, not a list
        (
            ("    - kind: Rule\n", "    - kind: Rule\n      priority: high\n"),
            "spec/routes/0/priority",
        ),
        (("  routes:\n", "  rutes:\n"), "unknown key 'rutes'"),
    ],
)
def test_crd_schema_keywords(tmp_path: Path, change: tuple[str, str], where: str) -> None:
    chart = traefik_chart(tmp_path)
    (chart / "templates" / "routes.yaml").write_text(VALID_ROUTE.replace(*change))
    problems = validate([chart]).problems
    assert problems and all(p.rule == "k8s-schema" for p in problems), problems
    assert any(where in p.message for p in problems), problems


def test_crd_without_a_schema_is_an_error(tmp_path: Path) -> None:
    crd = INGRESSROUTE_CRD.split("      schema:")[0]
    (tmp_path / "crd.yaml").write_text(crd + "---\n" + VALID_ROUTE)
    rules = sorted((p.rule, p.line) for p in validate([tmp_path]).problems)
    assert rules == [
        ("k8s-crd-schema", 9),
        ("k8s-unknown-kind", 3 + len(crd.splitlines())),
    ]  # after the separator


def test_without_its_crd_a_custom_resource_has_no_schema(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(VALID_ROUTE)
    (problem,) = validate([tmp_path]).problems
    assert problem.rule == "k8s-unknown-kind" and "put its CRD in the input" in problem.hint


# --- schema locations ----------------------------------------------------------------------------


def catalog(tmp_path: Path) -> Path:
    """A CRDs-catalog layout: GROUP/KIND_VERSION.json."""
    folder = tmp_path / "catalog" / "traefik.io"
    folder.mkdir(parents=True)
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["spec"],
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {
                "type": "object",
                "properties": {"routes": {"type": "array"}},
                "additionalProperties": False,
            },
        },
    }
    (folder / "ingressroute_v1alpha1.json").write_text(json.dumps(schema))
    return tmp_path / "catalog"


def test_schema_location_template_like_the_crds_catalog(tmp_path: Path) -> None:
    location = (
        str(catalog(tmp_path)) + "/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
    )
    (tmp_path / "r.yaml").write_text(
        "apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {name: a}\n"
        "spec: {routes: []}\n"
    )
    assert (
        validate([tmp_path / "r.yaml"], ValidateOptions(schema_locations=[location])).problems == []
    )
    (tmp_path / "r.yaml").write_text(
        "apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {name: a}\n"
        "spec: {rutes: []}\n"
    )
    (problem,) = validate(
        [tmp_path / "r.yaml"], ValidateOptions(schema_locations=[location])
    ).problems
    assert (problem.rule, problem.line) == (
        "k8s-schema",
        4,
    ) and "ingressroute_v1alpha1.json" in problem.hint


def test_schema_location_folder_in_kubeconform_layout(tmp_path: Path, exported: Path) -> None:
    # kubeconform's own (exported) schemas, without the shipped ones: same verdicts
    (tmp_path / "m.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ncolour: 1\n"
    )
    (problem,) = validate(
        [tmp_path / "m.yaml"], ValidateOptions(schema_locations=[str(exported)])
    ).problems
    assert problem.rule == "k8s-schema" and str(exported) in problem.hint


@pytest.mark.parametrize(
    ("location", "message"),
    [
        (
            "https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}.json",
            "offline",
        ),
        ("/nonexistent/folder", "no such folder or file"),
        ("/tmp/{{ .Nope }}.json", "unknown field .Nope"),
        ("/tmp/{{ .ResourceKind | upper }}.json", "only the fields"),
    ],
)
def test_schema_location_refused(tmp_path: Path, location: str, message: str) -> None:
    (tmp_path / "m.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    result = invoke("validate", str(tmp_path), "--schema-location", location)
    assert result.exit_code == 2 and message in result.output, result.output


def test_schema_with_a_remote_ref_is_refused(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "widget-example-v1.json").write_text(
        json.dumps({"$ref": "https://example.com/x.json"})
    )
    (tmp_path / "m.yaml").write_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: c}\n"
    )
    result = invoke("validate", str(tmp_path / "m.yaml"), "--schema-location", str(schemas))
    assert result.exit_code == 2 and "standalone" in result.output, result.output


def test_crd_exclusive_bounds_are_openapi_flags(tmp_path: Path) -> None:
    crd = INGRESSROUTE_CRD.replace(
        "priority: {type: integer}",
        "priority: {type: integer, minimum: 0, exclusiveMinimum: true, maximum: 9}",
    )
    (tmp_path / "crd.yaml").write_text(crd)
    route = VALID_ROUTE.replace(
        "    - kind: Rule\n", "    - kind: Rule\n      priority: PRIORITY\n"
    )
    for priority, rules in (("1", []), ("9", []), ("0", ["k8s-schema"]), ("10", ["k8s-schema"])):
        (tmp_path / "r.yaml").write_text(route.replace("PRIORITY", priority))
        assert [p.rule for p in validate([tmp_path]).problems] == rules, priority


def kubeconform_fixtures() -> Path | None:
    """kubeconform's own fixtures, where its Go module was downloaded to build it."""
    import os
    import shutil

    go = shutil.which("go") or (
        "/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None
    )
    cache = os.environ.get("GOMODCACHE")
    if not cache and go:
        cache = subprocess.run(
            [go, "env", "GOMODCACHE"], capture_output=True, text=True
        ).stdout.strip()
    folder = (
        Path(cache or Path.home() / "go" / "pkg" / "mod")
        / "github.com"
        / "yannh"
        / "kubeconform@v0.7.0"
        / "fixtures"
    )
    return folder if folder.is_dir() else None


@pytest.mark.parametrize("flags", [(), ("-ignore-missing-schemas",)])
def test_kubeconform_own_fixtures_same_verdicts_never_a_crash(
    tmp_path: Path, exported: Path, flags: tuple[str, ...]
) -> None:
    fixtures = kubeconform_fixtures()
    if fixtures is None:
        pytest.fail(
            "kubeconform's module source (its fixtures) is not in the Go module cache: "
            "run scripts/install-tools.sh",
            pytrace=False,
        )
    files = sorted(p for p in fixtures.iterdir() if p.suffix in (".yaml", ".json") and p.is_file())
    assert len(files) > 20
    location = f"{exported}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json"
    proc = subprocess.run(
        [
            str(kubeconform()),
            "-strict",
            *flags,
            "-output",
            "json",
            "-schema-location",
            location,
            *map(str, files),
        ],
        capture_output=True,
        text=True,
    )
    failed = {
        Path(r["filename"]).name
        for r in json.loads(proc.stdout)["resources"]
        if r["status"] in ("statusInvalid", "statusError")
    }
    options = ValidateOptions(schema_only=True, ignore_missing_schemas=bool(flags))
    disagree = []
    for path in files:
        ours = bool(validate([path], options).problems)  # raises nothing, on any of them
        if ours != (path.name in failed):
            disagree.append(path.name)
    # kubeconform passes input holding no resource; launchgen refuses it (no-resources)
    nothing = {"blank.yaml", "comment.yaml", "list_empty_valid.yaml"}
    # ... and, ignoring missing schemas, passes files whose every resource was skipped
    skipped_only = (
        {
            "crd_schema.yaml",
            "duplicates-skipped-kinds.yaml",
            "grafana-alert-rule-group-sample.yaml",
            "httpproxy.yaml",
            "test_crd.yaml",
        }
        if flags
        else set()
    )
    assert set(disagree) <= nothing | skipped_only, disagree


def test_crds_in_json_or_in_a_list_are_read_too(tmp_path: Path) -> None:
    import yaml

    crd = yaml.safe_load(INGRESSROUTE_CRD)
    (tmp_path / "crd.json").write_text(json.dumps(crd, indent=2))
    (tmp_path / "routes.yaml").write_text(INVALID_ROUTE)
    assert [p.rule for p in validate([tmp_path]).problems] == ["k8s-schema"]
    (tmp_path / "crd.json").unlink()
    (tmp_path / "crds.yaml").write_text(
        yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [crd]})
    )
    assert [p.rule for p in validate([tmp_path]).problems] == ["k8s-schema"]
    (tmp_path / "crds.yaml").unlink()
    assert [p.rule for p in validate([tmp_path]).problems] == ["k8s-unknown-kind"]
