"""Running the generated pipelines for real: gitlab-ci-local (a GitLab runner with the
shell executor) for .gitlab-ci.yml, and the `run:` steps of the GitHub workflows.

What a runner image would provide comes from the session: a venv the jobs' own
`python -m pip install 'launchgen @ file://<wheel>'` installs into (offline: PIP_NO_INDEX
and a wheelhouse), helm 4 and kubectl ($LAUNCHGEN_HELM, $LAUNCHGEN_KUBECTL), git.
Remotes are local bare repositories.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchgen.scaffold import new
from tests.conftest import make_answers
from tests.helpers.gitrepo import ISOLATED, git
from tests.helpers.tools import ROOT, tool
from tests.helpers.wheelhouse import wheelhouse

GITLAB_HOST, GITHUB_HOST, GROUP = "gitlab.test", "github.test", "acme"
# A kubeconfig for a cluster nobody listens at: the deploy jobs' twins without a cluster.
UNREACHABLE = """apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
"""


@dataclass
class Runner:
    """What the jobs find on the machine: a Python with launchgen installed by the
    generated command, helm, kubectl; and the requirement the repos are generated with."""

    requirement: str
    env: dict[str, str]
    gitlab_ci_local: Path | None = None


def _wheelhouse(tmp: Path) -> tuple[Path, Path]:
    """(dependencies, launchgen wheel): the dependencies' wheels come from the wheelhouse
    built before the run; this checkout's wheel is built once per session (offline)."""
    house = wheelhouse()
    own = tmp / "launchgen-wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(own),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = own.glob("launchgen-*.whl")
    return house, wheel


def url_rewrites(mapping: Mapping[str, Path]) -> dict[str, str]:
    """Environment making git read and push `https://...` prefixes from local bare repos
    (url.<base>.insteadOf), so the pipelines keep their real remote URLs."""
    env = {"GIT_CONFIG_COUNT": str(len(mapping))}
    for index, (prefix, folder) in enumerate(mapping.items()):
        env[f"GIT_CONFIG_KEY_{index}"] = f"url.{folder.as_uri()}/.insteadOf"
        env[f"GIT_CONFIG_VALUE_{index}"] = prefix
    return env


def make_runner(tmp: Path) -> Runner:
    house, wheel = _wheelhouse(tmp)
    venv = tmp / "runner-python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    helm_home = tmp / "helm-home"
    tools = tmp / "runner-tools"  # what setup-helm / the runner image put on PATH
    tools.mkdir()
    (tools / "helm").symlink_to(tool("helm4"))
    (tools / "kubectl").symlink_to(tool("kubectl"))
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{tools}{os.pathsep}{os.environ['PATH']}",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": f"{house} {wheel.parent}",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "LAUNCHGEN_HELM": str(tool("helm4")),
        "LAUNCHGEN_KUBECTL": str(tool("kubectl")),
        "HELM_CONFIG_HOME": str(helm_home / "config"),
        "HELM_CACHE_HOME": str(helm_home / "cache"),
        "HELM_DATA_HOME": str(helm_home / "data"),
        **ISOLATED,
    }
    for var in (
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "LAUNCHGEN_CONFIG",
        "GITHUB_ACTIONS",
        "GITLAB_CI",
        "CI",
    ):
        env.pop(var, None)
    requirement = f"launchgen @ {wheel.as_uri()}"
    # The install the jobs run finds it done (concurrent jobs would race on one venv).
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", requirement],
        env=env,
        check=True,
        capture_output=True,
    )
    return Runner(requirement, env)


def installed_gitlab_ci_local() -> Path:
    """gitlab-ci-local as scripts/install-node-tools.sh installed it (tests install nothing)."""
    if os.environ.get("GITLAB_CI_LOCAL"):
        return Path(os.environ["GITLAB_CI_LOCAL"])
    if shutil.which("rsync") is None:
        pytest.fail("gitlab-ci-local needs rsync (apt-get install rsync)", pytrace=False)
    found = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install-node-tools.sh"), "--installed"],
        capture_output=True,
        text=True,
    )
    match = re.search(r"GITLAB_CI_LOCAL=(\S+)", found.stdout)
    if found.returncode or not match:
        pytest.fail(f"{found.stderr.strip()}: run scripts/install-node-tools.sh", pytrace=False)
    return Path(match.group(1))


@dataclass
class Repos:
    """A generated app + properties pair, each with a bare remote and a working clone."""

    name: str
    root: Path
    app: Path
    props: Path
    app_remote: Path
    props_remote: Path

    def commit(self, repo: Path, message: str) -> None:
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", message)


def generate(root: Path, name: str, ci: str, requirement: str, **answers: Any) -> Repos:
    new(make_answers(name, ci=ci, launchgen_requirement=requirement, **answers), root / "generated")
    remotes, work = root / "remotes", root / "work"
    paths = []
    for repo in (name, f"{name}-properties"):
        bare = remotes / f"{repo}.git"
        git(root, "clone", "-q", "--bare", str(root / "generated" / repo), str(bare))
        git(root, "clone", "-q", str(bare), str(work / repo))
        # What gitlab-ci-local takes the project's URL from (CI_SERVER_HOST, CI_PROJECT_PATH).
        git(work / repo, "remote", "add", "gcl-origin", f"https://{GITLAB_HOST}/{GROUP}/{repo}.git")
        paths += [work / repo, bare]
    return Repos(name, root, paths[0], paths[2], paths[1], paths[3])


@dataclass
class GitlabRun:
    returncode: int
    output: str
    builds: Path

    def job_dir(self, job: str) -> Path:
        return (
            self.builds / re.sub(r"[^\w-]+", "-", job).strip("-")
            if not (self.builds / job).exists()
            else self.builds / job
        )


