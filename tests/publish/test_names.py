"""The names publish builds from input: OCI tags, referrers tags, remotes as shown."""

from __future__ import annotations

import pytest

from launchgen.errors import ConfigError
from launchgen.publish.gitbranch import shown_remote
from launchgen.publish.ociref import referrers_tag, repository, tag


def test_tags_follow_the_oci_grammar() -> None:
    assert tag("prod-1.4.2+build.7") == "prod-1.4.2_build.7"
    with pytest.raises(ConfigError):
        tag("prod-" + "1" * 130)
    with pytest.raises(ConfigError):
        tag(".hidden")
    assert referrers_tag("sha256:" + "ab" * 32) == "sha256-" + "ab" * 32
    with pytest.raises(ConfigError):
        referrers_tag("sha256:../../x")


def test_repositories_keep_host_port_and_path() -> None:
    repo = repository("oci://127.0.0.1:5000/team/deploy/checkout")
    assert (repo.host, repo.path) == ("127.0.0.1:5000", "team/deploy/checkout")
    assert repo.ref("prod") == "127.0.0.1:5000/team/deploy/checkout:prod"
    assert repo.ref("sha256:" + "0" * 64).endswith("@sha256:" + "0" * 64)
    with pytest.raises(ConfigError):
        repository("oci://user:pw@registry.example.com/x")


def test_credentials_in_a_remote_are_never_shown() -> None:
    assert (
        shown_remote("https://ci:s3cret@git.example.com/deploy.git")
        == "https://git.example.com/deploy.git"
    )
    assert (
        shown_remote("ssh://git@git.example.com/deploy.git") == "ssh://git.example.com/deploy.git"
    )
    assert (
        shown_remote("git@git.example.com:shop/deploy.git") == "git@git.example.com:shop/deploy.git"
    )
    assert (
        shown_remote("https://git.example.com/a\x1b[2J\n") == "https://git.example.com/a\\x1b[2J\\n"
    )


def test_version_and_help_import_neither_oras_nor_publish() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from launchgen.cli import main\n"
        "for args in (['--version'], ['--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('oras', 'requests')"
        " or m.startswith(('launchgen.publish', 'launchgen.gitops'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert "publish" in out.stdout  # --help listed the command without importing it
