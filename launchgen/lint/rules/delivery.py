"""Delivery: progressive delivery keeps its approval step.

The Launch chart renders an Argo Rollouts `Rollout` when `rollout.enabled` is set in a
values file. The standard's workflow promotes only after an approval, so a canary
needs an indefinite pause step (`pause: {}`) and a blue/green rollout must not promote
itself (`autoPromotionEnabled: false`); `launchgen approve` promotes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from launchgen.lint.contract import Context, Hit, rule

VALUES_FILES = ("values.yaml", "envs/*/values.yaml")


def _rollout(ctx: Context) -> dict[str, Any] | None:
    data = ctx.file.data if ctx.file else None
    rollout = data.get("rollout") if isinstance(data, dict) else None
    if isinstance(rollout, dict) and rollout.get("enabled") is True:
        return rollout
    return None


def _at(ctx: Context, *path: str | int) -> tuple[int, int]:
    document = ctx.file.document if ctx.file else None
    return document.position(("rollout", *path)) if document else (1, 1)


@rule("delivery-rollout-approval", scope="file", kinds=("app", "properties"), files=VALUES_FILES)
def rollout_approval(ctx: Context) -> Iterator[Hit]:
    """A progressive rollout would promote itself without an approval.

    A canary whose steps have no indefinite `pause: {}` runs to 100% on its own; a
    blue/green rollout with `autoPromotionEnabled: true` switches traffic on its own.
    Either skips the approval the standard's workflow requires before finishing.
    """
    rollout = _rollout(ctx)
    if rollout is None:
        return
    strategy = rollout.get("strategy", "canary")
    if strategy == "blueGreen":
        blue_green = rollout.get("blueGreen")
        if isinstance(blue_green, dict) and blue_green.get("autoPromotionEnabled") is True:
            line, column = _at(ctx, "blueGreen", "autoPromotionEnabled")
            yield Hit(
                "blue/green rollout promotes itself (autoPromotionEnabled: true)",
                "set rollout.blueGreen.autoPromotionEnabled: false; `launchgen approve` promotes",
                line,
                column,
            )
        return
    canary = rollout.get("canary")
    steps = canary.get("steps") if isinstance(canary, dict) else None
    if steps is None:
        return  # the chart's default steps include the indefinite pause
    indefinite = any(
        isinstance(s, dict) and s.get("pause") in ({}, None) and "pause" in s for s in steps or []
    )
    if not indefinite:
        line, column = _at(ctx, "canary", "steps")
        yield Hit(
            "canary steps have no indefinite pause: the rollout finishes without an approval",
            "add a step `- pause: {}` before the last weight; `launchgen approve` promotes",
            line,
            column,
        )


@rule("delivery-rollout-strategy", scope="file", kinds=("app", "properties"), files=VALUES_FILES)
def rollout_strategy(ctx: Context) -> Iterator[Hit]:
    """The rollout strategy is neither canary nor blueGreen.

    The Launch chart knows these two; anything else fails at render time.
    """
    rollout = _rollout(ctx)
    if rollout is None:
        return
    strategy = rollout.get("strategy", "canary")
    if strategy not in ("canary", "blueGreen"):
        line, column = _at(ctx, "strategy")
        yield Hit(
            "rollout strategy is neither canary nor blueGreen",
            "use canary or blueGreen",
            line,
            column,
        )


RULES = (rollout_approval, rollout_strategy)
