"""A threaded wsgiref server for one simulated site, on 127.0.0.1 and a free port."""

from __future__ import annotations

import socket
import struct
import sys
import threading
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from .app import SimulatedSite


class _Handler(ServerHandler):
    def handle_error(self) -> None:
        # A dropped connection (reset fault, client gone) is expected, not a server error.
        if getattr(self.request_handler, "dropped", False):
            return
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            return
        super().handle_error()

    def log_exception(self, exc_info: Any) -> None:
        if isinstance(exc_info[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().log_exception(exc_info)


class _RequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the site's request log records every call."""

    def handle(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        environ = self.get_environ()
        self.dropped = False
        environ["simulator.drop"] = self._drop
        handler = _Handler(self.rfile, self.wfile, self.get_stderr(), environ, multithread=True)
        handler.request_handler = self
        handler.run(self.server.get_app())

    def _drop(self) -> None:
        """Close the connection without an answer, so the client sees it dropped."""
        self.dropped = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        # Make anything wsgiref still tries to write go nowhere.
        self.wfile = _Sink()


class _Sink:
    closed = False

    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, OSError)):
            return
        super().handle_error(request, client_address)


class SimulatorServer:
    """Serve `site` over HTTP; `base_url` is known once started (port 0 picks a free port)."""

    def __init__(self, site: SimulatedSite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self.host = host
        self.port = port
        self._server: _ThreadingServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("SimulatorServer is not started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def rest_url(self) -> str:
        return self.base_url + "/wp-json/"

    def start(self) -> SimulatorServer:
        if self._server is not None:
            return self
        server = _ThreadingServer((self.host, self.port), _RequestHandler)
        server.set_app(self.site)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"simulator-{self.site.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def wait(self) -> None:
        """Block until the server stops; Ctrl-C raises KeyboardInterrupt here."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def stop(self) -> None:
        server, self._server = self._server, None
        self.site.release_hanging()
        if server is None:
            return
        if self._thread is not None:
            server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        server.server_close()

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
