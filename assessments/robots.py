"""Posting a reminder to a group robot or a webhook (assessments.ReminderChannel).

Each kind is one HTTP POST of JSON, with a timeout (PORTAL_ROBOT_TIMEOUT_SECONDS); anything but
an accepted message raises `RobotError`, which the delivery path records and retries like a
failed e-mail (assessments/deliveries.py).

- WeCom (企业微信) group robot: POST to the robot's address (…/cgi-bin/webhook/send?key=…)
  `{"msgtype": "text", "text": {"content": …}}`; accepted when the answer is HTTP 200 with
  `errcode` 0.
- DingTalk (钉钉) group robot with signing (加签): POST to the robot's address
  (…/robot/send?access_token=…) with `timestamp` (milliseconds) and `sign` added to the query:
  sign = URL-encoded base64 of HMAC-SHA256(key = the secret, message = "<timestamp>\\n<secret>");
  body `{"msgtype": "text", "text": {"content": …}}`; accepted when HTTP 200 with `errcode` 0.
- Webhook (this portal's own format): POST `application/json` of
  `{"event", "stage", "title", "body", "url", "delivery", "sent_at"}`, with the headers
  `X-Portal-Timestamp` (Unix seconds), `X-Portal-Delivery` (the delivery's id: the same id comes
  again if a message is sent twice, see deliveries.py) and `X-Portal-Signature:
  sha256=<hex HMAC-SHA256(key = the secret, message = "<timestamp>." + the raw body)>`. A
  receiver recomputes the signature, compares it in constant time and refuses a timestamp more
  than five minutes old. Accepted on any 2xx answer.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import ReminderChannel


class RobotError(Exception):
    pass


def reminder_text(*, title: str, body: str, url: str) -> str:
    """The short Chinese message: what, the detail, and where to open it."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("[Party-building reminder] %(title)s") % {"title": title}]
        if body:
            lines.append(body[:300])
        if url:
            lines.append(_("Open: %(url)s") % {"url": absolute(url)})
    return "\n".join(lines)


def absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{path}" if path.startswith("/") else path


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise RobotError("not an http(s) address")
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url, data=body, method="POST", headers={"Content-Type": "application/json"} | headers
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 - http(s) only, checked above
            request, timeout=settings.PORTAL_ROBOT_TIMEOUT_SECONDS
        ) as response:
            return response.status, response.read(10_000)
    except urllib.error.HTTPError as exc:
        raise RobotError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise RobotError(f"{type(exc).__name__}: {exc}") from exc


def _check_errcode(status: int, answer: bytes) -> None:
    """WeCom and DingTalk answer 200 also when they refuse: the body's errcode says."""
    try:
        data = json.loads(answer)
    except ValueError as exc:
        raise RobotError(f"HTTP {status}, not JSON: {answer[:100]!r}") from exc
    if not isinstance(data, dict) or data.get("errcode") != 0:
        code = data.get("errcode") if isinstance(data, dict) else None
        message = data.get("errmsg", "") if isinstance(data, dict) else ""
        raise RobotError(f"errcode {code}: {message}"[:200])


def _text_payload(text: str) -> bytes:
    return json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()


def post(
    robot: ReminderChannel,
    *,
    title: str,
    body: str = "",
    url: str = "",
    event: str = "",
    stage: str = "",
    delivery_id: int | None = None,
) -> None:
    """Post one message; returns when the service accepted it, raises RobotError otherwise."""
    text = reminder_text(title=title, body=body, url=url)
    if robot.kind == ReminderChannel.Kind.WECOM:
        _check_errcode(*_post(robot.url, _text_payload(text), {}))
    elif robot.kind == ReminderChannel.Kind.DINGTALK:
        timestamp = int(time.time() * 1000)
        separator = "&" if urllib.parse.urlsplit(robot.url).query else "?"
        sign = dingtalk_sign(robot.secret, timestamp)
        signed = f"{robot.url}{separator}timestamp={timestamp}&sign={sign}"
        _check_errcode(*_post(signed, _text_payload(text), {}))
    elif robot.kind == ReminderChannel.Kind.WEBHOOK:
        payload = json.dumps(
            {
                "event": event,
                "stage": stage,
                "title": title,
                "body": body,
                "url": absolute(url) if url else "",
                "text": text,
                "delivery": delivery_id,
                "sent_at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        ).encode()
        timestamp = int(time.time())
        status, _answer = _post(
            robot.url,
            payload,
            {
                "X-Portal-Timestamp": str(timestamp),
                "X-Portal-Delivery": str(delivery_id or ""),
                "X-Portal-Signature": webhook_signature(robot.secret, timestamp, payload),
            },
        )
        if not 200 <= status < 300:
            raise RobotError(f"HTTP {status}")
    else:
        raise RobotError(f"unknown kind {robot.kind!r}")


def send_test(robot: ReminderChannel) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Test message from the portal: this channel works.")
    post(robot, title=title, url="/", event="test", stage="test")
