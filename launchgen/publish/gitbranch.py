"""Publish to a git deploy repo: branch `environments/<env>`, folder `<service>/`.

An engine (a Flux GitRepository, an Argo CD Application) follows the branch and
applies the folder. Each publish is one commit that replaces the service's folder
and says what was promoted; other services' folders on the branch are left alone.
Publishing what the branch already holds changes nothing. Promotion is that commit
(or a merge of it), rollback a revert of it or a publish of the earlier bundle.

git runs as a subprocess with `--` before every positional taken from input, no
prompts, and the `ext::`/`fd::` transports refused (a remote URL must not run
commands).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from launchgen.display import printable
from launchgen.errors import ConfigError, LaunchgenError, ToolError
from launchgen.publish.content import Content

BRANCH_PREFIX = "environments/"
FALLBACK_EMAIL = "launchgen@localhost"
PUSH_ATTEMPTS = 3
TIMEOUT = 300
_SCHEMES = re.compile(r"(https?|ssh|git|file)://[^\s]+\Z")
_SCP_LIKE = re.compile(r"[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+\Z")
_USERINFO = re.compile(r"\A([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@")
_SAFE_CONFIG = ["-c", "protocol.ext.allow=never", "-c", "protocol.fd.allow=never"]


@dataclass(frozen=True)
class GitPublished:
    remote: str
    branch: str
    commit: str
    changed: bool  # False: the branch already held exactly these files


def branch_for(environment: str) -> str:
    return BRANCH_PREFIX + environment


def check_remote(remote: str) -> str:
    """A deploy repo URL git may fetch from: a URL, user@host:path, or a local path."""
    if not remote or remote.startswith("-") or not remote.isprintable() or "::" in remote:
        raise ConfigError(f"invalid --git remote {shown_remote(remote)!r}: give a URL or a path")
    if _SCHEMES.match(remote) or _SCP_LIKE.match(remote):
        return remote
    if "://" in remote:
        raise ConfigError(
            f"invalid --git remote {shown_remote(remote)!r}: only https, http, ssh, git and file URLs"
        )
    path = Path(remote)
    if not path.is_dir():
        raise ConfigError(f"--git remote {shown_remote(remote)}: no such repository folder")
    return str(path.resolve())


def shown_remote(remote: str) -> str:
    """The remote as printed and recorded: a URL's `user:token@` left out (never logged)."""
    return printable(_USERINFO.sub(r"\1", remote), limit=500)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="true", LC_ALL="C")
    return env


