"""`launchgen new` through the CLI: what users type, what they get, what is refused."""

from __future__ import annotations

import os
from pathlib import Path

import git
import pytest
from click.testing import Result

from launchgen import yamlio
from launchgen.config import BUILTIN_LAUNCH_CHART_VERSION
from launchgen.errors import EXIT_ERROR
from launchgen.standard import APP_VERSION_PLACEHOLDER
from tests.helpers import cli


def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    return cli.invoke(
        *args,
        env={"LAUNCHGEN_CONFIG": "", "XDG_CONFIG_HOME": "/nonexistent", **(env or {})},
        input=input,
    )


def test_new_creates_app_and_properties_repos_with_one_commit_each(tmp_path: Path) -> None:
    result = invoke("new", "checkout", "--output-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    app, props = tmp_path / "checkout", tmp_path / "checkout-properties"
    chart = yamlio.load(app / "Chart.yaml")
    assert chart["apiVersion"] == "v2"
    assert chart["name"] == "checkout"
    assert chart["appVersion"] == APP_VERSION_PLACEHOLDER
    [dep] = chart["dependencies"]
    assert (dep["name"], dep["version"]) == ("launch-microservice", BUILTIN_LAUNCH_CHART_VERSION)
    assert dep["repository"].startswith("https://")
    assert sorted(p.name for p in (props / "envs").iterdir()) == ["dev", "prod", "test"]
    for repo in (app, props):
        commits = list(git.Repo(repo).iter_commits())
        assert len(commits) == 1
        assert not git.Repo(repo).is_dirty(untracked_files=True)
    assert f"created {app}" in result.output


def test_placeholder_is_quoted_in_chart_yaml(tmp_path: Path) -> None:
    invoke("new", "checkout", "-o", str(tmp_path))
    text = (tmp_path / "checkout" / "Chart.yaml").read_text()
    assert f'appVersion: "{APP_VERSION_PLACEHOLDER}"' in text


def test_envs_option_chooses_environments(tmp_path: Path) -> None:
    result = invoke("new", "pay", "-o", str(tmp_path), "--envs", "qa, stage,live")
    assert result.exit_code == 0, result.output
    props = tmp_path / "pay-properties"
    assert sorted(p.name for p in (props / "envs").iterdir()) == ["live", "qa", "stage"]
    config = yamlio.load(props / ".launchgen.yaml")
    assert list(config["environments"]) == ["qa", "stage", "live"]
    readme = (props / "README.md").read_text()
    assert "| stage | [`envs/stage/values.yaml`]" in readme


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Checkout", "naming-dns1123"),
        ("check_out", "naming-dns1123"),
        ("checkout-", "naming-dns1123"),
        ("a" * 45, "naming-release-length"),
    ],
)
def test_invalid_names_are_refused_before_anything_is_written(
    tmp_path: Path, name: str, rule: str
) -> None:
    result = invoke("new", name, "-o", str(tmp_path))
    assert result.exit_code == EXIT_ERROR
    assert rule in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_longest_service_name_that_fits_is_accepted(tmp_path: Path) -> None:
    result = invoke("new", "a" * 44, "-o", str(tmp_path), "--envs", "dev", "--no-git")
    assert result.exit_code == 0, result.output


def test_namespace_length_counts_environment_and_postfix(tmp_path: Path) -> None:
    result = invoke("new", "a" * 44, "-o", str(tmp_path), "--envs", "production-eu")
    assert result.exit_code == EXIT_ERROR
    assert "naming-namespace-length" in result.output
    assert list(tmp_path.iterdir()) == []


def test_refuses_non_empty_folder_and_keeps_its_content(tmp_path: Path) -> None:
    (tmp_path / "checkout").mkdir()
    (tmp_path / "checkout" / "Chart.yaml").write_text("mine\n")
    result = invoke("new", "checkout", "-o", str(tmp_path))
    assert result.exit_code == EXIT_ERROR
    assert "non-empty folder" in result.output and "checkout" in result.output
    assert (tmp_path / "checkout" / "Chart.yaml").read_text() == "mine\n"
    assert not (tmp_path / "checkout-properties").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["checkout"]


def test_force_adds_missing_files_and_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "checkout").mkdir()
    (tmp_path / "checkout" / "Chart.yaml").write_text("mine\n")
    (tmp_path / "checkout" / "notes.txt").write_text("keep me\n")
    result = invoke("new", "checkout", "-o", str(tmp_path), "--force")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "checkout" / "Chart.yaml").read_text() == "mine\n"
    assert (tmp_path / "checkout" / "notes.txt").read_text() == "keep me\n"
    assert (tmp_path / "checkout" / "values.yaml").is_file()
    assert "kept existing Chart.yaml" in result.output


