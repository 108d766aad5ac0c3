"""Addresses to serve on: checked before a server starts, and whether other machines can reach them.

An impossible address or port is an AddressError with exit status 2, a port already taken 3.
"""

from __future__ import annotations

import errno
import ipaddress
import re
import socket

from posecoach.adapters.console import EXIT_ENV, EXIT_INPUT

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8501

_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")
_EXAMPLES = "such as 127.0.0.1 for this computer only, or 0.0.0.0 for every address"


class AddressError(ValueError):
    """An address or port the page cannot be served on; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.code = code


def checked_port(port: int) -> int:
    """``port`` if it is a TCP port (0: any free one), else AddressError."""
    if not 0 <= port <= 65535:
        raise AddressError(f"--port {port}: a port is a number from 1 to 65535 (default {DEFAULT_PORT})")
    return port


def checked_host(host: str) -> str:
    """The address to listen on (brackets around an IPv6 address dropped); AddressError when it is
    neither an IP address nor a host name this computer can resolve."""
    name = host.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if not name:
        raise AddressError(f"--host is empty: give an address {_EXAMPLES}")
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        pass
    if re.fullmatch(r"[0-9.]+", name):
        raise AddressError(f"--host {host}: not an IP address (four numbers from 0 to 255); give one {_EXAMPLES}")
    if ":" in name:
        raise AddressError(f"--host {host}: not an IPv6 address; give an address {_EXAMPLES}")
    if len(name) > 253 or not _HOST_NAME.fullmatch(name):
        raise AddressError(f"--host {host!r}: not an address or a host name; give an address {_EXAMPLES}")
    try:
        socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressError(f"--host {host}: no such host name ({getattr(exc, 'strerror', None) or exc}); "
                           f"give an address {_EXAMPLES}") from None
    return name


def check_listen(host: str, port: int) -> None:
    """Listen on ``host``:``port`` for a moment, as Streamlit will; AddressError (one line) if that fails."""
    where = f"{host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
    except socket.gaierror as exc:
        raise AddressError(f"--host {host}: no such host name ({exc.strerror})") from None
    except OSError as exc:
        if exc.errno == errno.EADDRNOTAVAIL:
            raise AddressError(f"--host {host}: not an address of this computer; give one {_EXAMPLES}") from None
        if exc.errno == errno.EACCES:
            raise AddressError(f"--port {port}: ports below 1024 need administrator rights; "
                               f"choose 1024 or above (default {DEFAULT_PORT})") from None
        if exc.errno == errno.EADDRINUSE:
            raise AddressError(f"cannot serve on {where}: another program is using port {port}; "
                               "stop it or choose another --port", EXIT_ENV) from None
        raise AddressError(f"cannot serve on {where} ({exc.strerror or exc})", EXIT_ENV) from None


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
