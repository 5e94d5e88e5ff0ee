"""What each generated repo holds beyond its cookiecutter template.

The template gives the files every repo of a kind shares; this module adds what
depends on the answers in ways a template cannot express well: one values file per
environment, the vendored Launch chart with its Chart.lock, the values schema, the
chosen CI system's pipeline, and .launchgen.yaml.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from launchgen import __version__, charts, yamlio
from launchgen.resources import chart_dir
from launchgen.scaffold.answers import Answers
from launchgen.scaffold.cookie import render_template
from launchgen.standard import (
    APP_VERSION_PLACEHOLDER,
    BUILTIN_CHART_REPOSITORY,
    LAUNCH_CHART_NAME,
    REPO_CONFIG_FILE,
)

CI_FILES = {"github": ".github", "gitlab": ".gitlab-ci.yml"}


def _common_context(answers: Answers) -> dict[str, Any]:
    from launchgen.scaffold.hooks import local_hooks_yaml
    from launchgen.scaffold.pipinstall import pip_install_command

    return {
        "name": answers.name,
        "environments": ", ".join(answers.environments),
        "hooks_repo": answers.hooks_repo or "",
        "local_hooks": "" if answers.hooks_repo else local_hooks_yaml(),
        "launchgen_version": __version__,
        "launchgen_requirement": answers.launchgen_requirement,
        "pip_install": pip_install_command(answers.launchgen_requirement, answers.pip_index_url),
    }


def app_repo(answers: Answers, into: Path) -> Path:
    """Generate the app repo (the umbrella chart) under `into`."""
    context = _common_context(answers) | {
        "description": answers.summary,
        "chart_version": answers.chart_version,
        "app_version_placeholder": APP_VERSION_PLACEHOLDER,
        "launch_chart_name": LAUNCH_CHART_NAME,
        "launch_chart_version": answers.launch_chart_version,
        "chart_repository": answers.chart_repository or BUILTIN_CHART_REPOSITORY,
        "image_repository": answers.image_repository,
        "ci": answers.ci,
    }
    repo = render_template("app", context, into)
    dependency = {
        "name": LAUNCH_CHART_NAME,
        "version": answers.launch_chart_version,
        "repository": context["chart_repository"],
    }
    shipped = chart_dir(LAUNCH_CHART_NAME)
    chart_dirs = [repo, repo / "data"] if answers.data else [repo]
    if answers.data:
        _data_chart(repo / "data", answers, context)
    for folder in chart_dirs:
        (folder / "Chart.lock").write_text(charts.chart_lock_text([dependency]))
        if answers.keeps_vendored_chart:
            continue  # `launchgen update` of an older pin: its chart and schema stay as they are
        shutil.copyfile(shipped / "values.schema.json", folder / "values.schema.json")
        if answers.chart_repository is None:
            # No org repository: vendor the shipped chart so the repo renders offline.
            filename, data = charts.package_chart(
                shipped, LAUNCH_CHART_NAME, answers.launch_chart_version
            )
            (folder / "charts").mkdir()
            (folder / "charts" / filename).write_bytes(data)
    _keep_ci(repo, answers.ci)
    _write_repo_config(
        repo, answers, kind="app", extra={"properties_repo": f"../{answers.name}-properties"}
    )
    return repo


# The migration Job runs as the data chart's fullname; pre-install hooks run before any
# of the release's own resources exist, so its ServiceAccount is a hook too, just before
# the Job (weight -10 < -5).
DATA_SERVICEACCOUNT = """\
{{- /* The migration Job's ServiceAccount, as a hook just before the Job: pre-install
hooks run before any of the release's own resources exist. */ -}}
{{- $launch := fromYaml (include "launch-microservice.values" .) }}
{{- if $launch.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "launch-microservice.fullname" . }}
  labels:
    {{- include "launch-microservice.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation
    {{- with $launch.serviceAccount.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
automountServiceAccountToken: false
{{- end }}
"""


def _data_chart(folder: Path, answers: Answers, context: dict[str, Any]) -> None:
    """The data chart: the migration Job hook and its ServiceAccount, rendered by
    `launchgen render` as release `<name>-data` with the same app version (the same
    image) into the app's deployment, as hooks that run before the app."""
    (folder / "templates").mkdir(parents=True)
    (folder / "Chart.yaml").write_text(
        f"# Data migrations of {answers.name}, kept apart from the app's chart: launchgen render\n"
        f"# renders it (release {answers.name}-data, the same app version) into the app's\n"
        "# deployment as hooks that run before the app.\n"
        "apiVersion: v2\n"
        f"name: {answers.name}-data\n"
        f"description: Data migrations of {answers.name}\n"
        "type: application\n"
        f"version: {answers.chart_version}\n"
        f'appVersion: "{APP_VERSION_PLACEHOLDER}"\n'
        "dependencies:\n"
        f"  - name: {LAUNCH_CHART_NAME}\n"
        f"    version: {answers.launch_chart_version}\n"
        f"    repository: {context['chart_repository']}\n"
    )
    (folder / "values.yaml").write_text(
        "# The migration Job runs the app image (tagged with the app version) as a\n"
        "# pre-install/pre-upgrade hook. Declare the data schema the app version needs in\n"
        "# the app's values.yaml (dataSchema) so deploy can check the N-1, N, N+1 window.\n"
        "image:\n"
        f"  repository: {answers.image_repository}\n"
        "migration:\n"
        "  command: [/app/migrate]\n"
    )
    (folder / "templates" / "migrate.yaml").write_text(
        "{{- /* Only the migration Job of the Launch microservice chart. */ -}}\n"
        '{{- include "launch-microservice.data" . }}\n'
    )
    (folder / "templates" / "serviceaccount.yaml").write_text(DATA_SERVICEACCOUNT)


def properties_repo(answers: Answers, into: Path) -> Path:
    """Generate the properties repo (app) or the middleware repo under `into`."""
    kind = "properties" if answers.kind == "app" else "middleware"
    if answers.kind == "app":
        chart: dict[str, Any] = {"app_repo": f"../{answers.name}"}
        chart_summary = f"the `{answers.name}` app repo's umbrella chart"
    else:
        vendor = answers.vendor_chart
        assert vendor is not None  # Answers.validate guarantees it
        chart = {"name": vendor.name, "repository": vendor.repository, "version": vendor.version}
        if vendor.digest:
            chart["digest"] = vendor.digest
        chart_summary = (
            f"the vendor chart `{vendor.name}` {vendor.version} from {vendor.repository}"
        )
    context = _common_context(answers) | {
        "repo_name": f"{answers.name}-properties",
        "kind": kind,
        "description": f"Per-environment values of {answers.name}",
        "chart_summary": chart_summary,
    }
    repo = render_template("properties", context, into)
    for index, env in enumerate(answers.environments):
        target = repo / "envs" / env / "values.yaml"
        target.parent.mkdir(parents=True)
        target.write_text(_env_values(answers, env, is_last=index == len(answers.environments) - 1))
    if answers.secrets == "sops":
        (repo / ".sops.yaml").write_text(_sops_config(answers))
    _keep_ci(repo, answers.ci)
    extra: dict[str, Any] = {"chart": chart}
    if answers.secrets != "none":
        extra["secrets"] = answers.secrets
    _write_repo_config(repo, answers, kind=kind, extra=extra)
    return repo


def _sops_config(answers: Answers) -> str:
    return (
        '# sops encrypts envs/<env>/secrets.yaml (ENV_VAR: "value" lines) to this age recipient;\n'
        "# launchgen deploy decrypts them (SOPS_AGE_KEY_FILE) into the Secret <release>-secrets\n"
        "# the containers read. Create one with: sops envs/dev/secrets.yaml (docs/secrets.md)\n"
        "creation_rules:\n"
        "  - path_regex: envs/[^/]+/secrets\\.yaml$\n"
        f"    age: {answers.sops_age_recipient}\n"
    )


_PROGRESSIVE = (
    "# Progressive delivery (Argo Rollouts), promoted by `launchgen approve`:\n"
    "#   rollout:\n"
    "#     enabled: true\n"
    "#     strategy: canary   # or blueGreen\n"
)

_EXTERNAL_SECRETS = (
    "# Secrets come from the key vault through External Secrets, never from this file:\n"
    "#   externalSecrets:\n"
    "#     - name: db\n"
    "#       store: vault-backend\n"
    "#       shared: true   # owned by the platform; false: internal to this service\n"
    "#       data:\n"
    "#         - {envVar: DB_PASSWORD, key: shop/db, property: password}\n"
    "externalSecrets: []\n"
)


# An app's envs/<env>/values.yaml says where its image tag comes from; `new --gitops
# argocd:multi-source` replaces this line (launchgen.gitops.scaffold).
TAG_NOTE = "# The image tag is never set here: it is the app version, given at deploy time.\n"


def _env_values(answers: Answers, env: str, is_last: bool) -> str:
    header = f"# Values of {answers.name} in the {env} environment.\n"
    if answers.kind == "middleware":
        vendor = answers.vendor_chart
        assert vendor is not None
        return (
            header
            + f"# Any value of the {vendor.name} {vendor.version} chart may be set here.\n{{}}\n"
        )
    replicas = 2 if is_last else 1
    return (
        header
        + (
            TAG_NOTE + f"replicaCount: {replicas}\n"
            "resources:\n"
            "  requests:\n"
            "    cpu: 100m\n"
            "    memory: 128Mi\n"
            "  limits:\n"
            "    memory: 256Mi\n"
            "autoscaling:\n"
            "  enabled: false\n"
        )
        + (_PROGRESSIVE if is_last else "")
        + (_EXTERNAL_SECRETS if answers.secrets == "external" else "")
    )


def _keep_ci(repo: Path, ci: str) -> None:
    """Keep the chosen CI system's pipelines and remove the other's."""
    for system, relative in CI_FILES.items():
        path = repo / relative
        if system == ci or not path.exists():
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _write_repo_config(repo: Path, answers: Answers, kind: str, extra: dict[str, Any]) -> None:
    config: dict[str, Any] = {
        "kind": kind,
        "service": answers.name,
        "environments": list(answers.environments),
        **extra,
        "template": {"name": "launchgen", "version": __version__},
        "answers": answers.recorded(),
    }
    header = (
        "# What this repo is, for launchgen lint, render and update.\n"
        "# `template` and `answers` record how it was generated: keep them so a newer\n"
        "# launchgen can update the repo (`launchgen update`).\n"
    )
    (repo / REPO_CONFIG_FILE).write_text(header + yamlio.dumps(config))
