"""``posecoach serve``: the coach page on this machine only, unless told otherwise.

The page shows the camera picture, so by default it listens on 127.0.0.1 (this computer).
``--host 0.0.0.0`` (or any other address) serves it to the network, and a warning says so.
Usage statistics stay off either way. The address and port are checked before Streamlit starts:
an impossible one is one line and exit status 2, a port already taken exit status 3.

The app script and the server settings ship in the package (``ui/streamlit_app.py``,
``ui/streamlit.toml``): an installed wheel serves the page from any folder.
"""

from __future__ import annotations

import os
import sys
import tomllib
from importlib import resources
from importlib.resources.abc import Traversable

from posecoach.adapters.console import EXIT_ENV
from posecoach.adapters.net import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    AddressError,
    check_listen,
    checked_host,
    checked_port,
    exposure_warning,
    is_loopback,
)

APP: Traversable = resources.files("posecoach.ui") / "streamlit_app.py"
SETTINGS: Traversable = resources.files("posecoach.ui") / "streamlit.toml"


def streamlit_settings(settings: Traversable = SETTINGS) -> dict[str, object]:
    """The server settings shipped with the page, as Streamlit names them ("server.maxUploadSize": 500)."""
    table = tomllib.loads(settings.read_text(encoding="utf-8"))
    return {f"{section}.{key}": value for section, keys in table.items() for key, value in keys.items()}


def _flag_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def streamlit_argv(host: str, port: int, app: Traversable | str = APP) -> list[str]:
    """The command that serves the page: the privacy settings given explicitly, then every other
    setting of ``ui/streamlit.toml`` as a ``--section.key value`` flag."""
    own = {"server.address": host, "server.port": port, "server.headless": True, "browser.gatherUsageStats": False}
    if is_loopback(host):
        own["browser.serverAddress"] = host
    argv = [sys.executable, "-m", "streamlit", "run", str(app)]
    for key, value in {**own, **{k: v for k, v in streamlit_settings().items() if k not in own}}.items():
        argv += [f"--{key}", _flag_value(value)]
    return argv


def _say(message: str) -> None:
    print(f"posecoach: {message}", file=sys.stderr, flush=True)


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Serve the page (this process becomes Streamlit); an exit status when it cannot."""
    dry_run = bool(os.environ.get("POSECOACH_SERVE_DRY_RUN"))  # print the command instead (tests)
    try:
        host, port = checked_host(host), checked_port(port)
        if not dry_run:
            check_listen(host, port)
    except AddressError as exc:
        _say(str(exc))
        return exc.code
    warning = exposure_warning(host, port)
    if warning:
        _say(warning)
    with resources.as_file(APP) as app:  # a real file even if the package is not a folder
        argv = streamlit_argv(host, port, app)
        if dry_run:
            print(" ".join(argv))
            return 0
        if not app.is_file():
            _say(f"{app}: the app is missing (reinstall posecoach)")
            return EXIT_ENV
        os.execv(argv[0], argv)  # streamlit takes this process's place: a signal to it stops the server
