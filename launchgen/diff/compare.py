"""Two sides compared environment by environment, never merged.

Deployments are paired by environment name. When each side is a single deployment
(a render folder, a bundle, a folder of manifests) the two are paired whatever they
are named, as the user chose them, but deployments for two different environments
(their render records say so) are a change of consequence in themselves. An
environment on one side only is a change of consequence.
"""

from __future__ import annotations

from dataclasses import dataclass

from launchgen.diff.manifests import Deployment
from launchgen.diff.semantic import DiffResult, diff_manifests


@dataclass(frozen=True)
class EnvironmentDiff:
    old_environment: str | None
    new_environment: str | None
    result: DiffResult | None  # None when the environment is on one side only
    present: tuple[bool, bool] = (True, True)  # (on the old side, on the new side)

    @property
    def status(self) -> str:
        """ "compared", "added" (new side only) or "removed" (old side only)."""
        if not self.present[0]:
            return "added"
        if not self.present[1]:
            return "removed"
        return "compared"

    @property
    def environment(self) -> str | None:
        if self.old_environment == self.new_environment or self.old_environment is None:
            return self.new_environment
        if self.new_environment is None:
            return self.old_environment
        return f"{self.old_environment} -> {self.new_environment}"

    @property
    def environment_changed(self) -> bool:
        """Both sides name their environment, and the names differ."""
        return (
            self.status == "compared"
            and None not in (self.old_environment, self.new_environment)
            and self.old_environment != self.new_environment
        )

    @property
    def other_changes(self) -> int:
        if self.result is None:
            return 1
        return self.result.other_changes + (1 if self.environment_changed else 0)

    @property
    def derived_changes(self) -> int:
        return self.result.derived_changes if self.result is not None else 0

    @property
    def only_app_version(self) -> bool:
        return self.result is not None and self.other_changes == 0


@dataclass(frozen=True)
class Comparison:
    environments: list[EnvironmentDiff]

    @property
    def only_app_version(self) -> bool:
        return bool(self.environments) and all(e.only_app_version for e in self.environments)

    @property
    def other_changes(self) -> int:
        return sum(e.other_changes for e in self.environments)

    @property
    def derived_changes(self) -> int:
        return sum(e.derived_changes for e in self.environments)


def compare(
    old: list[Deployment],
    new: list[Deployment],
    old_version: str | None = None,
    new_version: str | None = None,
) -> Comparison:
    """Each environment's deployments compared on their own."""
    if len(old) == 1 and len(new) == 1 and not (old[0].in_root and new[0].in_root):
        a, b = old[0], new[0]
        return Comparison(
            [
                EnvironmentDiff(
                    a.environment,
                    b.environment,
                    diff_manifests(a.docs, b.docs, old_version, new_version),
                )
            ]
        )
    old_by_env = {d.environment: d for d in old}
    new_by_env = {d.environment: d for d in new}
    envs: list[EnvironmentDiff] = []
    for env in sorted(set(old_by_env) | set(new_by_env), key=str):
        if env not in new_by_env:
            envs.append(EnvironmentDiff(env, None, None, (True, False)))
        elif env not in old_by_env:
            envs.append(EnvironmentDiff(None, env, None, (False, True)))
        else:
            result = diff_manifests(
                old_by_env[env].docs, new_by_env[env].docs, old_version, new_version
            )
            envs.append(EnvironmentDiff(env, env, result))
    return Comparison(envs)
