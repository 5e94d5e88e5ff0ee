"""Reading revisions as CI checkouts present them: branches, tags, SHAs, detached HEADs,
merges and shallow clones."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen.gate.revisions import RevisionError, RevisionPair
from tests.helpers.gitrepo import commit, git
from tests.helpers.trees import edit


def test_base_as_branch_tag_and_sha(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    first = git(props, "rev-parse", "HEAD")
    git(props, "tag", "v1")
    git(props, "branch", "base-branch")
    commit(
        props,
        "change dev",
        {
            "envs/dev/values.yaml": edit(
                props, "envs/dev/values.yaml", "replicaCount: 1", "replicaCount: 3"
            )
        },
    )
    for base in ("v1", "base-branch", first, first[:10]):
        pair = RevisionPair(props, base)
        assert [c.path for c in pair.changes()] == ["envs/dev/values.yaml"]
        assert pair.read("base", "envs/dev/values.yaml") != pair.read(
            "head", "envs/dev/values.yaml"
        )
        pair.close()


def test_working_tree_is_not_touched(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    base = git(props, "rev-parse", "HEAD")
    commit(
        props,
        "c2",
        {
            "envs/dev/values.yaml": edit(
                props, "envs/dev/values.yaml", "replicaCount: 1", "replicaCount: 3"
            )
        },
    )
    (props / "envs" / "dev" / "values.yaml").write_text("uncommitted: true\n")
    pair = RevisionPair(props, base)
    assert b"replicaCount: 3" in (pair.read("head", "envs/dev/values.yaml") or b"")
    assert (props / "envs" / "dev" / "values.yaml").read_text() == "uncommitted: true\n"
    assert git(props, "status", "--porcelain") == "M envs/dev/values.yaml"


def test_detached_head_and_merge_commit(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    base = git(props, "rev-parse", "HEAD")
    git(props, "checkout", "-q", "-b", "feature")
    commit(
        props,
        "feature",
        {
            "envs/test/values.yaml": edit(
                props, "envs/test/values.yaml", "replicaCount: 1", "replicaCount: 2"
            )
        },
    )
    git(props, "checkout", "-q", "main")
    commit(props, "main moves", {"README.md": "# readme\n"})
    git(props, "merge", "-q", "--no-ff", "-m", "merge feature", "feature")
    merge = git(props, "rev-parse", "HEAD")
    git(props, "checkout", "-q", "--detach", merge)
    pair = RevisionPair(props, base, "HEAD")
    assert [c.path for c in pair.changes()] == ["README.md", "envs/test/values.yaml"]


def test_unknown_ref_is_a_one_line_error(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    with pytest.raises(RevisionError) as info:
        RevisionPair(props, "no-such-branch")
    assert "unknown revision 'no-such-branch'" in str(info.value)
    assert "\n" not in str(info.value)


def test_base_that_is_not_an_ancestor(app_repos: tuple[Path, Path]) -> None:
    _, props = app_repos
    git(props, "checkout", "-q", "-b", "other")
    commit(props, "other", {"README.md": "other\n"})
    git(props, "checkout", "-q", "main")
    commit(props, "main", {"README.md": "main\n"})
    with pytest.raises(
        RevisionError, match=r"is not an ancestor of 'HEAD'.*git merge-base other HEAD"
    ):
        RevisionPair(props, "other")


def test_not_a_git_repository(tmp_path: Path) -> None:
    with pytest.raises(RevisionError, match="not inside a git repository"):
        RevisionPair(tmp_path, "HEAD~1")


def test_shallow_clone_is_deepened_from_origin(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _, props = app_repos
    base = git(props, "rev-parse", "HEAD")
    for n in range(3):
        commit(
            props,
            f"c{n}",
            {
                "envs/dev/values.yaml": edit(
                    props,
                    "envs/dev/values.yaml",
                    f"replicaCount: {n + 1}",
                    f"replicaCount: {n + 2}",
                )
            },
        )
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{props}", str(clone))
    assert (clone / ".git" / "shallow").exists()
    git(clone, "fetch", "-q", "--depth", "1", "origin", base)  # CI fetches the base tip alone
    pair = RevisionPair(clone, base)
    assert [c.path for c in pair.changes()] == ["envs/dev/values.yaml"]


def test_shallow_clone_without_origin_says_to_fetch_history(
    app_repos: tuple[Path, Path], tmp_path: Path
) -> None:
    _, props = app_repos
    base = git(props, "rev-parse", "HEAD")
    commit(props, "c1", {"README.md": "x\n"})
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{props}", str(clone))
    git(clone, "remote", "remove", "origin")
    with pytest.raises(RevisionError) as info:
        RevisionPair(clone, base)
    assert "fetch-depth: 0" in str(info.value)
