"""The HTTP plumbing: a threading server on loopback that turns sockets into `Request`s.

HTTP/1.1 with keep-alive, so a client's connection pool behaves as it would against the
real gateway. Handler threads are daemons: the server can live inside the Textual app's
process and never hold up its exit.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tui.sim.admin import PREFIX, handle_admin
from tui.sim.api import Request, handle
from tui.sim.replies import Reply, gateway_error
from tui.sim.world import World

MAX_BODY = 16 * 1024 * 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops bursts of concurrent connections

    def __init__(self, address: tuple[str, int], world: World) -> None:
        super().__init__(address, _Handler)
        self.world = world
        self.live: set[socket.socket] = set()
        """Open client connections, closed on stop: a stopped server answers nothing."""
        self.live_lock = threading.Lock()
        self.closed = False

    def close_connections(self) -> None:
        with self.live_lock:
            live, self.live, self.closed = self.live, set(), True
        for conn in live:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up mid-reply is ordinary (a monitor quits, a read is
        cancelled); anything else is a simulator bug and is printed."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sendwatch-sim"
    sys_version = ""
    timeout = 60
    disable_nagle_algorithm = True  # headers and body go out as two writes
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.live_lock:
            closed = self.server.closed
            if not closed:
                self.server.live.add(self.connection)
        if closed:  # accepted just before the stop: hung up on like the rest
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        with self.server.live_lock:
            self.server.live.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the request log lives in `Simulator.requests`."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise ValueError("bad Content-Length")
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._write(gateway_error(400, "Bad Request", 400))
            return
        parts = urlsplit(self.path)
        world = self.server.world
        try:
            if parts.path.startswith(PREFIX):
                reply = handle_admin(world, self.command, parts.path, body)
            else:
                host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parts.query,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    base_url=f"http://{host}/",
                )
                reply = handle(world, request)
        except Exception:  # a simulator bug: say so loudly, answer like a gateway would
            traceback.print_exc(file=sys.stderr)
            reply = gateway_error(500, "Internal Server Error", 500)
        if reply.drop:
            self._drop()
            return
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if not reply.trickle:
            self.wfile.write(reply.body)
            return
        for i in range(len(reply.body)):  # until the client gives up (it must)
            self.wfile.write(reply.body[i : i + 1])
            self.wfile.flush()
            time.sleep(reply.trickle)

    def _drop(self) -> None:
        """Close without a byte of answer, the way a dying proxy does."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class ServerThread:
    """Runs `_Server.serve_forever` in a daemon thread; `stop()` waits for it to end."""

    def __init__(self, world: World, host: str, port: int) -> None:
        self._server = _Server((host, port), world)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="sendwatch-sim",
            daemon=True,
        )
        self._thread.start()

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def stop(self) -> None:
        """Stop accepting, then close every open connection (keep-alive ones would
        otherwise go on being served by their handler threads)."""
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join(timeout=5)
