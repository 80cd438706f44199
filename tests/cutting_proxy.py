"""A TCP proxy for tests that cuts every connection once a number of bytes went through,
then refuses new ones until told to let them pass: a network failure on demand."""

from __future__ import annotations

import contextlib
import socket
import threading

BUFFER = 1 << 20


class CuttingProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.sent = 0
        """Bytes forwarded from clients to the server."""
        self.cut_after: int | None = None
        self.refusing = False
        self.cuts = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut_at(self, count: int) -> None:
        """Cut all connections when ``count`` more bytes have gone to the server."""
        with self._lock:
            self.cut_after = self.sent + count

    def allow(self) -> None:
        with self._lock:
            self.refusing, self.cut_after = False, None

    def close(self) -> None:
        self._closed = True
        self.listener.close()
        self._cut()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._open += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(BUFFER):
                sink.sendall(data)
                if upstream:
                    with self._lock:
                        self.sent += len(data)
                        cut = self.cut_after is not None and self.sent >= self.cut_after
                    if cut:
                        self.refusing = True
                        self.cuts += 1
                        self._cut()
                        return
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def _cut(self) -> None:
        with self._lock:
            ends, self._open = self._open, []
            self.cut_after = None
        for end in ends:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
