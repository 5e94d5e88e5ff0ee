"""The one way launchgen runs helm: version detection, isolated homes, flag mapping.

Every helm call (render, deploy and the day-2 commands) goes through `Helm`, so that
helm 3 (>= 3.14) and helm 4 behave the same for launchgen:

* the arguments come from `launchgen.helmargv`, in helm 4's flag names; `Helm` maps
  them to helm 3's names when needed;
* helm runs with its own HELM_* homes, so the user's helm configuration is neither
  needed nor polluted (credentials may be borrowed from it on request);
* failures become one-line ToolErrors carrying helm's own message.

A dry run is the deployment workflow's (`launchgen.deploy.cluster.Cluster`): it
plans `Helm.command(args)` instead of running it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchgen import helmargv
from launchgen.display import printable
from launchgen.errors import InvalidNameError, ToolError

MIN_HELM3 = (3, 14, 0)
HELM_ENV_VAR = "LAUNCHGEN_HELM"

_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)")

# helm 4 flag -> helm 3 flag; None drops the flag (helm 3 has no such behaviour).
_HELM3_FLAGS: dict[str, str | None] = {
    "--wait=watcher": "--wait",
    "--wait=legacy": "--wait",
    "--wait=hookOnly": None,
    "--rollback-on-failure": "--atomic",
    "--force-replace": "--force",
    "--server-side=false": None,
    "--server-side=auto": None,
}


@dataclass(frozen=True, order=True)
class HelmVersion:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> HelmVersion:
        match = _VERSION.match(text.strip())
        if not match:
            raise ToolError(f"cannot read helm's version from {text.strip()[:80]!r}")
        return cls(int(match[1]), int(match[2]), int(match[3]))

    def __str__(self) -> str:
        return f"v{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class HelmResult:
    args: tuple[str, ...]
    stdout: str
    stderr: str


def find_binary(
    explicit: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """helm's path: `--helm PATH`, else $LAUNCHGEN_HELM, else `helm` on PATH."""
    environ = os.environ if environ is None else environ
    chosen = str(explicit) if explicit else environ.get(HELM_ENV_VAR) or ""
    if chosen:
        found = shutil.which(chosen)
        if not found:
            raise ToolError(
                f"helm not found at {chosen} (from {'--helm' if explicit else '$' + HELM_ENV_VAR})"
            )
        return found
    found = shutil.which("helm", path=environ.get("PATH"))
    if not found:
        raise ToolError(
            f"helm not found on PATH: install helm >= 3.14, or pass --helm PATH or set ${HELM_ENV_VAR}"
        )
    return found


