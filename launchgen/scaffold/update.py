"""`launchgen update`: re-apply the current templates to a generated repo, keeping local edits.

A three-way merge per file, as `copier update` does:
  base   = the repo as launchgen last wrote it: the files at the commit that introduced
           the template version recorded in .launchgen.yaml (`launchgen new`'s initial
           commit, or the commit of the last update);
  theirs = what this launchgen generates from the answers recorded in .launchgen.yaml;
  ours   = the working tree.
Text files are merged with `git merge-file`; conflicts are left as conflict markers and
reported. Files the template adds are added; files the user deleted stay deleted.
"""

from __future__ import annotations

import difflib
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchgen import repoconfig
from launchgen.errors import LaunchgenError
from launchgen.files import atomic_write
from launchgen.scaffold.answers import Answers, VendorChart
from launchgen.standard import REPO_CONFIG_FILE


@dataclass
class FileUpdate:
    path: str
    action: str  # "merged", "added", "conflict", "kept-deleted", "unchanged"
    old: bytes | None = None
    new: bytes | None = None
    mode: int | None = None  # an added file's mode: the template's (an executable stays one)


@dataclass
class UpdateResult:
    from_version: str
    to_version: str
    files: list[FileUpdate] = field(default_factory=list)

    @property
    def conflicts(self) -> list[FileUpdate]:
        return [f for f in self.files if f.action == "conflict"]

    @property
    def changed(self) -> list[FileUpdate]:
        return [f for f in self.files if f.action in ("merged", "added", "conflict")]


def _load_config(repo: Path) -> dict[str, Any]:
    config = repoconfig.load(repo, needs=("kind", "template", "answers"))
    if not isinstance(config["answers"], dict) or not isinstance(config["template"], dict):
        raise LaunchgenError(
            "'template' and 'answers' must be mappings", path=str(repo / REPO_CONFIG_FILE)
        )
    return config


# launchgen 0.1.0 recorded this hooks repository as the default, but it never had the
# tag the generated config pointed at: replaying it means the working local hooks.
LEGACY_DEFAULT_HOOKS_REPO = "https://github.com/launchgen/launchgen"


def answers_from_record(recorded: dict[str, Any]) -> Answers:
    values = dict(recorded)
    if values.get("hooks_repo") == LEGACY_DEFAULT_HOOKS_REPO:
        del values["hooks_repo"]
    values["environments"] = tuple(values.get("environments", ()))
    if isinstance(values.get("vendor_chart"), dict):
        values["vendor_chart"] = VendorChart(**values["vendor_chart"])
    try:
        return Answers(**values)
    except TypeError as exc:
        raise LaunchgenError(f"{REPO_CONFIG_FILE}: answers cannot be replayed ({exc})") from None


def _base_commit(git_repo: Any, version: str) -> Any:
    """The oldest commit of the newest run of commits recording `version` as template version."""
    base = None
    for commit in git_repo.iter_commits(paths=REPO_CONFIG_FILE):
        try:
            data = (commit.tree / REPO_CONFIG_FILE).data_stream.read()
            recorded = repoconfig.parse(data, REPO_CONFIG_FILE)
        except (KeyError, LaunchgenError):
            break
        template = recorded.get("template") if isinstance(recorded, dict) else None
        if not isinstance(template, dict) or str(template.get("version")) != version:
            break
        base = commit
    if base is None:
        raise LaunchgenError(
            f"cannot find the commit that recorded template version {version} in {REPO_CONFIG_FILE}"
        )
    return base


def _generate(answers: Answers, kind: str, into: Path) -> Path:
    from launchgen.scaffold.repos import app_repo, properties_repo

    return app_repo(answers, into) if kind == "app" else properties_repo(answers, into)


