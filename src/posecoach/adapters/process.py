"""The command's process: its standard descriptors, its termination signals and its argument
errors, shared by ``posecoach`` and ``python -m benchmarks`` so both end, and complain, alike.

SIGTERM and SIGHUP end a run as Ctrl-C does (the partial outputs removed, "terminated (SIGTERM)",
exit status 128 + the signal; Ctrl-C: "interrupted", 130); a bad option is one line and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator

from posecoach.adapters.console import EXIT_INPUT, say

# Signals that end a run as Ctrl-C does: the partial outputs removed, exit status 128 + the signal.
TERMINATION_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(KeyboardInterrupt):
    """A termination signal (SIGTERM, SIGHUP), raised where Ctrl-C's KeyboardInterrupt would be,
    so that the same clean-up runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame) -> None:
    for s in TERMINATION_SIGNALS:  # a second signal must not cut the clean-up short
        signal.signal(s, signal.SIG_IGN)
    raise Terminated(signum)


@contextlib.contextmanager
def termination_as_interrupt() -> Iterator[None]:
    """While the command runs, SIGTERM and SIGHUP raise ``Terminated`` (a signal ignored when
    posecoach started, as under nohup, stays ignored); the previous handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {s: signal.getsignal(s) for s in TERMINATION_SIGNALS}
    for s, handler in before.items():
        if handler is not signal.SIG_IGN:
            signal.signal(s, _terminate)
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


def hold_standard_fds() -> None:
    """A closed standard descriptor (``>&-``) is opened on /dev/null, so that no file posecoach
    opens takes its number and receives what a library prints. ``sys.stdout`` stays None: the
    report is not sent to /dev/null as if it were read."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


class OneLineParser(argparse.ArgumentParser):
    """argparse with a one-line message on a bad argument (exit status 2), as the contract asks."""

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def run_command(command: Callable[[], int]) -> int:
    """``command()``'s exit status, with SIGTERM and SIGHUP ending it as Ctrl-C does: one line
    ("terminated (SIGTERM)", "interrupted") and 128 + the signal (130 for Ctrl-C)."""
    try:
        with termination_as_interrupt():
            return command()
    except Terminated as exc:
        say(f"terminated ({signal.Signals(exc.signum).name})")
        return 128 + exc.signum
    except KeyboardInterrupt:
        say("interrupted")
        return 130
