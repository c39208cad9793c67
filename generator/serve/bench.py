"""Benchmark of the web page: ``python -m generator.serve.bench`` (docs/performance.md).

Starts the real app on uvicorn on a free loopback port, in this process, and times over
HTTP a warm preview (the default handout, every page as an image) and a warm download,
with the CLI's warm build (``render_handout`` in-process, as ``generator.bench``) beside
them. Medians of ``--repeat``; measured, never asserted in tests.
"""

from __future__ import annotations

import argparse
import re
import threading
import time
import urllib.parse
import urllib.request

from ..bench import DATE, median_ms
from ..build import BuildOptions, Resources, render_handout
from ..resources import default_pack
from . import listen
from .app import Catalogue, create_app


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m generator.serve.bench", description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="warm requests (default 20)")
    args = parser.parse_args(argv)

    sock = listen("127.0.0.1", 0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(create_app(Catalogue.load([default_pack()])),
                                           log_level="warning", access_log=False,
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)

    with urllib.request.urlopen(url + "/") as response:
        cookie = response.headers["set-cookie"].split(";")[0]
        token = re.search(r'name="csrf" value="([^"]+)"', response.read().decode())[1]  # type: ignore[index]
    resources = Resources.load(default_pack())
    pack = resources.pack
    fields = [("csrf", token), ("pack", pack.id), ("date", DATE.isoformat()),
              ("page_size", "a4"), *(("exercise", i) for i in pack.exercise_ids)]
    body = urllib.parse.urlencode(fields).encode()

    def post(action: str) -> bytes:
        request = urllib.request.Request(f"{url}/handout/{action}", data=body, headers={
            "cookie": cookie, "content-type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request) as response:
            return response.read()

    options = BuildOptions(date=DATE)
    download = post("download")
    assert download == render_handout(options, resources)  # the same handout as the CLI's
    pages = post("preview").count(b'alt="Page ')
    results = [
        ("CLI warm build, in-process", median_ms(lambda: render_handout(options, resources),
                                                 args.repeat)),
        ("web page: warm download", median_ms(lambda: post("download"), args.repeat)),
        (f"web page: warm preview ({pages} page images)", median_ms(lambda: post("preview"),
                                                                    args.repeat)),
    ]
    server.should_exit = True
    thread.join(timeout=10)
    for name, ms in results:
        print(f"{name:<42} {ms:7.1f} ms (median of {args.repeat})")


if __name__ == "__main__":
    main()