def _merge_text(ours: bytes, base: bytes, theirs: bytes, scratch: Path) -> tuple[bytes, bool]:
    files = []
    for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
        path = scratch / name
        path.write_bytes(data)
        files.append(str(path))
    result = subprocess.run(
        [
            "git",
            "merge-file",
            "-p",
            "-L",
            "local",
            "-L",
            "last generated",
            "-L",
            "new template",
            *files,
        ],
        capture_output=True,
    )
    if result.returncode < 0 or result.returncode > 127:
        raise LaunchgenError(
            f"git merge-file failed: {result.stderr.decode(errors='replace').strip()}"
        )
    return result.stdout, result.returncode > 0


def _is_binary(*blobs: bytes | None) -> bool:
    return any(b is not None and b"\0" in b for b in blobs)


def plan_update(repo: Path) -> UpdateResult:
    """Work out every file's update without writing anything."""
    import git

    from launchgen import __version__

    config = _load_config(repo)
    recorded_version = str(config["template"].get("version"))
    try:
        git_repo = git.Repo(repo)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise LaunchgenError(
            "launchgen update needs the repo's git history", path=str(repo)
        ) from None
    if git_repo.is_dirty(untracked_files=True):
        raise LaunchgenError(
            "the working tree has uncommitted changes: commit or stash them first", path=str(repo)
        )
    base_commit = _base_commit(git_repo, recorded_version)
    answers = answers_from_record(config["answers"])
    result = UpdateResult(recorded_version, __version__)
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        theirs_root = _generate(answers, str(config.get("kind")), scratch / "gen")
        merge_dir = scratch / "merge"
        merge_dir.mkdir()
        for path in sorted(p for p in theirs_root.rglob("*") if p.is_file()):
            relative = path.relative_to(theirs_root).as_posix()
            theirs = path.read_bytes()
            try:
                base: bytes | None = (base_commit.tree / relative).data_stream.read()
            except KeyError:
                base = None
            local = repo / relative
            ours = local.read_bytes() if local.is_file() else None
            change = _update_one(relative, ours, base, theirs, merge_dir)
            if change.action == "added":
                change.mode = _added_mode(path)
            result.files.append(change)
    git_repo.close()
    return result


def _update_one(
    relative: str, ours: bytes | None, base: bytes | None, theirs: bytes, scratch: Path
) -> FileUpdate:
    if ours is None:
        if base is None:
            return FileUpdate(relative, "added", None, theirs)
        return FileUpdate(relative, "kept-deleted")
    if ours == theirs:
        return FileUpdate(relative, "unchanged")
    if base is not None and theirs == base:
        return FileUpdate(relative, "unchanged")  # the template did not change it: keep local edits
    if base is not None and ours == base:
        return FileUpdate(relative, "merged", ours, theirs)
    if _is_binary(ours, base, theirs):
        return FileUpdate(relative, "conflict", ours, ours)  # cannot merge bytes: keep local
    merged, conflicted = _merge_text(ours, base or b"", theirs, scratch)
    return FileUpdate(relative, "conflict" if conflicted else "merged", ours, merged)


def _added_mode(generated: Path) -> int:
    """What a plain open() gives a new file (the umask's mode), executable when the template file is."""
    import os
    import stat

    umask = os.umask(0)
    os.umask(umask)
    executable = generated.stat().st_mode & stat.S_IXUSR
    return (0o777 if executable else 0o666) & ~umask


def apply_update(repo: Path, result: UpdateResult) -> None:
    """Write every change; a replaced file keeps its mode (files.atomic_write). Ctrl-C or
    SIGTERM waits until all are written, so an update is never applied half-way."""
    from launchgen.interrupts import signals_deferred

    with signals_deferred():
        for change in result.changed:
            if change.new is not None and change.new != change.old:
                atomic_write(repo / change.path, change.new, mode=change.mode)


def unified_diff(result: UpdateResult) -> str:
    chunks = []
    for change in result.changed:
        if change.new is None or _is_binary(change.old, change.new):
            chunks.append(f"Binary file {change.path} {change.action}\n")
            continue
        old = (change.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = change.new.decode("utf-8", "replace").splitlines(keepends=True)
        chunks.append(
            "".join(difflib.unified_diff(old, new, f"a/{change.path}", f"b/{change.path}"))
        )
    return "".join(chunks)
