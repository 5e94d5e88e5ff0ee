"""launchgen validate: strict Kubernetes schemas, the standard's checks, one line a case."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchgen.errors import ConfigError
from launchgen.validate import ValidateOptions, documents, validate
from tests.helpers.cli import invoke

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.2.3
          resources: {requests: {cpu: 100m, memory: 1}}
"""


def check(tmp_path: Path, text: str, *expected: tuple[str, int], **options: Any) -> None:
    """Validate `text`; expect exactly the problems (rule, line) given."""
    path = tmp_path / "m.yaml"
    path.write_text(textwrap.dedent(text))
    result = validate([path], ValidateOptions(**options))
    assert sorted((p.rule, p.line) for p in result.problems) == sorted(expected), result.problems


def test_valid_deployment(tmp_path: Path) -> None:
    check(tmp_path, DEPLOYMENT)


def test_unknown_field_is_an_error(tmp_path: Path) -> None:
    check(tmp_path, DEPLOYMENT + "          colour: blue\n", ("k8s-schema", 16))


def test_wrong_type(tmp_path: Path) -> None:
    check(tmp_path, DEPLOYMENT.replace("replicas: 2", 'replicas: "2"'), ("k8s-schema", 7))


def test_missing_required_field(tmp_path: Path) -> None:
    check(
        tmp_path,
        DEPLOYMENT.replace("  selector: {matchLabels: {app: web}}\n", ""),
        ("k8s-schema", 6),
    )


def test_duplicate_key(tmp_path: Path) -> None:
    check(
        tmp_path,
        DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  replicas: 3\n"),
        ("yaml-duplicate-key", 8),
    )


def test_duplicate_key_through_pyyaml(tmp_path: Path) -> None:
    check(
        tmp_path,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: &d\n  a: x\n  a: y\n",
        ("yaml-duplicate-key", 6),
    )


def test_not_yaml(tmp_path: Path) -> None:
    check(tmp_path, "apiVersion: v1\nkind: [ConfigMap\n", ("yaml-syntax", 3))


def test_not_an_object(tmp_path: Path) -> None:
    check(tmp_path, "- just\n- a list\n", ("k8s-object", 1))


def test_second_document_lines_are_file_lines(tmp_path: Path) -> None:
    check(
        tmp_path,
        DEPLOYMENT
        + "---\n# comment\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {bogus: 1}\n",
        ("k8s-schema", 21),
    )


def test_unknown_kind_without_crds(tmp_path: Path) -> None:
    check(
        tmp_path,
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
        ("k8s-unknown-kind", 2),
    )
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
    configmap = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    check(tmp_path, widget + configmap, ignore_missing_schemas=True)
    # only skipped resources: nothing was validated, which is not a success
    check(tmp_path, widget, ("no-resources", 1), ignore_missing_schemas=True)


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
                port: {x-kubernetes-int-or-string: true}
