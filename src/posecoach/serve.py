"""``posecoach serve``: the coach page on this machine only, unless told otherwise.

The page shows the camera picture, so by default it listens on 127.0.0.1 (this computer).
``--host 0.0.0.0`` (or any other address) serves it to the network, and a warning says so.
Usage statistics stay off either way.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8501
APP = Path(__file__).resolve().parents[2] / "app.py"


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int) -> str | None:
    """The warning to print when ``host`` lets other machines open the page, else None."""
    if is_loopback(host):
        return None
    return (f"warning: serving on {host}:{port}: anyone who can reach this address on your network can open the "
            "coach page and see the camera picture. Use --host 127.0.0.1 (the default) to keep it on this computer.")


def streamlit_argv(host: str, port: int, app: Path = APP) -> list[str]:
    """The command that serves the page, with the privacy settings given explicitly."""
    argv = [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", host, "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    if is_loopback(host):
        argv += ["--browser.serverAddress", host]
    return argv


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    warning = exposure_warning(host, port)
    if warning:
        print(f"posecoach: {warning}", file=sys.stderr, flush=True)
    argv = streamlit_argv(host, port)
    if os.environ.get("POSECOACH_SERVE_DRY_RUN"):  # print the command instead (tests)
        print(" ".join(argv))
        return 0
    if not APP.is_file():
        print(f"posecoach: {APP}: the app is missing (serve runs from a source checkout)", file=sys.stderr)
        return 3
    os.chdir(APP.parent)  # the project's .streamlit/config.toml is read from here
    os.execv(argv[0], argv)  # streamlit takes this process's place: a signal to it stops the server
