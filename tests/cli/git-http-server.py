#!/usr/bin/python3
"""A git smart-HTTP server on loopback for the sync tests: `git http-backend` behind
HTTP basic authentication with one user and token, like a hosted remote.

    git-http-server.py ROOT USER TOKEN PORTFILE

Serves the bare repositories under ROOT at http://127.0.0.1:PORT/NAME.git, writes
PORT to PORTFILE once listening, and stops by itself after 10 minutes."""
import base64
import os
import subprocess
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

root, user, token, portfile = sys.argv[1:5]
expected = "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


def app(environ, start_response):
    if environ.get("HTTP_AUTHORIZATION") != expected:
        start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="crm tests"'),
                                             ("Content-Type", "text/plain")])
        return [b"authentication required\n"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    env = {
        "PATH": os.environ["PATH"],
        "GIT_PROJECT_ROOT": root,
        "GIT_HTTP_EXPORT_ALL": "1",
        "REMOTE_USER": user,
        "REQUEST_METHOD": environ["REQUEST_METHOD"],
        "PATH_INFO": environ.get("PATH_INFO", ""),
        "QUERY_STRING": environ.get("QUERY_STRING", ""),
        "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
        "CONTENT_LENGTH": str(len(body)),
    }
    if environ.get("HTTP_CONTENT_ENCODING"):
        env["HTTP_CONTENT_ENCODING"] = environ["HTTP_CONTENT_ENCODING"]
    if environ.get("HTTP_GIT_PROTOCOL"):
        env["GIT_PROTOCOL"] = environ["HTTP_GIT_PROTOCOL"]
    out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
    head, _, payload = out.partition(b"\r\n\r\n")
    status, headers = "200 OK", []
    for line in head.split(b"\r\n"):
        name, _, value = line.decode().partition(":")
        if name.lower() == "status":
            status = value.strip()
        elif name:
            headers.append((name, value.strip()))
    start_response(status, headers)
    return [payload]


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
threading.Timer(600, server.shutdown).start()
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_port))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
os._exit(0)