def gitlab_variables_home(
    home: Path, variables: Mapping[str, str], files: Mapping[str, str]
) -> Path:
    """A gitlab-ci-local home: CI/CD variables, `files` as File-type variables."""
    data: dict[str, Any] = {"global": dict(variables)}
    for key, content in files.items():
        data["global"][key] = {"type": "file", "values": {"*": content}}
    (home / ".gitlab-ci-local").mkdir(parents=True, exist_ok=True)
    (home / ".gitlab-ci-local" / "variables.yml").write_text(yaml.safe_dump(data))
    return home


def run_gitlab(
    runner: Runner,
    repo: Path,
    *args: str,
    home: Path,
    variables: Mapping[str, str] = {},
    env: Mapping[str, str] = {},
    timeout: int = 600,
) -> GitlabRun:
    assert runner.gitlab_ci_local
    command = [
        str(runner.gitlab_ci_local),
        "--force-shell-executor",
        "--shell-isolation",
        "--no-artifacts-to-source",
        "--color=false",
        "--home",
        str(home),
        "--concurrency",
        "2",
    ]
    for key, value in variables.items():
        command += ["--variable", f"{key}={value}"]
    result = subprocess.run(
        [*command, *args],
        cwd=repo,
        env={**runner.env, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return GitlabRun(
        result.returncode, result.stdout + result.stderr, repo / ".gitlab-ci-local" / "builds"
    )


# --- GitHub workflows: each `run:` step, with its expressions substituted ---------------

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class Context:
    """The values the few contexts the generated workflows use take in a test."""

    inputs: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    vars: dict[str, str] = field(default_factory=dict)
    github: dict[str, str] = field(default_factory=dict)
    matrix: dict[str, str] = field(default_factory=dict)

    def lookup(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        table: dict[str, str] = getattr(self, head)
        if rest not in table:
            raise KeyError(f"the test gives no value for ${{{{ {dotted} }}}}")
        return table[rest]

    def evaluate(self, expression: str) -> str:
        # The few expression forms the generated workflows use: a.b.c, a || b || c,
        # secrets[format('KUBECONFIG_{0}', x.y)], secrets[fromJSON('{...}')[x.y]].
        fmt = re.fullmatch(r"(\w+)\[format\('([^']*)',\s*([\w.]+)\)\]", expression)
        if fmt:
            key = fmt.group(2).replace("{0}", self.lookup(fmt.group(3)))
            return self.lookup(f"{fmt.group(1)}.{key}")
        mapped = re.fullmatch(r"(\w+)\[fromJSON\('([^']*)'\)\[([\w.]+)\]\]", expression)
        if mapped:
            key = json.loads(mapped.group(2))[self.lookup(mapped.group(3))]
            return self.lookup(f"{mapped.group(1)}.{key}")
        for alternative in (part.strip() for part in expression.split("||")):
            try:
                value = self.lookup(alternative)
            except KeyError:
                if "||" not in expression:
                    raise
                continue
            if value:
                return value
        return ""

    def condition(self, expression: str) -> bool:
        """`if:` of the forms the workflows use: always(), a == 'b', joined with &&."""
        results = []
        for part in (p.strip() for p in expression.split("&&")):
            comparison = re.fullmatch(r"([\w.]+) == '([^']*)'", part)
            if part == "always()":
                results.append(True)
            elif comparison:
                results.append(self.lookup(comparison.group(1)) == comparison.group(2))
            else:
                raise AssertionError(f"the harness cannot evaluate `if: {expression}`")
        return all(results)

    def substitute(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.evaluate(m.group(1)), text)


@dataclass
class Step:
    name: str
    script: str
    env: dict[str, str]
    working_directory: str | None
    condition: str | None


def run_steps(workflow: Path, job: str, context: Context) -> list[Step]:
    """The `run:` steps of `job`, expressions substituted, `uses:` steps left out."""
    data = yaml.safe_load(workflow.read_text())
    spec = data["jobs"][job]
    env = {k: context.substitute(str(v)) for k, v in (data.get("env") or {}).items()}
    context.env.update(env)
    default_dir = ((spec.get("defaults") or {}).get("run") or {}).get("working-directory")
    steps = []
    for step in spec["steps"]:
        if "run" not in step:
            continue
        condition = step.get("if")
        if condition and not context.condition(condition):
            continue
        step_env = {k: context.substitute(str(v)) for k, v in (step.get("env") or {}).items()}
        steps.append(
            Step(
                step.get("name", step["run"].splitlines()[0]),
                context.substitute(step["run"]),
                {**env, **step_env},
                step.get("working-directory", default_dir),
                condition,
            )
        )
    return steps


def execute(
    steps: list[Step], workspace: Path, runner: Runner, extra_env: Mapping[str, str]
) -> list[subprocess.CompletedProcess[str]]:
    """Run the steps in order as GitHub's runner does (bash -e {0} in the workspace);
    stop at the first failure, except for steps marked `if: always()`."""
    results = []
    failed = False
    temp = workspace.parent / f"{workspace.name}-runner-temp"
    temp.mkdir(exist_ok=True)
    for step in steps:
        if failed and "always()" not in (step.condition or ""):
            continue
        env = {
            **runner.env,
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(temp),
            "GITHUB_ACTIONS": "true",
            **extra_env,
            **step.env,
        }
        cwd = workspace / step.working_directory if step.working_directory else workspace
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.script],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        results.append(result)
        failed = failed or result.returncode != 0
    return results
