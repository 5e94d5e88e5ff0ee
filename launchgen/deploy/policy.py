"""Policies checked before a deployment changes anything.

* Chart-version-only upgrades: deploying a changed chart with the app version that is
  already live is refused unless explicitly allowed; `launchgen diff` shows what such
  an upgrade changes in the manifests.
* Data schema window: an app version declares the data schema it needs
  (`dataSchema` in the app repo's values.yaml, rendered as an annotation); an upgrade
  may move at most one schema version from what is live (N-1, N, N+1), so each data
  migration is one step that both neighbouring app versions can live with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from launchgen.deploy.source import DeploymentSource
from launchgen.errors import EXIT_PROBLEMS, LaunchgenError


class PolicyRefusal(LaunchgenError):
    """A deployment the standard forbids: refused before anything changes (exit 1)."""

    exit_code = EXIT_PROBLEMS


def check(
    source: DeploymentSource,
    live: Mapping[str, Any] | None,
    *,
    allow_chart_only_upgrade: bool = False,
) -> None:
    if live is None:
        return
    if (
        not allow_chart_only_upgrade
        and str(live.get("appVersion")) == source.app_version
        and str(live.get("chartVersion")) != source.chart_version
    ):
        raise PolicyRefusal(
            f"[policy-chart-only-upgrade] chart {live.get('chartVersion')} -> {source.chart_version} with app version "
            f"{source.app_version} unchanged: upgrade the chart together with a new app version, or review "
            "`launchgen diff` and pass --allow-chart-only-upgrade"
        )
    new, old = source.data_schema, live.get("dataSchema")
    if new is not None and old is not None and abs(new - int(old)) > 1:
        raise PolicyRefusal(
            f"[policy-data-schema-window] app version {source.app_version} needs data schema {new}, but schema "
            f"{old} is live: an upgrade may move one schema version at a time (N-1, N, N+1); deploy an "
            f"intermediate version first"
        )