def _git(
    args: list[str], cwd: Path, what: str, *, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            ["git", *_SAFE_CONFIG, *args],
            cwd=cwd,
            env=env or _env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise ToolError("git is not installed (publish --git needs it)") from None
    except subprocess.TimeoutExpired:
        raise ToolError(f"{what}: git did not finish within {TIMEOUT} s") from None
    if check and result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise ToolError(
            f"{what} failed: {printable(lines[-1] if lines else 'no message', limit=500)}"
        )
    return result


def _remote_head(remote: str, branch: str, scratch: Path) -> str | None:
    """The commit the remote's branch points at; None when there is no such branch."""
    out = _git(
        ["ls-remote", "--heads", "--", remote, f"refs/heads/{branch}"],
        scratch,
        f"reading {shown_remote(remote)}",
    ).stdout.split()
    return out[0] if out else None


def _message(content: Content, by: str) -> str:
    source = content.source
    lines = [
        f"Promote {source.service} {source.app_version} to {source.environment}",
        "",
        f"Chart {source.chart_name} {source.chart_version}, namespace {source.namespace}.",
        f"Bundle: {source.digest}",
    ]
    for name, repo in sorted(content.repos.items()):
        lines.append(
            f"{name.capitalize()} repo: {repo.get('uri', '')} {repo.get('commit', '')}".rstrip()
        )
    lines += ["", f"Published-by: {by}", "Published-with: launchgen publish"]
    return "\n".join(printable(line, limit=1000) for line in lines) + "\n"


def _identity(work: Path, by: str) -> dict[str, str]:
    """The commit's author and committer: who acts, with git's configured email."""
    email = _git(["config", "user.email"], work, "git config", check=False).stdout.strip()
    env = _env()
    env.update(
        GIT_AUTHOR_NAME=by,
        GIT_COMMITTER_NAME=by,
        GIT_AUTHOR_EMAIL=os.environ.get("GIT_AUTHOR_EMAIL") or email or FALLBACK_EMAIL,
        GIT_COMMITTER_EMAIL=os.environ.get("GIT_COMMITTER_EMAIL") or email or FALLBACK_EMAIL,
    )
    return env


def _write_folder(work: Path, folder: str, content: Content) -> None:
    _git(["rm", "-r", "-q", "--ignore-unmatch", "--", folder], work, "git rm")
    target = work / folder
    for name, data in sorted(content.files.items()):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    _git(["add", "--", folder], work, "git add")


def _attempt(content: Content, remote: str, by: str, scratch: Path) -> GitPublished | None:
    """One fetch-commit-push; None when the push lost a race (the branch moved meanwhile)."""
    branch = branch_for(content.source.environment)
    work = scratch / "work"
    _git(["init", "-q", "--", str(work)], scratch, "git init")
    head = _remote_head(remote, branch, work)
    if head is not None:
        _git(
            ["fetch", "-q", "--depth=1", "--", remote, f"refs/heads/{branch}"],
            work,
            f"fetching {branch} from {shown_remote(remote)}",
        )
        _git(["checkout", "-q", "-B", "publish", "FETCH_HEAD"], work, "git checkout")
    else:
        _git(["checkout", "-q", "--orphan", "publish"], work, "git checkout")
    _write_folder(work, content.source.service, content)
    if (
        head is not None
        and _git(["diff", "--cached", "--quiet"], work, "git diff", check=False).returncode == 0
    ):
        return GitPublished(shown_remote(remote), branch, head, changed=False)
    _commit(work, _message(content, by), _identity(work, by))
    commit = _git(["rev-parse", "HEAD"], work, "git rev-parse").stdout.strip()
    lease = f"--force-with-lease=refs/heads/{branch}:{head or ''}"
    pushed = _git(
        ["push", "-q", "--porcelain", lease, "--", remote, f"HEAD:refs/heads/{branch}"],
        work,
        f"pushing to {shown_remote(remote)}",
        check=False,
    )
    if pushed.returncode != 0:
        if (
            "stale info" in pushed.stdout + pushed.stderr
            or "rejected" in pushed.stdout + pushed.stderr
        ):
            return None
        lines = [line for line in pushed.stderr.splitlines() if line.strip()]
        raise ToolError(
            f"pushing to {shown_remote(remote)} failed: {printable(lines[-1] if lines else 'no message', limit=500)}"
        )
    return GitPublished(shown_remote(remote), branch, commit, changed=True)


def _commit(work: Path, message: str, env: dict[str, str]) -> None:
    try:
        result = subprocess.run(
            ["git", *_SAFE_CONFIG, "commit", "-q", "--no-verify", "--no-gpg-sign", "-F", "-"],
            cwd=work,
            env=env,
            input=message,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise ToolError(f"git commit did not finish within {TIMEOUT} s") from None
    if result.returncode != 0:
        raise ToolError(f"git commit failed: {printable(result.stderr.strip(), limit=500)}")


def publish(content: Content, remote: str, *, by: str) -> GitPublished:
    """Commit `content` to the environment's branch of `remote` and push it."""
    remote = check_remote(remote)
    for _ in range(PUSH_ATTEMPTS):
        with tempfile.TemporaryDirectory(prefix="launchgen-publish-") as scratch:
            done = _attempt(content, remote, by, Path(scratch))
        if done is not None:
            return done
    raise LaunchgenError(
        f"{branch_for(content.source.environment)} in {shown_remote(remote)} kept moving while "
        f"publishing ({PUSH_ATTEMPTS} attempts): publish again"
    )