def user_credential_files(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The user's own helm registry and repository config, where helm itself looks."""
    environ = os.environ if environ is None else environ
    config_home = environ.get("HELM_CONFIG_HOME") or str(
        Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "helm"
    )
    return {
        "HELM_REGISTRY_CONFIG": environ.get("HELM_REGISTRY_CONFIG")
        or str(Path(config_home) / "registry" / "config.json"),
        "HELM_REPOSITORY_CONFIG": environ.get("HELM_REPOSITORY_CONFIG")
        or str(Path(config_home) / "repositories.yaml"),
    }


def one_line(stderr: str) -> str:
    """helm's error output as one line: 'Error: ' dropped, lines joined."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("WARNING:", "walk.go:"))] or lines
    text = "; ".join(lines)
    return printable(text.removeprefix("Error: "), limit=1000) or "no error message"


@dataclass
class Helm:
    """A helm binary with isolated homes. Use as a context manager to clean them up.

    `home`: folder for HELM_CONFIG/CACHE/DATA_HOME (a temporary one by default).
    `user_credentials`: give helm a copy of the user's registry logins and repository
    credentials (for private HTTP/OCI chart repositories).
    `assumed_version`: helm's version when already known (render caches it per
    binary), so helm is not asked again.
    """

    binary: str | Path | None = None
    home: Path | None = None
    user_credentials: bool = False
    assumed_version: HelmVersion | None = None
    _path: str = field(default="", init=False, repr=False)
    _version: HelmVersion | None = field(default=None, init=False, repr=False)
    _tmp_home: str | None = field(default=None, init=False, repr=False)
    _copied: bool = field(default=False, init=False, repr=False)
    _version_proc: subprocess.Popen[str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._version = self.assumed_version
        self._path = find_binary(self.binary)

    def __enter__(self) -> Helm:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._version_proc is not None:
            self._version_proc.kill()
            self._version_proc.communicate()
            self._version_proc = None
        if self._tmp_home:
            shutil.rmtree(self._tmp_home, ignore_errors=True)
            self._tmp_home = None

    @property
    def path(self) -> str:
        return self._path

    def env(self) -> dict[str, str]:
        """The environment helm runs in: the caller's, with HELM_* homes of its own."""
        if self.home is None and self._tmp_home is None:
            self._tmp_home = tempfile.mkdtemp(prefix="launchgen-helm-")
        home = self.home or Path(self._tmp_home or "")
        env = {k: v for k, v in os.environ.items() if not k.startswith("HELM_")}
        env.update(
            HELM_CONFIG_HOME=str(home / "config"),
            HELM_CACHE_HOME=str(home / "cache"),
            HELM_DATA_HOME=str(home / "data"),
            HELM_REGISTRY_CONFIG=str(home / "config" / "registry" / "config.json"),
            HELM_REPOSITORY_CONFIG=str(home / "config" / "repositories.yaml"),
            HELM_REPOSITORY_CACHE=str(home / "cache" / "repository"),
        )
        if self.user_credentials and not self._copied:
            self._copy_user_credentials(env)
        return env

    def _copy_user_credentials(self, env: dict[str, str]) -> None:
        """Copy the user's registry logins and repository list into our home: helm may
        read them, and whatever launchgen adds never reaches the user's files."""
        for var, source in user_credential_files().items():
            target = Path(env[var])
            if Path(source).is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                target.chmod(0o600)
        self._copied = True

    def prefetch_version(self) -> None:
        """Ask helm its version in the background; `version` collects the answer."""
        if self._version is None and self._version_proc is None:
            try:
                self._version_proc = subprocess.Popen(
                    [self._path, *helmargv.VERSION],
                    env=self.env(),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                    errors="replace",
                )
            except OSError:
                self._version_proc = None  # `version` asks again and reports the error

    @property
    def version(self) -> HelmVersion:
        if self._version is None:
            if self._version_proc is not None:
                proc, self._version_proc = self._version_proc, None
                stdout = self.finish(proc, "helm version")
            else:
                stdout = self._exec([self._path, *helmargv.VERSION], "version").stdout
            version = HelmVersion.parse(stdout)
            if (version.major, version.minor, version.patch) < MIN_HELM3:
                raise ToolError(
                    f"helm {version} at {self._path} is too old: launchgen needs helm 3.14 or later, or helm 4"
                )
            self._version = version
        return self._version

    def map_flags(self, args: Sequence[str]) -> list[str]:
        """helm 4 flag names as the detected helm understands them (nothing after `--`)."""
        cut = list(args).index("--") if "--" in args else len(args)
        flags, positional = list(args[:cut]), list(args[cut:])
        if not any(arg in _HELM3_FLAGS for arg in flags) or self.version.major >= 4:
            return [*flags, *positional]  # nothing to map: no need to wait for helm's version
        mapped: list[str] = []
        for arg in flags:
            if arg in _HELM3_FLAGS:
                replacement = _HELM3_FLAGS[arg]
                if replacement is not None and replacement not in mapped:
                    mapped.append(replacement)
            else:
                mapped.append(arg)
        return [*mapped, *positional]

    def command(self, args: Sequence[str]) -> list[str]:
        """The exact command line `run(args)` executes.

        Arguments after `--` are positional (release names, charts, revisions); none of
        them may look like an option, whatever helm would make of it."""
        if "--" in args:
            for arg in list(args)[list(args).index("--") + 1 :]:
                if arg.startswith("-"):
                    raise InvalidNameError(
                        f"refusing to pass {printable(arg)!r} to helm as a positional argument"
                    )
        return [self._path, *self.map_flags(args)]

    def run(
        self, args: Sequence[str], *, cwd: Path | None = None, what: str | None = None
    ) -> HelmResult:
        """Run `helm ARGS` (helm 4 flag names); raise ToolError with helm's message on failure."""
        argv = self.command(args)
        return self._exec(argv, what or f"helm {args[0] if args else ''}".strip(), cwd=cwd)

    def _exec(self, argv: list[str], what: str, cwd: Path | None = None) -> HelmResult:
        try:
            # helm prints manifests and messages it did not write: never fail on their bytes.
            proc = subprocess.run(
                argv,
                cwd=cwd,
                env=self.env(),
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                check=False,
            )
        except OSError as exc:
            raise ToolError(f"cannot run helm at {argv[0]}: {exc.strerror or exc}") from None
        if proc.returncode != 0:
            raise ToolError(f"{what} failed: {one_line(proc.stderr or proc.stdout)}")
        return HelmResult(tuple(argv), proc.stdout, proc.stderr)

    def start(self, args: Sequence[str], *, cwd: Path | None = None) -> subprocess.Popen[str]:
        """Start `helm ARGS` without waiting (for independent calls run side by side)."""
        try:
            return subprocess.Popen(
                self.command(args),
                cwd=cwd,
                env=self.env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            raise ToolError(f"cannot run helm at {self._path}: {exc.strerror or exc}") from None

    @staticmethod
    def finish(proc: subprocess.Popen[str], what: str) -> str:
        """Wait for a started helm; its stdout, or a ToolError with helm's message."""
        stdout, stderr = proc.communicate()
        if proc.returncode != 0:
            raise ToolError(f"{what} failed: {one_line(stderr or stdout)}")
        return stdout