def test_empty_existing_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "checkout").mkdir()
    result = invoke("new", "checkout", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "checkout" / ".git").is_dir()


def test_no_git(tmp_path: Path) -> None:
    result = invoke("new", "checkout", "-o", str(tmp_path), "--no-git")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "checkout" / ".git").exists()
    assert "(no commit)" in result.output


def test_failure_half_way_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from launchgen.scaffold import repos

    def broken(*args: object, **kwargs: object) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr("launchgen.scaffold.properties_repo", broken)
    result = invoke("new", "checkout", "-o", str(tmp_path))
    assert result.exit_code == EXIT_ERROR
    assert "internal error" in result.output
    assert list(tmp_path.iterdir()) == []
    assert repos  # the module under test is the one patched


def test_gitlab_ci_replaces_github_workflow(tmp_path: Path) -> None:
    result = invoke("new", "checkout", "-o", str(tmp_path), "--ci", "gitlab", "--no-git")
    assert result.exit_code == 0, result.output
    for repo in ("checkout", "checkout-properties"):
        assert (tmp_path / repo / ".gitlab-ci.yml").is_file()
        assert not (tmp_path / repo / ".github").exists()


def test_github_is_the_default_ci(tmp_path: Path) -> None:
    invoke("new", "checkout", "-o", str(tmp_path), "--no-git")
    for repo in ("checkout", "checkout-properties"):
        assert (tmp_path / repo / ".github" / "workflows" / "launchgen.yaml").is_file()
        assert not (tmp_path / repo / ".gitlab-ci.yml").exists()


def test_interactive_prompts_for_answers(tmp_path: Path) -> None:
    # No chart repository: the version vendored is the shipped one (another is refused).
    answers = f"dev,prod\nregistry.acme.test/team\ngitlab\n\n{BUILTIN_LAUNCH_CHART_VERSION}\n"
    result = invoke(
        "new", "checkout", "-o", str(tmp_path), "--interactive", "--no-git", input=answers
    )
    assert result.exit_code == 0, result.output
    props = tmp_path / "checkout-properties"
    assert sorted(p.name for p in (props / "envs").iterdir()) == ["dev", "prod"]
    values = (tmp_path / "checkout" / "values.yaml").read_text()
    assert "repository: registry.acme.test/team/checkout" in values
    assert (props / ".gitlab-ci.yml").is_file()


def test_middleware_repo(tmp_path: Path) -> None:
    result = invoke(
        "new",
        "orders-db",
        "-o",
        str(tmp_path),
        "--middleware",
        "--chart",
        "oci://registry-1.docker.io/bitnamicharts/postgresql",
        "--chart-version",
        "16.4.1",
    )
    assert result.exit_code == 0, result.output
    repo = tmp_path / "orders-db-properties"
    assert not (tmp_path / "orders-db").exists()
    config = yamlio.load(repo / ".launchgen.yaml")
    assert config["kind"] == "middleware"
    assert dict(config["chart"]) == {
        "name": "postgresql",
        "repository": "oci://registry-1.docker.io/bitnamicharts",
        "version": "16.4.1",
    }
    assert sorted(p.name for p in (repo / "envs").iterdir()) == ["dev", "prod", "test"]
    assert (repo / ".github" / "workflows" / "launchgen.yaml").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--middleware"], "--chart"),
        (["--middleware", "--chart", "oci://r/c/redis", "--chart-version", "^1.0"], "exact SemVer"),
        (["--middleware", "--chart", "redis", "--chart-version", "1.0.0"], "chart reference"),
        (["--chart", "oci://r/c/redis"], "add --middleware"),
        (
            [
                "--middleware",
                "--chart",
                "oci://r/c/redis",
                "--chart-version",
                "1.0.0",
                "--chart-digest",
                "abc",
            ],
            "sha256",
        ),
    ],
)
def test_middleware_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = invoke("new", "cache", "-o", str(tmp_path), *args)
    assert result.exit_code == EXIT_ERROR
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_chart_repository_flag_is_used_and_not_vendored(tmp_path: Path) -> None:
    result = invoke(
        "new",
        "checkout",
        "-o",
        str(tmp_path),
        "--chart-repository",
        "oci://charts.acme.test/launch",
        "--no-git",
    )
    assert result.exit_code == 0, result.output
    app = tmp_path / "checkout"
    assert "repository: oci://charts.acme.test/launch" in (app / "Chart.yaml").read_text()
    assert not (app / "charts").exists()
    assert "repository: oci://charts.acme.test/launch" in (app / "Chart.lock").read_text()


