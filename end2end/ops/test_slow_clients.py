"""Hostile clients at the socket (issue 18, item 4): a client trickling its request headers or its
body is cut off after the client timeout, and a 10 MB body is refused with 413 before it is read.
The server runs with a 1 s client timeout here (10 s by default)."""

import socket
import time
import unittest

import harness

PORT = 3114


def connect():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    return s


def read_all(s, limit=10.0):
    """Everything the server sends until it closes the connection (or `limit` seconds pass)."""
    s.settimeout(limit)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data, True
            data += chunk
    except (socket.timeout, TimeoutError):
        return data, False
    except ConnectionResetError:
        return data, True


class SlowClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster, env = harness.fresh_database(LANYARD_CLIENT_TIMEOUT_MS="1000")
        cls.server = harness.Server(env, PORT).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.cluster.destroy()

    def test_trickled_headers_are_cut_off(self):
        s = connect()
        started = time.monotonic()
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        _, closed = read_all(s, limit=8)
        s.close()
        waited = time.monotonic() - started
        self.assertTrue(closed, "the server kept a connection whose headers never ended")
        self.assertLess(waited, 5)

    def test_trickled_body_is_cut_off(self):
        s = connect()
        started = time.monotonic()
        s.sendall(b"POST /api/sign_in HTTP/1.1\r\nHost: localhost:3114\r\nOrigin: http://localhost:3114\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nkind=root")
        data, _ = read_all(s, limit=8)
        s.close()
        waited = time.monotonic() - started
        self.assertLess(waited, 5)
        status = int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.1 ") else 0
        self.assertIn(status, (400, 408), data[:300])

    def test_a_ten_megabyte_post_is_refused_before_it_is_read(self):
        s = connect()
        started = time.monotonic()
        s.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 10485760\r\n\r\n" + b"a" * 65536)
        data, _ = read_all(s, limit=8)
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 413"), data[:300])
        self.assertLess(time.monotonic() - started, 5)

    def test_an_ordinary_client_is_not_affected(self):
        status, body, _, _ = harness.get(PORT, "/healthz")
        self.assertEqual((status, body), (200, "ok"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
