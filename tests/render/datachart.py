"""The data chart's ServiceAccount, as the scaffold should generate it (issue 11).

The migration Job runs as ServiceAccount `<service>-data` (the chart's fullname),
which the generated data chart does not create: pre-install hooks run before any of
the release's own resources exist, so the Job's pods are refused until it does. This
template creates it as a hook just before the Job (weight -10 < -5). The fix belongs
in launchgen/scaffold/repos.py (_data_chart writes it as data/templates/serviceaccount.yaml);
until it lands there, `with_serviceaccount` adds it to a generated repo.
"""

from __future__ import annotations

from pathlib import Path

SERVICEACCOUNT_TEMPLATE = """\
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


def creates_serviceaccount(app: Path) -> bool:
    return any("kind: ServiceAccount" in p.read_text() for p in (app / "data" / "templates").glob("*.yaml"))


def with_serviceaccount(app: Path) -> None:
    """Add the fixed template to a generated data chart (no-op once the scaffold has it)."""
    if not creates_serviceaccount(app):
        (app / "data" / "templates" / "serviceaccount.yaml").write_text(SERVICEACCOUNT_TEMPLATE)
