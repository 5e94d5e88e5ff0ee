"""Publish to a git deploy repo: branch `environments/<env>`, folder `<service>/`.

An engine (a Flux GitRepository, an Argo CD Application) follows the branch and
applies the folder. Each publish is one commit that replaces the service's folder
and says what was promoted; other services' folders on the branch are left alone.
Publishing what the branch already holds changes nothing. Promotion is that commit
(or a merge of it); a rollback (`restore`) is one more commit that puts the folder back
exactly as the commit that published the earlier bundle left it.

git runs as a subprocess with `--` before every positional taken from input, no
prompts, and the `ext::`/`fd::` transports refused (a remote URL must not run
commands).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from launchgen.display import printable
from launchgen.errors import ConfigError, LaunchgenError, ToolError
from launchgen.publish.content import METADATA, METADATA_LIMIT, Content, NotAsRecorded, names_bundle

BRANCH_PREFIX = "environments/"
FALLBACK_EMAIL = "launchgen@localhost"
PUSH_ATTEMPTS = 3
TIMEOUT = 300
_SCHEMES = re.compile(r"(https?|ssh|git|file)://[^\s]+\Z")
_SCP_LIKE = re.compile(r"[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+\Z")
_USERINFO = re.compile(r"\A([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@")
_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?\Z")
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
            errors="replace",  # a blob read back is untrusted: never a decoding traceback
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


def _open_branch(work: Path, remote: str, branch: str, *, history: bool = False) -> str | None:
    """Check the remote's branch out in a new repo `work` (an orphan branch when the remote
    has none); the commit it points at. `history`: all of it, not only the tip."""
    _git(["init", "-q", "--", str(work)], work.parent, "git init")
    head = _remote_head(remote, branch, work)
    if head is None:
        _git(["checkout", "-q", "--orphan", "publish"], work, "git checkout")
        return None
    depth = [] if history else ["--depth=1"]
    _git(
        ["fetch", "-q", *depth, "--", remote, f"refs/heads/{branch}"],
        work,
        f"fetching {branch} from {shown_remote(remote)}",
    )
    _git(["checkout", "-q", "-B", "publish", "FETCH_HEAD"], work, "git checkout")
    return head


def _commit_and_push(
    work: Path, remote: str, branch: str, head: str | None, message: str, by: str
) -> GitPublished | None:
    """Commit what is staged and push it with a lease on `head`; None when the push lost a
    race (the branch moved meanwhile). Nothing staged: the branch already holds it."""
    if (
        head is not None
        and _git(["diff", "--cached", "--quiet"], work, "git diff", check=False).returncode == 0
    ):
        return GitPublished(shown_remote(remote), branch, head, changed=False)
    _commit(work, message, _identity(work, by))
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


def _attempt(content: Content, remote: str, by: str, scratch: Path) -> GitPublished | None:
    """One fetch-commit-push of `content`; None when the push lost a race."""
    branch = branch_for(content.source.environment)
    work = scratch / "work"
    head = _open_branch(work, remote, branch)
    _write_folder(work, content.source.service, content)
    return _commit_and_push(work, remote, branch, head, _message(content, by), by)


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


def _retrying(
    remote: str, branch: str, attempt: Callable[[Path], GitPublished | None]
) -> GitPublished:
    """`attempt` in a fresh scratch folder until its push wins (PUSH_ATTEMPTS at most)."""
    for _ in range(PUSH_ATTEMPTS):
        with tempfile.TemporaryDirectory(prefix="launchgen-publish-") as scratch:
            done = attempt(Path(scratch))
        if done is not None:
            return done
    raise LaunchgenError(
        f"{branch} in {shown_remote(remote)} kept moving while "
        f"publishing ({PUSH_ATTEMPTS} attempts): try again"
    )


def publish(content: Content, remote: str, *, by: str) -> GitPublished:
    """Commit `content` to the environment's branch of `remote` and push it."""
    remote = check_remote(remote)
    branch = branch_for(content.source.environment)
    return _retrying(remote, branch, lambda scratch: _attempt(content, remote, by, scratch))


def _blob(work: Path, revision_path: str, limit: int) -> str | None:
    """A small file of the repo (`REV:PATH`, `:PATH` for the index) as text; None when it
    is missing, larger than `limit`, or not a file."""
    kind = _git(["cat-file", "-t", revision_path], work, "git cat-file", check=False)
    if kind.returncode != 0 or kind.stdout.strip() != "blob":
        return None
    size = _git(["cat-file", "-s", revision_path], work, "git cat-file", check=False).stdout
    if not size.strip().isdigit() or int(size) > limit:
        return None
    return _git(["cat-file", "blob", revision_path], work, "git cat-file").stdout


def _published_in(
    work: Path, folder: str, matches: Callable[[str], bool], digest: str
) -> str | None:
    """The newest commit of the checked-out branch whose `folder/launchgen.json` is the one
    `matches` accepts: found by git's pickaxe on the digest, then read and checked."""
    metadata = f"{folder}/{METADATA}"
    candidates = _git(
        ["log", "--format=%H", f"-S{digest}", "publish", "--", metadata], work, "git log"
    ).stdout.split()
    for commit in candidates:
        if not _COMMIT.match(commit):
            continue
        text = _blob(work, f"{commit}:{metadata}", METADATA_LIMIT)
        if text is not None and matches(text):
            return commit
    return None


def restore(
    remote: str,
    environment: str,
    service: str,
    digest: str,
    message: Callable[[str], str],
    *,
    by: str,
) -> tuple[GitPublished, str]:
    """Put `service/` on the environment's branch back exactly as the commit that published
    bundle `digest` left it (the newest such commit in the branch's history), as one new
    commit (`message(that commit)`), pushed with a lease. (The push, that commit.)

    The commit is found by its launchgen.json, never by the record alone, and what is
    staged is read back and checked before the push: a branch that holds no publish of
    `digest` is refused (NotAsRecorded) and nothing is pushed."""
    from launchgen.publish.ociref import check_digest

    remote = check_remote(remote)
    digest = check_digest(digest)
    branch = branch_for(environment)
    where = f"{branch} of {shown_remote(remote)}"
    found: list[str] = []

    def matches(text: str) -> bool:
        return names_bundle(text, service=service, environment=environment, digest=digest)

    def attempt(scratch: Path) -> GitPublished | None:
        work = scratch / "work"
        head = _open_branch(work, remote, branch, history=True)
        if head is None:
            raise NotAsRecorded(f"{where} does not exist: nothing was published there")
        source = _published_in(work, service, matches, digest)
        if source is None:
            raise NotAsRecorded(
                f"no commit on {where} has a {service}/{METADATA} naming bundle {digest}: "
                "the records and the deploy repo disagree; nothing was changed"
            )
        _git(["rm", "-r", "-q", "--ignore-unmatch", "--", service], work, "git rm")
        _git(["checkout", "-q", source, "--", service], work, "git checkout")
        staged = _blob(work, f":{service}/{METADATA}", METADATA_LIMIT)
        if staged is None or not matches(staged):  # what the engine would apply, read back
            raise NotAsRecorded(
                f"{service}/ restored from {source[:12]} of {where} does not name bundle "
                f"{digest}: nothing was changed"
            )
        found[:] = [source]
        return _commit_and_push(work, remote, branch, head, message(source), by)

    done = _retrying(remote, branch, attempt)
    return done, found[0]