"""


def test_crd_schemas_from_a_folder(tmp_path: Path) -> None:
    crds = tmp_path / "crds"
    crds.mkdir()
    (crds / "widget.yaml").write_text(CRD)
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 2, port: http}\n"
    check(tmp_path, widget, crd_dirs=[crds])
    check(tmp_path, widget.replace("size: 2", "size: big"), ("k8s-schema", 4), crd_dirs=[crds])
    check(tmp_path, widget.replace("size: 2", "colour: red"), ("k8s-schema", 4), crd_dirs=[crds])
    check(
        tmp_path,
        widget,
        ("standard-cluster-scoped", 3),
        crd_dirs=[crds],
        immutable=True,
        postfix="-1234abcd",
    )


def test_placeholder_never_present(tmp_path: Path) -> None:
    check(
        tmp_path,
        DEPLOYMENT.replace("web:1.2.3", "web:0.0.0-launch.placeholder"),
        ("standard-placeholder", 14),
    )


def test_pinned_to_another_namespace(tmp_path: Path) -> None:
    pinned = DEPLOYMENT.replace("  name: web\n", "  name: web\n  namespace: kube-system\n")
    check(tmp_path, pinned, ("standard-namespace", 5), namespace="web-dev")
    check(tmp_path, pinned.replace("kube-system", "web-dev"), namespace="web-dev")


def test_cluster_scoped_in_immutable_deployment_needs_postfix(tmp_path: Path) -> None:
    role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n"
    check(tmp_path, role, ("standard-cluster-scoped", 3), immutable=True, postfix="-1234abcd")
    check(tmp_path, role.replace("reader", "reader-1234abcd"), immutable=True, postfix="-1234abcd")
    check(tmp_path, role)  # not immutable: fine


@pytest.mark.parametrize(
    ("image", "rule"),
    [
        ("nginx", "standard-image-tag"),
        ("nginx:latest", "standard-image-tag"),
        ("localhost:5000/nginx", "standard-image-tag"),
        ("nginx@sha256:" + "a" * 64, None),
        ("localhost:5000/nginx:1.27", None),
    ],
)
def test_image_tags(tmp_path: Path, image: str, rule: str | None) -> None:
    text = DEPLOYMENT.replace("registry.example.com/web:1.2.3", image)
    check(tmp_path, text, *([(rule, 14)] if rule else []))


def test_app_image_tag_is_the_app_version(tmp_path: Path) -> None:
    check(tmp_path, DEPLOYMENT, app_version="1.2.3")
    check(tmp_path, DEPLOYMENT, ("standard-app-version", 14), app_version="1.2.4")


def test_unsupported_kubernetes_version() -> None:
    with pytest.raises(ConfigError, match=r"no schemas for Kubernetes 1\.20"):
        validate([], ValidateOptions(kube_version="1.20"))


def test_fast_parser_agrees_with_pyyaml() -> None:
    samples = [
        DEPLOYMENT,
        CRD,
        'a: "123"\nb: 1.5\nc: null\nd: "yes"\ne: |\n  x\n  y\nf: [1, "2", three]\ng: {}\n',
        "a: yes\nb: ~\nc: 0x1F\nd: 2024-01-01\ne: On\n",
        "a: \"it's \\u00e9 \\t\"\nb: 'q ''x'''\n",
    ]
    for text in samples:
        expected = yaml.safe_load(text)
        if (
            isinstance(expected, dict)
            and "d" in expected
            and not isinstance(expected["d"], (str, int, float))
        ):
            expected["d"] = str(expected["d"])  # timestamps stay strings, as in JSON
        assert documents.parse(text) == expected, text


def test_cli_formats_and_exit_codes(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(DEPLOYMENT)
    bad.write_text(DEPLOYMENT.replace("replicas: 2", "replicas: two"))
    ok = invoke("validate", str(good))
    assert ok.exit_code == 0 and "1 resources in 1 files valid for Kubernetes 1.35" in ok.output
    failed = invoke("validate", str(good), str(bad), "-f", "json")
    assert failed.exit_code == 1
    (problem,) = json.loads(failed.output)["problems"]
    assert (problem["rule"], problem["path"], problem["line"]) == ("k8s-schema", str(bad), 7)
    sarif = json.loads(invoke("validate", str(bad), "-f", "sarif").output)
    assert sarif["runs"][0]["results"][0]["ruleId"] == "k8s-schema"
    missing = invoke("validate", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "no such file or folder" in missing.output
    old = invoke("validate", str(good), "--kube-version", "1.2")
    assert old.exit_code == 2 and "no schemas for Kubernetes 1.2" in old.output


@pytest.mark.helm
def test_rendered_output_is_valid_and_checked_against_its_render(tmp_path: Path) -> None:
    from launchgen.render import RenderRequest, render
    from launchgen.scaffold import new
    from tests.conftest import make_answers
    from tests.helpers.tools import tool

    new(make_answers(), tmp_path / "repos")
    render(
        RenderRequest(
            properties=str(tmp_path / "repos" / "checkout-properties"),
            app_version="2.0.1",
            output_dir=tmp_path / "out",
            helm=str(tool("helm3")),
            lint=False,
        )
    )
    result = validate([tmp_path / "out"])
    assert result.problems == [] and result.resources == 15
    record = json.loads((tmp_path / "out" / "dev" / "render.json").read_text())
    record["app_version"] = (
        "2.0.2"  # the tag in the manifests no longer matches the render's version
    )
    (tmp_path / "out" / "dev" / "render.json").write_text(json.dumps(record))
    assert [p.rule for p in validate([tmp_path / "out" / "dev"]).problems] == [
        "standard-app-version"
    ]


def test_compiled_validators_are_cached_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from launchgen import schemacompile
    from launchgen.validate.schemas import SchemaStore

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(schemacompile, "_memo", {})
    kind = SchemaStore().lookup("v1", "ConfigMap")
    assert kind is not None
    SchemaStore().check(kind)
    (cached,) = schemacompile.cache_dir().iterdir()
    cached.write_bytes(b"garbage")  # a damaged cache entry is recompiled, not trusted
    monkeypatch.setattr(schemacompile, "_memo", {})
    check = SchemaStore().check(kind)
    assert cached.read_bytes() != b"garbage"
    assert check({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
    assert not check(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "extra": 1}
    )


def test_a_schema_the_compiler_judges_differently_is_checked_by_jsonschema(
    tmp_path: Path,
) -> None:
    # fastjsonschema knows drafts 4 to 7 and ignores 2019-09's dependentRequired: the
    # shared compiler refuses such a schema, and jsonschema's verdict is used.
    schema = tmp_path / "widget.json"
    schema.write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "properties": {"spec": {"type": "object", "dependentRequired": {"a": ["b"]}}},
            }
        )
    )
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {%s}\n"
    check(tmp_path, widget % "a: 1, b: 2", schema_locations=[str(schema)], schema_only=True)
    check(
        tmp_path,
        widget % "a: 1",
        ("k8s-schema", 4),
        schema_locations=[str(schema)],
        schema_only=True,
    )


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("apps/v1/Deployment", "deployment-apps-v1.json"),
        ("v1/Service", "service-v1.json"),
        ("rbac.authorization.k8s.io/v1/ClusterRole", "clusterrole-rbac-v1.json"),
    ],
)
def test_kubeconform_layout_names(key: str, name: str) -> None:
    from launchgen.validate.export import kubeconform_name

    assert kubeconform_name(key) == name


def test_export_writes_standalone_schemas(tmp_path: Path) -> None:
    from launchgen.validate.export import export_kubeconform
    from launchgen.validate.schemas import SchemaStore

    count = export_kubeconform(SchemaStore(), tmp_path)
    deployment = json.loads((tmp_path / "deployment-apps-v1.json").read_text())
    assert count == len(list(tmp_path.iterdir())) > 80
    assert deployment["additionalProperties"] is False
    assert "io.k8s.api.core.v1.PodSpec" in deployment["definitions"]


def test_secret_with_literal_data_is_refused_with_a_hint(tmp_path: Path) -> None:
    from launchgen.validate import validate

    manifest = tmp_path / "secret.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n"
    )
    problems = validate([manifest]).problems
    assert [(p.rule, p.line) for p in problems] == [("standard-secret-literal", 5)]
    assert "ExternalSecret" in problems[0].hint


def test_every_standard_problem_carries_a_hint(tmp_path: Path) -> None:
    from launchgen.validate import validate

    manifest = tmp_path / "pod.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: elsewhere\n"
        "spec:\n  containers:\n    - name: c\n      image: busybox:latest\n"
    )
    problems = validate([manifest]).problems
    assert {p.rule for p in problems} >= {"standard-image-tag"}
    assert all(p.hint for p in problems)
