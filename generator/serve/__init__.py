"""``handout serve``: a local web page that builds handouts with the same pipeline as the CLI.

:mod:`.form` reads the form into build options, :mod:`.app` is the Starlette app, and
:func:`run` starts it on uvicorn. Needs the ``serve`` extra: ``pip install '.[serve]'``.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import UserError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


HOST_EXAMPLES = "such as 127.0.0.1 (this computer only) or 0.0.0.0 (every network)"


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port), or a clear error naming
    the option that is wrong."""
    if not host.strip():  # the socket would listen on every network, unasked
        raise UserError(f"give an address, {HOST_EXAMPLES}", field="--host")
    if host.count(":") == 1:  # not IPv6 (which has two or more): a port typed with the host
        raise UserError(f"{host!r} is an address and a port; give the address alone, "
                        f"{HOST_EXAMPLES}, and the port with --port", field="--host")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except socket.gaierror:
        sock.close()
        raise UserError(f"cannot listen on {host!r}: no such name or address; give an "
                        f"address of this computer, {HOST_EXAMPLES}", field="--host") from None
    except (OSError, OverflowError) as error:
        sock.close()
        reason = getattr(error, "strerror", None) or str(error)
        if getattr(error, "errno", None) == errno.EADDRNOTAVAIL:
            raise UserError(f"cannot listen on {host}: {reason} (it is not an address of "
                            f"this computer); give one that is, {HOST_EXAMPLES}",
                            field="--host") from None
        raise UserError(f"cannot listen on {host}:{port}: {reason}; try another --port "
                        "(0 picks a free one)", field="--port") from None
    sock.listen(128)
    return sock


def run(data_dirs: Sequence[Path], templates_dir: Path | None, host: str, port: int,
        open_browser: bool, echo: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """Load the packs, print the page's address and serve it until Ctrl-C."""
    import uvicorn

    from .app import Catalogue, create_app

    catalogue = Catalogue.load(data_dirs, templates_dir)
    for problem in catalogue.problems:
        warn(f"error: {problem}")
    sock = listen(host, port)
    bound_port = sock.getsockname()[1]
    url_host = f"[{host.strip('[]')}]" if ":" in host else host
    address = f"http://{url_host}:{bound_port}/"
    if is_loopback(host):
        allowed = [h.strip("[]") if h != "[::1]" else h for h in LOOPBACK_NAMES] + [url_host]
    else:
        allowed = ["*"]
        warn(f"warning: {host} is not a loopback address: anyone on the network who can reach "
             "this computer can use the page and see what it builds")
    echo(f"handout serve: open {address} in your browser (Ctrl-C stops it)")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, (address,)).start()
    config = uvicorn.Config(create_app(catalogue, allowed), log_level="warning",
                            access_log=False, server_header=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
