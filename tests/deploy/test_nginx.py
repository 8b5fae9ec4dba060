"""deploy/nginx.conf rendered and run against stand-in upstreams: retries only idempotent
requests, forwards what FINDER_PROXY_HOPS=1 trusts, limits bodies, caches hashed static files,
redirects HTTP and logs no query string."""
import http.client
import json
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.cluster import make_certificate, nginx_command, render_nginx, wait_until
from bench.loadtest import answers, free_port

pytestmark = pytest.mark.slow


class Echo(BaseHTTPRequestHandler):
    """A healthy replica: answers with the request's method and the headers it received."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps({"method": self.command, "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_):
        pass


def dropping_server():
    """A replica that dies mid-request: reads the request, then closes without answering."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.recv(65536)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener


@pytest.fixture(scope="module")
def proxy(tmp_path_factory, system_programs):
    tmp = tmp_path_factory.mktemp("nginx")
    static = tmp / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.css").write_text("body{}")
    (static / "css" / "site.0123abcd89.css").write_text("body{}")
    good = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=good.serve_forever, daemon=True).start()
    bad = dropping_server()
    https, http_port = free_port(), free_port()
    cert = tmp / "tls" / "cert.pem"
    make_certificate(cert)
    values = {"NGINX_HTTP_LISTEN": f"127.0.0.1:{http_port}", "NGINX_HTTPS_LISTEN": f"127.0.0.1:{https}",
              "NGINX_SERVER_NAME": "127.0.0.1",
              # the dropping replica first: round robin then hands it every other request
              "NGINX_UPSTREAMS": f"server 127.0.0.1:{bad.getsockname()[1]} max_fails=0; "
                                 f"server 127.0.0.1:{good.server_port} max_fails=0;",
              "NGINX_TLS_CERT": str(cert), "NGINX_TLS_KEY": str(cert.with_name("key.pem")),
              "NGINX_STATIC_ROOT": str(static), "NGINX_MIME_TYPES": "/etc/nginx/mime.types",
              "NGINX_ACCESS_LOG": str(tmp / "access.log"), "NGINX_ERROR_LOG": str(tmp / "error.log")}
    nginx = subprocess.Popen(nginx_command(tmp / "prefix", values), stdout=subprocess.DEVNULL,
                             stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: answers("127.0.0.1", https), 10, "nginx")
        yield {"https": https, "http": http_port, "cert": cert, "log": tmp / "access.log"}
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        good.shutdown()
        bad.close()


def call(proxy, method, path, body=None, headers=None):
    context = ssl.create_default_context(cafile=str(proxy["cert"]))
    conn = http.client.HTTPSConnection("127.0.0.1", proxy["https"], timeout=20, context=context)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_idempotent_requests_are_retried_on_the_other_replica(proxy):
    statuses = [call(proxy, "GET", f"/search?n={n}")[0] for n in range(6)]
    assert statuses == [200] * 6


def test_a_post_that_reached_a_replica_is_never_sent_again(proxy):
    statuses = {call(proxy, "POST", "/api/referral/assess", b"{}")[0] for _ in range(4)}
    assert statuses == {200, 502}  # the dropped ones fail rather than run twice


def test_forwarded_headers_are_what_one_trusted_proxy_hop_expects(proxy):
    _, _, body = call(proxy, "GET", "/x", headers={"X-Forwarded-For": "6.6.6.6"})
    headers = json.loads(body)["headers"]
    assert headers["X-Forwarded-For"] == "127.0.0.1"  # a client's own value is replaced
    assert headers["X-Forwarded-Proto"] == "https"
    assert headers["Host"] == f"127.0.0.1:{proxy['https']}"


def test_bodies_over_2_mb_are_refused_before_any_replica(proxy):
    status, _, _ = call(proxy, "POST", "/api/referral/assess", b"x" * (2 * 1024 * 1024 + 1))
    assert status == 413


def test_hashed_static_files_are_cached_for_a_year_others_revalidated(proxy):
    status, headers, _ = call(proxy, "GET", "/static/css/site.0123abcd89.css")
    assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = call(proxy, "GET", "/static/css/site.css")
    assert status == 200 and headers["Cache-Control"] == "no-cache" and "ETag" in headers
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_plain_http_is_redirected_to_https(proxy):
    conn = http.client.HTTPConnection("127.0.0.1", proxy["http"], timeout=10)
    conn.request("GET", "/search?drug=carboplatin")
    response = conn.getresponse()
    assert response.status == 301
    assert response.getheader("Location").startswith("https://")


def test_the_access_log_has_paths_but_no_query_strings(proxy):
    call(proxy, "GET", "/search?location=Broken+Hill&drug=carboplatin")
    log = proxy["log"].read_text()
    assert '"GET /search HTTP/1.1"' in log
    assert "carboplatin" not in log and "Broken" not in log and "?" not in log


def test_the_template_names_every_value_it_needs():
    with pytest.raises(KeyError, match="NGINX_UPSTREAMS"):
        render_nginx("upstream a { ${NGINX_UPSTREAMS} }", {})
    assert render_nginx("x ${NGINX_A} $host", {"NGINX_A": "1"}) == "x 1 $host"
