"""A local fake SMS provider: a real HTTP server on loopback that speaks HttpSms's protocol, for the tests.

The answer depends on the last digit of the phone number (so one server covers every case):
    …0–5  200 {"message_id"}          accepted
    …6    400 {"code": "blacklisted"} refused (permanent)
    …7    429 Retry-After: 1          rate limited (the first time for that number; accepted after)
    …8    500                         provider error (the first time; accepted after)
    …9    sleeps longer than the client's timeout (the first time; accepted after)
It checks every request's signature (401 when wrong) and records what it accepted. `send_receipt()` and
`send_inbound()` call the application back the way a provider does (signed receipts; inbound with the shared secret).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from orgwork.core import sms


class FakeProvider:
    def __init__(self, key: str, *, slow_seconds: float = 1.5):
        self.key = key
        self.slow_seconds = slow_seconds
        self.accepted: list[dict] = []
        self.requests = 0
        self.seen_failures: set[str] = set()
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status, payload, headers=None):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with provider.lock:
                    provider.requests += 1
                if not sms.verify_signature(key=provider.key, timestamp=self.headers.get("X-Timestamp", ""), nonce=self.headers.get("X-Nonce", ""), body=body, signature=self.headers.get("X-Signature", "")):
                    return self._answer(401, {"code": "bad_signature", "message": "签名错误"})
                data = json.loads(body)
                phone, last = data["phone"], data["phone"][-1]
                first_time = phone not in provider.seen_failures
                if last == "6":
                    return self._answer(400, {"code": "blacklisted", "message": "号码在黑名单中"})
                if last in "789" and first_time:
                    with provider.lock:
                        provider.seen_failures.add(phone)
                    if last == "7":
                        return self._answer(429, {"code": "rate_limited", "message": "发送过于频繁"}, {"Retry-After": "1"})
                    if last == "8":
                        return self._answer(500, {"code": "internal", "message": "内部错误"})
                    time.sleep(provider.slow_seconds)
                message_id = "fp" + secrets.token_hex(8)
                with provider.lock:
                    provider.accepted.append({"id": message_id, "phone": phone, "text": data["text"], "account": data.get("account")})
                return self._answer(200, {"message_id": message_id})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def send_receipt(self, base_url: str, receipts: list[dict], *, key: str | None = None) -> tuple[int, dict]:
        body = json.dumps({"receipts": receipts}).encode()
        ts, nonce = str(int(time.time())), secrets.token_hex(8)
        req = urllib.request.Request(
            base_url + "/api/v1/sms/receipts/", data=body, method="POST",
            headers={"Content-Type": "application/json", "X-Timestamp": ts, "X-Nonce": nonce, "X-Signature": sms.sign(key or self.key, ts, nonce, body)},
        )
        return _call(req)

    def send_inbound(self, base_url: str, phone: str, text: str, secret: str) -> tuple[int, dict]:
        body = json.dumps({"phone": phone, "text": text, "message_id": "in" + secrets.token_hex(6)}).encode()
        req = urllib.request.Request(base_url + "/api/v1/sms/inbound/", data=body, method="POST", headers={"Content-Type": "application/json", "X-Sms-Secret": secret})
        return _call(req)


def _call(req) -> tuple[int, dict]:
    import urllib.error

    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