def test_version_and_help() -> None:
    from launchgen import __version__

    assert invoke("--version").output.strip() == f"launchgen, version {__version__}"
    result = invoke("--help")
    assert "new" in result.output and "Exit codes" in result.output


def test_shell_completion_lists_commands() -> None:
    result = cli.invoke(
        env={
            "_LAUNCHGEN_COMPLETE": "bash_complete",
            "COMP_WORDS": "launchgen ne",
            "COMP_CWORD": "1",
        },
        prog_name="launchgen",
    )
    assert "plain,new" in result.output.splitlines()


def test_cli_imports_no_heavy_modules() -> None:
    import subprocess
    import sys

    code = (
        "import sys, launchgen.cli; print(' '.join(sorted(m for m in ('cookiecutter', "
        "'git', 'jinja2', 'jsonschema', 'ruamel.yaml') if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert out.stdout.strip() == ""


def test_external_secrets_option(tmp_path: Path) -> None:
    result = invoke("new", "checkout", "-o", str(tmp_path), "--secrets", "external", "--no-git")
    assert result.exit_code == 0, result.output
    props = tmp_path / "checkout-properties"
    for env in ("dev", "test", "prod"):
        assert "externalSecrets: []\n" in (props / "envs" / env / "values.yaml").read_text()
    assert yamlio.load(props / ".launchgen.yaml")["secrets"] == "external"


def test_sops_secrets_option(tmp_path: Path) -> None:
    recipient = "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq"
    result = invoke(
        "new",
        "checkout",
        "-o",
        str(tmp_path),
        "--secrets",
        "sops",
        "--sops-age-recipient",
        recipient,
        "--no-git",
    )
    assert result.exit_code == 0, result.output
    sops = (tmp_path / "checkout-properties" / ".sops.yaml").read_text()
    assert f"age: {recipient}" in sops and "envs/[^/]+/secrets\\.yaml$" in sops


def test_sops_without_recipient_is_refused(tmp_path: Path) -> None:
    result = invoke("new", "checkout", "-o", str(tmp_path), "--secrets", "sops")
    assert result.exit_code == EXIT_ERROR
    assert "--sops-age-recipient" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("output", ["afile/sub", "dangling"])
def test_output_dir_that_cannot_be_made_is_a_one_line_error(tmp_path: Path, output: str) -> None:
    (tmp_path / "afile").write_text("mine\n")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    result = invoke("new", "checkout", "-o", str(tmp_path / output))
    assert result.exit_code == EXIT_ERROR, result.output
    assert (
        result.output.startswith("launchgen: error: ")
        and "cannot create the output folder" in result.output
    )
    assert len(result.output.strip().splitlines()) == 1 and "internal error" not in result.output
    assert (tmp_path / "afile").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "dangling"]


@pytest.mark.parametrize("target", ["nowhere", "empty-dir"])
def test_symlinked_destination_is_refused_and_left_alone(tmp_path: Path, target: str) -> None:
    if target == "empty-dir":
        (tmp_path / target).mkdir()
    (tmp_path / "checkout").symlink_to(tmp_path / target)
    result = invoke("new", "checkout", "-o", str(tmp_path))
    assert result.exit_code == EXIT_ERROR, result.output
    assert "symbolic link" in result.output and len(result.output.strip().splitlines()) == 1
    assert os.readlink(tmp_path / "checkout") == str(tmp_path / target)
    assert sorted(p.name for p in tmp_path.iterdir()) == (
        ["checkout", target] if target == "empty-dir" else ["checkout"]
    )


def test_name_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    result = invoke("new", "demo\n", "-o", str(tmp_path))
    assert result.exit_code == EXIT_ERROR, result.output
    assert "naming-dns1123" in result.output
    assert list(tmp_path.iterdir()) == []


def test_second_repo_failing_to_move_in_takes_the_first_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_rename = os.rename

    def rename(source: str, dest: str) -> None:
        if str(dest).endswith("-properties"):
            raise OSError(28, "No space left on device", str(dest))
        real_rename(source, dest)

    (tmp_path / "checkout").mkdir()  # an empty folder is replaced, and restored on failure
    monkeypatch.setattr("launchgen.scaffold.os.rename", rename)
    result = invoke("new", "checkout", "-o", str(tmp_path))
    assert result.exit_code == EXIT_ERROR, result.output
    assert "No space left on device" in result.output and "internal error" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["checkout"]
    assert list((tmp_path / "checkout").iterdir()) == []
