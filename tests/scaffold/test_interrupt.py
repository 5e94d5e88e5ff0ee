"""A cancelled `launchgen new` (SIGTERM, as a cancelled CI job sends; or Ctrl-C) leaves
both repos or neither, and never a staging folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from launchgen.scaffold import STAGING_PREFIX
from tests.helpers.cli import LAUNCHGEN
from tests.helpers.gitrepo import git, git_env

RUNS = 40
ENV = git_env({"LAUNCHGEN_CONFIG": "", "XDG_CONFIG_HOME": "/nonexistent"})


def start(output: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*LAUNCHGEN, "new", "checkout", "-o", str(output)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def outcome(output: Path) -> str:
    """'both', 'none', or what is wrong with the folder."""
    left = sorted(p.name for p in output.iterdir()) if output.exists() else []
    if any(name.startswith(STAGING_PREFIX) for name in left):
        return f"staging folder left: {left}"
    if left == ["checkout", "checkout-properties"]:
        for repo in left:
            status = git(output / repo, "status", "--porcelain")
            if status:
                return f"{repo} is not a clean commit: {status}"
        return "both"
    return "none" if not left else f"half a result: {left}"


def test_sigterm_at_any_moment_leaves_both_repos_or_neither(tmp_path: Path) -> None:
    began = time.monotonic()
    full = start(tmp_path / "full")
    _, stderr = full.communicate(timeout=120)
    assert full.returncode == 0, stderr
    duration = time.monotonic() - began
    seen: Counter[str] = Counter()
    codes: Counter[int] = Counter()
    for run in range(RUNS):
        output = tmp_path / f"run{run}"
        process = start(output)
        # From process start-up to just past a whole run: every phase gets hit.
        time.sleep(duration * 1.1 * run / RUNS)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
        result = outcome(output)
        assert result in ("both", "none"), (
            f"run {run}: {result} (exit {process.returncode}, {stderr!r})"
        )
        assert "Traceback" not in stderr, stderr
        if process.returncode == 143:
            assert stderr.strip().splitlines()[-1] == "launchgen: interrupted"
        # 143: the handler ran; -15: killed before launchgen installed it (nothing written
        # yet); 0: the run had finished.
        assert process.returncode in (0, 143, -signal.SIGTERM), (run, process.returncode, stderr)
        assert (process.returncode == 0) <= (result == "both")
        seen[result] += 1
        codes[process.returncode] += 1
    print(f"outcomes {dict(seen)}, exit codes {dict(codes)}")
    # The delays really did interrupt generation part-way (else this tests nothing).
    assert codes[143] >= RUNS // 4, (seen, codes)
    assert seen["none"] >= RUNS // 4, (seen, codes)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_exit_codes(tmp_path: Path, signum: int, code: int) -> None:
    """SIGINT exits 130 and SIGTERM 143 with one line, once launchgen is running."""
    process = start(tmp_path)
    # Once the staging folder exists the command is running, with its handlers installed.
    deadline = time.monotonic() + 60
    while (
        not any(p.name.startswith(STAGING_PREFIX) for p in tmp_path.iterdir())
        and process.poll() is None
    ):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("this machine generated the repos before the signal")
    assert process.returncode == code, stderr
    assert stderr.strip() == "launchgen: interrupted"
    assert outcome(tmp_path) in ("both", "none")


def test_signals_are_held_in_a_deferred_block_and_raised_once_after_it() -> None:
    from launchgen.interrupts import Interrupted, signals_as_interrupts, signals_deferred

    before = signal.getsignal(signal.SIGTERM)
    reached_end_of_block = False
    with pytest.raises(Interrupted) as info, signals_as_interrupts(), signals_deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGINT)  # a second signal while winding down: ignored
        time.sleep(0.05)
        reached_end_of_block = True
    assert reached_end_of_block
    assert info.value.exit_code == 143
    assert signal.getsignal(signal.SIGTERM) is before  # the previous handler is back


def test_an_object_the_interrupt_cut_short_prints_no_traceback_later() -> None:
    """GitPython's config parser, interrupted inside __init__, fails again in __del__;
    that must not reach stderr as a traceback after "launchgen: interrupted"."""
    script = (
        "import os, signal, sys\n"
        "from launchgen.interrupts import Interrupted, signals_as_interrupts\n"
        "class HalfBuilt:\n"
        "    def __init__(self):\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        self.ready = True\n"
        "    def __del__(self):\n"
        "        self.ready\n"
        "try:\n"
        "    with signals_as_interrupts():\n"
        "        HalfBuilt()\n"
        "except Interrupted:\n"
        "    print('interrupted', file=sys.stderr)\n"
        "import gc; gc.collect()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.stderr.strip() == "interrupted", result.stderr
