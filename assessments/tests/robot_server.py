"""A stand-in for the WeCom and DingTalk robot services and a webhook receiver, on 127.0.0.1: it
checks each message against the documented shape (and signature), counts what it accepted, and
answers errors on demand. No real service is called by the tests."""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from core.tests.net import free_port

WECOM_KEY = "wecom-key-0001"
DINGTALK_TOKEN = "dingtalk-token-0001"
DINGTALK_SECRET = "SECdingtalk-secret-0001"
WEBHOOK_SECRET = "webhook-secret-000000001"


def _text_shape_ok(data) -> bool:
    if not isinstance(data, dict):
        return False
    if data.get("msgtype") == "text":
        return isinstance(data.get("text"), dict) and isinstance(data["text"].get("content"), str)
    if data.get("msgtype") == "markdown":
        markdown = data.get("markdown")
        return isinstance(markdown, dict) and isinstance(
            markdown.get("text") or markdown.get("content"), str
        )
    return False


class RobotServer(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", free_port()), Handler)
        self.accepted: list[dict] = []  # {"service", "payload", "headers"}
        self.refused: list[str] = []  # why a message was refused
        self.mode = "ok"  # "ok", "http500", "errcode", "slow"
        self.slow_seconds = 3.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def wecom_url(self) -> str:
        return f"{self.base}/cgi-bin/webhook/send?key={WECOM_KEY}"

    def dingtalk_url(self) -> str:
        return f"{self.base}/robot/send?access_token={DINGTALK_TOKEN}"

    def webhook_url(self) -> str:
        return f"{self.base}/hook"

    def count(self, service: str) -> int:
        return sum(1 for message in self.accepted if message["service"] == service)


class Handler(BaseHTTPRequestHandler):
    server: RobotServer

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _refuse(self, why: str, errcode: int = 40035) -> None:
        self.server.refused.append(why)
        self._answer(200, {"errcode": errcode, "errmsg": why})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        mode = self.server.mode
        if mode == "slow":
            time.sleep(self.server.slow_seconds)
        if mode == "http500":
            self.server.refused.append("http500")
            self._answer(500, {"error": "internal"})
            return
        try:
            payload = json.loads(raw)
        except ValueError:
            self._refuse("body is not JSON")
            return
        if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
            self._refuse("content type is not JSON")
            return
        if split.path == "/cgi-bin/webhook/send":
            service = "wecom"
            if query.get("key") != WECOM_KEY:
                self._refuse("invalid webhook url", 93000)
                return
            if not _text_shape_ok(payload):
                self._refuse("invalid message shape", 40008)
                return
        elif split.path == "/robot/send":
            service = "dingtalk"
            if query.get("access_token") != DINGTALK_TOKEN:
                self._refuse("token is not exist", 300001)
                return
            timestamp = query.get("timestamp", "")
            if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600_000:
                self._refuse("invalid timestamp", 310000)
                return
            expected = base64.b64encode(
                hmac.new(
                    DINGTALK_SECRET.encode(),
                    f"{timestamp}\n{DINGTALK_SECRET}".encode(),
                    hashlib.sha256,
                ).digest()
            ).decode()
            # parse_qs has URL-decoded the sign once, as DingTalk does.
            if not hmac.compare_digest(query.get("sign", ""), expected):
                self._refuse("sign not match", 310000)
                return
            if not _text_shape_ok(payload):
                self._refuse("invalid message shape", 40035)
                return
        elif split.path == "/hook":
            service = "webhook"
            timestamp = self.headers.get("X-Portal-Timestamp", "")
            mac = hmac.new(WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256)
            signature = self.headers.get("X-Portal-Signature", "")
            if not hmac.compare_digest(signature, f"sha256={mac.hexdigest()}"):
                self.server.refused.append("bad signature")
                self._answer(401, {"error": "bad signature"})
                return
            if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
                self.server.refused.append("stale timestamp")
                self._answer(401, {"error": "stale"})
                return
        else:
            self._answer(404, {"error": "no such path"})
            return
        if mode == "errcode":
            self._refuse("api freq out of limit", 45009)
            return
        self.server.accepted.append(
            {"service": service, "payload": payload, "headers": dict(self.headers)}
        )
        self._answer(200, {"errcode": 0, "errmsg": "ok"})


def start() -> RobotServer:
    server = RobotServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
