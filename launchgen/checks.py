"""The catalog of checks outside lint: every id `validate`, the deploy policy and the
naming checks can report, with its severity, summary, fix hint and documentation.

Lint's rules are catalogued in `launchgen.lint.rules`; these checks run inside other
commands, with no configuration, so each is one entry here. `launchgen rules` lists
them, `launchgen explain ID` shows one, and `scripts/gen_rule_docs.py` writes its page
to docs/rules/ beside the lint rules'. A check may report a lint rule's id (validate's
`yaml-syntax`, new's `naming-dns1123`): it is the same rule applied outside lint, and
its entry says how; its page is the lint rule's, followed by the entry's section.

Adding a check: one entry in CHECKS, its id in the code that reports it, and a case
that makes it fire (tests/validate/test_checks_catalog.py holds both to the catalog).
This module imports nothing of launchgen's, so any layer can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["validate", "deploy-policy", "naming"]

# Which commands report each kind, in the words `rules` and the pages use.
KINDS: dict[Kind, str] = {
    "validate": "`launchgen validate`, and `launchgen package`, which validates what it signs",
    "deploy-policy": "`launchgen deploy`, before anything changes",
    "naming": "`launchgen new`, before anything is written; render, package and deploy, for "
    "every name read from `.launchgen.yaml`, a record or a bundle before it reaches helm",
}
# What a user can do about a kind of check, as lint rules are configured.
CONTROL: dict[Kind, str] = {
    "validate": "Not configured in `.launchgen.yaml`: any problem fails the run (exit 1). "
    "`--schema-only` leaves out the standard's checks (`standard-*`), and "
    "`--ignore-missing-schemas` skips kinds without a schema.",
    "deploy-policy": "Not configured in `.launchgen.yaml`: a refusal exits 1 before anything "
    "changes. `--allow-chart-only-upgrade` allows a reviewed chart-only upgrade.",
    "naming": "Not configurable: the names are what helm and Kubernetes accept. The "
    "command stops with one line naming the check (exit 2).",
}


@dataclass(frozen=True)
class Check:
    id: str
    kind: Kind
    summary: str  # one line, no final period (as lint rules' summaries)
    hint: str  # how to fix it: the hint problems carry
    doc: str  # what it checks and why, in Markdown
    severity: Literal["error", "warning", "info"] = "error"


_VALIDATE: tuple[Check, ...] = (
    Check(
        "k8s-schema",
        "validate",
        "The resource breaks its Kubernetes JSON Schema (strict: unknown fields are errors)",
        "fix the field the message names; the problem's hint names the schema used",
        "Each resource is checked against its kind's schema: the shipped Kubernetes schemas, "
        "a CRD (from the input or `--crds`) or a `--schema-location`. Strict, as the API "
        "server's field validation: an unknown field is an error. The message names the "
        "field's path (`unknown key 'weight' in spec/routes/0/services/0`), the position is "
        "the offending key's.",
    ),
    Check(
        "k8s-unknown-kind",
        "validate",
        "No schema for this apiVersion/kind (put its CRD in the input, or pass --crds or "
        "--schema-location)",
        "a custom resource? put its CRD in the input, or pass its folder with --crds or a "
        "schema folder with --schema-location",
        "Neither the shipped Kubernetes schemas of the chosen version, nor a CRD in the "
        "input or `--crds`, nor a `--schema-location` has a schema for the resource's "
        "apiVersion and kind: it cannot be checked. `--ignore-missing-schemas` skips such "
        "resources instead (input whose every resource is skipped is `no-resources`).",
    ),
    Check(
        "k8s-crd-schema",
        "validate",
        "A CustomResourceDefinition version has no schema",
        "give every version schema.openAPIV3Schema (the API server requires it in "
        "apiextensions.k8s.io/v1)",
        "A CRD in the input defines a version without `schema.openAPIV3Schema`. The API "
        "server refuses it, and its custom resources could not be checked.",
    ),
    Check(
        "k8s-object",
        "validate",
        "A document is not a Kubernetes object",
        "every document needs apiVersion and kind (or remove it)",
        "A document that is not a mapping, or lacks `apiVersion` or `kind`, is not a "
        "Kubernetes object (an error, as in kubeconform). Empty documents are skipped.",
    ),
    Check(
        "no-resources",
        "validate",
        "Nothing was validated: no resources found in the paths given",
        "check the path: an empty folder, or a chart rendering nothing, is not a valid deployment",
        "An empty folder, a render without manifests, or files holding only comments or "
        "empty documents are not a success: nothing would be deployed. With "
        "`--ignore-missing-schemas`, input whose every resource was skipped is this "
        "problem too. (kubeconform exits 0 on empty input.)",
    ),
    Check(
        "file-unreadable",
        "validate",
        "The file cannot be read",
        "check the path and its permissions",
        "A manifest file (or one `render.json` lists) cannot be read: missing, not "
        "permitted, or too large to hold in memory (then split the file).",
    ),
    Check(
        "yaml-syntax",
        "validate",
        "The file is not valid YAML",
        "fix the YAML: valid syntax, UTF-8, each key once",
        "In `launchgen validate`: invalid YAML, not UTF-8, a list or mapping as a key, an "
        "integer of more than 4300 digits, nesting deeper than 200 levels, or an alias "
        "bomb. YAML 1.1 is read, as Kubernetes reads it (`yes` is a boolean); a stream of "
        "several documents is fine.",
    ),
    Check(
        "yaml-duplicate-key",
        "validate",
        "A mapping has the same key twice",
        "fix the YAML: valid syntax, UTF-8, each key once",
        "In `launchgen validate`: a manifest's mapping holds a key twice. Kubernetes "
        "tools disagree on which one wins, so it is refused.",
    ),
    Check(
        "standard-placeholder",
        "validate",
        "The appVersion placeholder reached a manifest",
        "render with launchgen render --app-version VERSION",
        "The app repo's Chart.yaml holds a placeholder appVersion; `launchgen render "
        "--app-version` replaces it. A manifest still holding it was rendered without "
        "one and would deploy an image that does not exist. Skipped with `--schema-only`.",
    ),
    Check(
        "standard-namespace",
        "validate",
        "A resource is pinned to another namespace than the deployment's",
        "remove metadata.namespace from the template; helm installs into the release namespace",
        "Every resource of a deployment lives in the deployment's namespace (from "
        "`render.json`, or `--namespace`). A template setting another namespace would "
        "escape it (and immutable deployments' isolation). Skipped with `--schema-only`.",
    ),
    Check(
        "standard-cluster-scoped",
        "validate",
        "A cluster-scoped resource of an immutable deployment lacks the postfix",
        "name the object with the release name (it carries the postfix), e.g. "
        "{{ .Release.Name }}-...",
        "An immutable deployment runs beside the previous ones; a cluster-scoped object "
        "(a ClusterRole, a webhook) named without the deployment's postfix would be "
        "shared, and the deployments would fight over it. Skipped with `--schema-only`.",
    ),
    Check(
        "standard-image-tag",
        "validate",
        "An image has no tag or uses latest",
        "pin the image to an exact tag (or digest) in the values",
        "A container's image without a tag (and without a digest), or tagged `latest`, "
        "is not reproducible: the same bundle could run different code. Skipped with "
        "`--schema-only`.",
    ),
    Check(
        "standard-secret-literal",
        "validate",
        "A Secret carries literal data or stringData",
        "reference the secret instead: an ExternalSecret (externalSecrets in values) or "
        "the chart's existingSecret option; never ship secret data in a bundle",
        "A `v1` Secret with `data` or `stringData` in the rendered manifests: the bundle, "
        "an archived artifact, would hold the secret in plain text. Use External Secrets "
        "(the Launch chart's `externalSecrets` values) or a vendor chart's "
        "`existingSecret` option. Skipped with `--schema-only`.",
    ),
    Check(
        "standard-app-version",
        "validate",
        "The app image tag is not the appVersion",
        "let the chart take the tag from .Chart.AppVersion; set no image tag in values",
        "In an app repo's render, the app container (the one named like the workload's "
        "`app.kubernetes.io/name` label; hooks excluded) must run the appVersion the "
        "render was made for, or the deployment record would name the wrong version. "
        "Skipped with `--schema-only`.",
    ),
)

_POLICY: tuple[Check, ...] = (
    Check(
        "policy-chart-only-upgrade",
        "deploy-policy",
        "A new chart version is deployed with the app version already live",
        "upgrade the chart together with a new app version, or review `launchgen diff` and "
        "pass --allow-chart-only-upgrade",
        "A chart-only upgrade changes the manifests of a running app version without a "
        "new app release to go with it. `launchgen deploy` refuses it (exit 1) before "
        "anything changes, unless `--allow-chart-only-upgrade`; `launchgen diff` shows "
        "what it changes.",
    ),
    Check(
        "policy-data-schema-window",
        "deploy-policy",
        "The app's data schema moves more than one version from the live one",
        "deploy an intermediate version first",
        "An app version declares the data schema it needs (`dataSchema` in the app "
        "repo's values.yaml). An upgrade may move at most one schema version from what "
        "is live (N-1, N, N+1), so each data migration is a step both neighbouring app "
        "versions can live with. Refused (exit 1) before anything changes.",
    ),
)

_NAMING: tuple[Check, ...] = (
    Check(
        "naming-dns1123",
        "naming",
        "A service, environment, release, namespace or chart name is not a DNS-1123 label",
        "use lowercase letters, digits and '-', starting and ending with a letter or digit",
        "`launchgen new` refuses such a name before writing anything, and "
        "a release, namespace or environment name read from `.launchgen.yaml`, a record "
        "or a bundle is refused before it reaches helm or kubectl (exit 2).",
    ),
    Check(
        "naming-release-length",
        "naming",
        "The service name leaves no room for the immutable postfix in the release name",
        "use a shorter service name",
        "`launchgen new` refuses a service name longer than the release "
        "name limit minus the immutable postfix (exit 2).",
    ),
    Check(
        "naming-namespace-length",
        "naming",
        "A deployment's namespace with the immutable postfix exceeds 63 characters",
        "choose a shorter service or environment name",
        "`launchgen new` refuses a service and environment whose "
        "namespace, `<service>-<env>` plus the postfix, would exceed 63 characters "
        "(exit 2).",
    ),
    Check(
        "naming-environments",
        "naming",
        "The environment list is empty or names an environment twice",
        "list each environment once, at least one",
        "`launchgen new` needs at least one environment, each named once: every "
        "environment gets its own values folder, deployment record and namespace, so a "
        "name listed twice would share them. Refused before anything is written "
        "(exit 2).",
    ),
)

CHECKS: dict[str, Check] = {check.id: check for check in (*_VALIDATE, *_POLICY, *_NAMING)}


def of_kind(kind: Kind) -> list[Check]:
    return [check for check in CHECKS.values() if check.kind == kind]


def hint(check_id: str) -> str:
    """The fix hint of a check (the catalog must hold it: a KeyError is a bug)."""
    return CHECKS[check_id].hint
