"""Fixtures for running generated pipelines: the runner's Python, keys, repos with remotes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from launchgen import records
from tests.helpers.cli import invoke
from tests.helpers.gitrepo import git
from tests.pipelines.harness import (
    GITHUB_HOST,
    GITLAB_HOST,
    GROUP,
    Repos,
    Runner,
    generate,
    installed_gitlab_ci_local,
    make_runner,
    url_rewrites,
)

TOKEN = "t0ken"  # every token the pipelines are given; the URL rewrites expect it
AT = "2026-01-01T00:00:00Z"


@pytest.fixture(scope="session")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    return make_runner(tmp_path_factory.mktemp("runner"))


@pytest.fixture(scope="session")
def gitlab_runner(runner: Runner) -> Runner:
    runner.gitlab_ci_local = installed_gitlab_ci_local()
    return runner


@dataclass
class Keys:
    private: str
    public: str
    public_file: Path


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    folder = tmp_path_factory.mktemp("keys")
    result = invoke("keygen", "-o", str(folder / "signing"))
    assert result.exit_code == 0, result.output
    return Keys(
        (folder / "signing.key").read_text(),
        (folder / "signing.pub").read_text(),
        folder / "signing.pub",
    )


def remote_rewrites(repos: Repos) -> dict[str, str]:
    """The pipelines' real https URLs (with their tokens), read from the bare remotes."""
    remotes = repos.app_remote.parent
    return url_rewrites(
        {
            f"https://oauth2:{TOKEN}@{GITLAB_HOST}/{GROUP}/": remotes,
            f"https://gitlab-ci-token:{TOKEN}@{GITLAB_HOST}/{GROUP}/": remotes,
            f"https://x-access-token:{TOKEN}@{GITHUB_HOST}/{GROUP}/": remotes,
        }
    )


def seed_live_version(repos: Repos, env: str, version: str) -> None:
    """`version` of the app tagged in the app remote and recorded as deployed to `env`."""
    tag = f"v{version}"
    if not git(repos.app, "tag", "-l", tag).strip():
        git(repos.app, "tag", tag)
        git(repos.app, "push", "-q", "origin", tag)
    git(repos.props, "pull", "-q", "--ff-only")
    records.append(
        repos.props,
        repos.name,
        env,
        "deployed",
        "seed",
        at=AT,
        appVersion=version,
        chartVersion="0.1.0",
        bundleDigest="sha256:" + "ab" * 32,
        release=repos.name,
        namespace=f"{repos.name}-{env}",
    )
    repos.commit(repos.props, f"seed: {version} live in {env}")
    git(repos.props, "push", "-q", "origin", "HEAD:main")


@pytest.fixture
def make_repos(tmp_path: Path, runner: Runner) -> Callable[..., Repos]:
    def make(ci: str, **answers: object) -> Repos:
        name = f"svc-{uuid.uuid4().hex[:6]}"
        return generate(tmp_path, name, ci, runner.requirement, **answers)

    return make
