#!/usr/bin/env python3
"""A rehearsal of the production topology on one machine (issue 18): `sudo .venv/bin/python
scripts/rehearse.py`.

In Linux network namespaces of its own, joined by a bridge on an address range of its own
(10.213.N.0/24), it starts the hosts of the README's "Production" section:

    driver 10.213.N.1   this process: the logged-in users, an SMTP server that counts what it gets
    db     .2           PostgreSQL (initdb into a temporary folder, its own port)
    redis  .3           Redis (its own port, nothing saved)
    s3     .4           an S3-compatible endpoint (moto's server mode) with the uploads' bucket
    lb     .10          haproxy: TLS, round robin, health check on /healthz
    web-a  .11, web-b .12     gunicorn (config/gunicorn.py) with config.settings.production
    worker-a .21, worker-b .22  Celery workers
    beat   .30          Celery beat (the database scheduler)

It migrates and loads the demo into its own database, then, under a bounded load of logged-in
secretaries:
  (a) uploads a photo through web-a and fetches it through web-b directly;
  (b) stops web-a (SIGTERM, as a host going down for maintenance) and counts the errors: none may
      exceed the requests in flight at that moment;
  (c) sweeps reminders for a crowd of street staff and kills worker-a (SIGKILL on every process of
      the host) while they are being delivered: every delivery must reach the SMTP server once;
  (d) kills the beat host (SIGKILL) right after it has sent the every-minute jobs and starts it
      again: no periodic job may be sent twice for one slot of its schedule.
It prints a summary table and exits 1 on any failure. Everything it made (namespaces, bridge,
processes, temporary folder) is removed at the end, also on a failure or Ctrl-C; `--keep` keeps
the folder with every host's log.
"""

import argparse
import asyncio
import collections
import contextlib
import datetime
import itertools
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

PYTHON = sys.executable
PG_PORT, REDIS_PORT, S3_PORT, WEB_PORT, SMTP_PORT = 55432, 56379, 59000, 8000, 2525
S3_KEY, S3_SECRET, S3_REGION, BUCKET = "rehearsal", "rehearsal-secret", "us-east-1", "portal"
DEMO_PASSWORD = "demo-2026"  # noqa: S105 - core/demo.py, published in the README
SECRETARIES = ["xingguang", "huijin", "jianghai", "daxuecheng", "luhongzha"]  # accounts/demo.py
HOSTS = {
    "db": 2, "redis": 3, "s3": 4, "lb": 10, "web-a": 11, "web-b": 12,
    "worker-a": 21, "worker-b": 22, "beat": 30,
}  # fmt: skip
# Short claims and re-queues, so that what a dead worker held comes back within the rehearsal
# (production: minutes, see config/settings/base.py).
LEASE_SECONDS = 8
CROWD = 120  # street staff added before the sweep: each is reminded of what is due


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(*argv: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    # The script's own commands (ip, initdb, manage.py …), never anything read from outside.
    return subprocess.run(argv, check=check, capture_output=True, text=True, **kwargs)  # noqa: S603


def find_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise SystemExit(f"{name} not found (scripts/install_test_system_deps.sh installs it)")


class Network:
    """A bridge in the root namespace (the driver's address) and one namespace per host, each
    joined to the bridge by a veth pair."""

    def __init__(self):
        self.tag = f"{os.getpid() % 10000}"
        self.bridge = f"rhbr{self.tag}"
        self.subnet = self._free_subnet()
        self.namespaces: list[str] = []

    def _free_subnet(self) -> str:
        routes = run("ip", "-4", "route").stdout + run("ip", "-4", "addr").stdout
        choices = list(range(20, 250))
        random.shuffle(choices)
        for third in choices:
            if f"10.213.{third}." not in routes:
                return f"10.213.{third}"
        raise SystemExit("no free 10.213.x.0/24 range")

    def address(self, host: str) -> str:
        return f"{self.subnet}.{HOSTS[host]}" if host != "driver" else f"{self.subnet}.1"

    def ns(self, host: str) -> str:
        return f"rh{self.tag}-{host}"

    def create(self) -> None:
        run("ip", "link", "add", self.bridge, "type", "bridge")
        run("ip", "addr", "add", f"{self.address('driver')}/24", "dev", self.bridge)
        run("ip", "link", "set", self.bridge, "up")
        for host, number in HOSTS.items():
            ns, outside = self.ns(host), f"rh{self.tag}h{number}"
            run("ip", "netns", "add", ns)
            self.namespaces.append(ns)
            run("ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0",
                "netns", ns)  # fmt: skip
            run("ip", "link", "set", outside, "master", self.bridge, "up")
            run("ip", "-n", ns, "addr", "add", f"{self.address(host)}/24", "dev", "eth0")
            run("ip", "-n", ns, "link", "set", "eth0", "up")
            run("ip", "-n", ns, "link", "set", "lo", "up")

    def destroy(self) -> None:
        for ns in self.namespaces:
            run("ip", "netns", "del", ns, check=False)  # its veth goes with it
        self.namespaces = []
        run("ip", "link", "del", self.bridge, check=False)


class Processes:
    """Every process started, each in a session of its own so that a host is stopped whole."""

    def __init__(self, network: Network, folder: Path):
        self.network, self.folder = network, folder
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, host: str, argv: list[str], env: dict, *, user: str = ""):
        prefix = ["ip", "netns", "exec", self.network.ns(host)]
        if user:
            prefix += ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"]
        log_file = (self.folder / f"{name}.log").open("a")
        self.running[name] = subprocess.Popen(  # noqa: S603 - as run() above
            prefix + argv,
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log_file.close()
        return self.running[name]

    def stop(self, name: str, *, signum: int = signal.SIGTERM, wait: float = 20) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        # What is left of the host's session (a worker's children): gone with the host.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in list(self.running)[::-1]:
            self.stop(name, wait=5)

    def log_text(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def wait_until(condition, *, seconds: float, what: str, interval: float = 0.2) -> None:
    deadline, last = time.monotonic() + seconds, ""
    while True:
        try:
            if condition():
                return
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = f" (last: {type(exc).__name__}: {exc})"
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {seconds:.0f} s waiting for {what}{last}")
        time.sleep(interval)


def port_open(address: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((address, port)) == 0


# The load ----------------------------------------------------------------------------------------


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors: list[tuple[float, str]] = []
        self.in_flight = 0

    def begin(self) -> None:
        with self.lock:
            self.in_flight += 1

    def end(self, error: str | None) -> None:
        with self.lock:
            self.in_flight -= 1
            self.requests += 1
            if error:
                self.errors.append((time.monotonic(), error))


def http(cafile: str):
    """A requests session that trusts the load balancer's certificate and nothing from this
    process's environment (a CA bundle or proxy set there would override it)."""
    import requests

    session = requests.Session()
    session.trust_env = False
    session.verify = cafile
    return session


def portal_session(base: str, username: str, cafile: str):
    """A requests session logged in through the load balancer (HTTPS, as a browser would)."""
    session = http(cafile)
    session.headers["Referer"] = f"{base}/"  # Django's CSRF check over HTTPS wants one
    login = f"{base}/accounts/login/"
    page = session.get(login, timeout=10)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not found:
        raise RuntimeError(f"no log-in form for {username}: HTTP {page.status_code}")
    token = found.group(1)
    answer = session.post(
        login,
        data={"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302 or "login" in answer.headers.get("Location", ""):
        raise RuntimeError(f"{username} could not log in: {answer.status_code}")
    return session


def load_user(base, session, counts: Counts, stop: threading.Event) -> None:
    pages = ["/", "/activities/", "/branches/"]
    n = 0
    while not stop.is_set():
        page = pages[n % len(pages)]
        n += 1
        counts.begin()
        error = None
        try:
            answer = session.get(f"{base}{page}", allow_redirects=False, timeout=15)
            if answer.status_code != 200:
                error = f"{page}: HTTP {answer.status_code}"
        except Exception as exc:  # noqa: BLE001 - every failure is an error of the load
            error = f"{page}: {type(exc).__name__}: {str(exc)[-120:]}"
        counts.end(error)
        stop.wait(0.15)


def _sink_class():
    from core.tests.smtp import Sink

    class SlowConversation(Sink):
        """An SMTP server that takes its time over each recipient, before the message's data:
        a worker killed while talking to it has handed over nothing. (A message whose data the
        server has received counts as accepted even if the worker dies before reading the 250:
        that window, between the server's answer and the delivery marked sent, is the one the
        portal cannot close, assessments/deliveries.py; here it is as short as in life.)"""

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            await asyncio.sleep(self.delay)
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            delay, self.delay = self.delay, 0
            try:
                return await super().handle_DATA(server, session, envelope)
            finally:
                self.delay = delay

    return SlowConversation


# The rehearsal -----------------------------------------------------------------------------------


class Rehearsal:
    def __init__(self, folder: Path):
        self.folder = folder
        self.net = Network()
        self.procs = Processes(self.net, folder)
        self.results: list[tuple[str, str, bool]] = []

    # Environment ---------------------------------------------------------------------------------
    def env(self, **more: str) -> dict:
        net = self.net
        hosts = ",".join(net.address(h) for h in ("lb", "web-a", "web-b"))
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": str(self.folder),
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": self.secret,
            "DJANGO_ALLOWED_HOSTS": hosts,
            "DATABASE_URL": f"postgres://postgres@{net.address('db')}:{PG_PORT}/portal",
            "CELERY_BROKER_URL": f"redis://{net.address('redis')}:{REDIS_PORT}/0",
            "DJANGO_S3_BUCKET": BUCKET,
            "DJANGO_S3_ENDPOINT_URL": f"http://{net.address('s3')}:{S3_PORT}",
            "DJANGO_S3_REGION": S3_REGION,
            "DJANGO_S3_ACCESS_KEY_ID": S3_KEY,
            "DJANGO_S3_SECRET_ACCESS_KEY": S3_SECRET,
            "DJANGO_S3_ADDRESSING_STYLE": "path",
            "DJANGO_STATIC_ROOT": str(self.folder / "static"),
            "DJANGO_EMAIL_HOST": net.address("driver"),
            "DJANGO_EMAIL_PORT": str(SMTP_PORT),
            "PORTAL_TRUSTED_PROXIES": "1",
            "PORTAL_BASE_URL": f"https://{net.address('lb')}",
            "PORTAL_REMINDER_LEASE_SECONDS": str(LEASE_SECONDS),
            "PORTAL_REMINDER_REQUEUE_AFTER_SECONDS": str(LEASE_SECONDS),
            "CELERY_VISIBILITY_TIMEOUT": str(LEASE_SECONDS * 2),
            "PORTAL_LOG_FORMAT": "plain",
        }
        return environment | more

    def manage(self, *args: str, host: str = "web-a", timeout: float = 600) -> str:
        done = run(
            "ip", "netns", "exec", self.net.ns(host), PYTHON, "manage.py", *args,
            cwd=BASE_DIR, env=self.env(), timeout=timeout, check=False,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(
                f"manage.py {' '.join(args[:1])} failed:\n{done.stdout}{done.stderr}"
            )
        return done.stdout

    def sql(self, query: str, *params):
        import psycopg2

        with contextlib.closing(
            psycopg2.connect(
                host=self.net.address("db"), port=PG_PORT, user="postgres", dbname="portal"
            )
        ) as connection:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()

    # Hosts ---------------------------------------------------------------------------------------
    def start_data_hosts(self) -> None:
        net, folder = self.net, self.folder
        data = folder / "pgdata"
        data.mkdir()
        shutil.chown(data, "postgres", "postgres")
        run(
            "setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
            find_binary("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        with (data / "pg_hba.conf").open("a") as hba:  # the other hosts, on the rehearsal's range
            hba.write(f"host all all {net.subnet}.0/24 trust\n")
        self.procs.start(
            "db", "db",
            [find_binary("postgres"), "-D", str(data), "-p", str(PG_PORT),
             "-c", f"listen_addresses={net.address('db')}", "-c", f"unix_socket_directories={data}",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=200"],
            {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
            user="postgres",
        )  # fmt: skip
        self.procs.start(
            "redis", "redis",
            ["redis-server", "--bind", net.address("redis"), "--port", str(REDIS_PORT),
             "--save", "", "--appendonly", "no", "--protected-mode", "no"],
            {"PATH": os.environ["PATH"]},
        )  # fmt: skip
        self.procs.start(
            "s3", "s3",
            [PYTHON, "-m", "moto.server", "-H", net.address("s3"), "-p", str(S3_PORT)],
            {"PATH": os.environ["PATH"], "HOME": str(folder)},
        )  # fmt: skip
        wait_until(self._pg_up, seconds=60, what="PostgreSQL")
        wait_until(lambda: port_open(net.address("redis"), REDIS_PORT), seconds=30, what="Redis")
        wait_until(lambda: port_open(net.address("s3"), S3_PORT), seconds=60, what="moto")
        self.s3().create_bucket(Bucket=BUCKET)

    def s3(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=f"http://{self.net.address('s3')}:{S3_PORT}",
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET,
            region_name=S3_REGION,
        )

    def _pg_up(self) -> bool:
        import psycopg2

        psycopg2.connect(
            host=self.net.address("db"), port=PG_PORT, user="postgres", dbname="postgres",
            connect_timeout=1,
        ).close()  # fmt: skip
        return True

    def prepare_database(self) -> None:
        import psycopg2

        connection = psycopg2.connect(
            host=self.net.address("db"), port=PG_PORT, user="postgres", dbname="postgres"
        )
        connection.autocommit = True
        connection.cursor().execute("CREATE DATABASE portal")
        connection.close()
        log("migrate")
        self.manage("migrate", "--noinput")
        log("load_demo (into the rehearsal's own database)")
        self.manage("load_demo", "--force")
        log("collectstatic")
        self.manage("collectstatic", "--noinput")

    def start_web(self, name: str) -> None:
        net = self.net
        metrics = self.folder / f"{name}-metrics"
        self.procs.start(
            name, name,
            [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
             "-b", f"{net.address(name)}:{WEB_PORT}", "-w", "2", "--threads", "4",
             "--graceful-timeout", "20"],
            self.env(PROMETHEUS_MULTIPROC_DIR=str(metrics)),
        )  # fmt: skip

    def start_worker(self, name: str) -> None:
        self.procs.start(
            name, name,
            [PYTHON, "-m", "celery", "-A", "config", "worker", "-n", f"{name}@rehearsal",
             "--pool", "prefork", "-c", "2", "--without-gossip", "--without-mingle", "-l", "info"],
            self.env(),
        )  # fmt: skip

    def start_beat(self) -> None:
        self.procs.start(
            "beat", "beat",
            [PYTHON, "-m", "celery", "-A", "config", "beat", "-l", "info",
             "--pidfile", str(self.folder / "beat.pid")],
            self.env(),
        )  # fmt: skip

    def start_lb(self) -> None:
        net, folder = self.net, self.folder
        key, cert = folder / "lb.key", folder / "lb.crt"
        run(
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=portal-rehearsal",
            "-addext", f"subjectAltName=IP:{net.address('lb')}",
        )  # fmt: skip
        (folder / "lb.pem").write_text(cert.read_text() + key.read_text())
        servers = "\n".join(
            f"    server {name} {net.address(name)}:{WEB_PORT} check inter 1s fall 2 rise 2"
            for name in ("web-a", "web-b")
        )
        (folder / "haproxy.cfg").write_text(
            f"""global
    maxconn 512
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    option dontlog-normal
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout check 5s
frontend portal
    bind {net.address("lb")}:443 ssl crt {folder / "lb.pem"}
    http-request set-header X-Forwarded-Proto https
    option forwardfor
    default_backend web
backend web
    balance roundrobin
    # A request a stopping host has dropped (refused, or its connection closed with no answer)
    # is sent again to the other host, at once; never a POST, which may have been acted on.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    http-request disable-l7-retry unless {{ method GET HEAD }}
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {net.address("lb")}
    http-check expect status 200
{servers}
"""
        )
        self.procs.start(
            "lb", "lb", ["haproxy", "-W", "-db", "-f", str(folder / "haproxy.cfg")],
            {"PATH": os.environ["PATH"]},
        )  # fmt: skip

    # Checks --------------------------------------------------------------------------------------
    def record(self, what: str, value: str, ok: bool) -> None:
        self.results.append((what, value, ok))
        log(f"{'ok  ' if ok else 'FAIL'} {what}: {value}")

    def photo_on_both_hosts(self, base: str, cafile: str) -> None:
        """Upload a photo with an activity through web-a, fetch it through web-b."""
        import io

        from PIL import Image

        web_a = f"http://{self.net.address('web-a')}:{WEB_PORT}"
        web_b = f"http://{self.net.address('web-b')}:{WEB_PORT}"
        session = portal_session(base, SECRETARIES[0], cafile)
        # Through web-a directly, as the load balancer would have sent it there.
        headers = {"X-Forwarded-Proto": "https", "Referer": f"{base}/"}
        cookies = {cookie.name: cookie.value for cookie in session.cookies}
        form = session.get(f"{base}/activities/new/", timeout=10).text
        kinds = re.findall(r'<option value="(\d+)"', form.split('name="kind"', 1)[1])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        submission = re.search(r'name="submission_token" value="([^"]+)"', form).group(1)
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
        photo = buffer.getvalue()
        direct = http(cafile)
        answer = direct.post(
            f"{web_a}/activities/new/",
            headers={**headers, "Host": self.net.address("lb")},
            cookies=cookies,
            data={
                "csrfmiddlewaretoken": token,
                "submission_token": submission,
                "kind": kinds[0],
                "title": "彩排：工棚小党课",
                "held_on": datetime.date.today().isoformat(),
                "lecturer": "张书记",
                "non_member_count": "0",
            },
            files={"photos": ("rehearsal.jpg", photo, "image/jpeg")},
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code != 302:
            errors = re.findall(
                r'class="invalid-feedback[^"]*"[^>]*>\s*(?:<[^>]+>)?([^<]+)', answer.text
            )
            raise RuntimeError(
                f"the activity was not saved through web-a: {answer.status_code} {errors}"
            )
        detail = urllib.parse.urljoin(f"{web_a}/", answer.headers["Location"])
        page = direct.get(
            detail, headers={**headers, "Host": self.net.address("lb")}, cookies=cookies, timeout=10
        ).text
        photo_path = re.search(r"/activities/photos/\d+/", page).group(0)
        seen = {}
        for name, origin in (("web-a", web_a), ("web-b", web_b)):
            got = direct.get(
                f"{origin}{photo_path}",
                headers={**headers, "Host": self.net.address("lb")},
                cookies=cookies,
                timeout=10,
            )
            seen[name] = got.status_code == 200 and got.content == photo
        # Stored in the bucket, not on web-a's disk.
        key = self.sql(
            "SELECT image FROM activities_activityphoto WHERE id = %s",
            int(photo_path.rstrip("/").rsplit("/", 1)[1]),
        )[0][0]
        stored = self.s3().get_object(Bucket=BUCKET, Key=key)["Body"].read() == photo
        self.record(
            "photo uploaded via web-a, in the bucket, shown by web-a / web-b",
            f"{'yes' if stored else 'no'}, {'yes' if seen['web-a'] else 'no'} / "
            f"{'yes' if seen['web-b'] else 'no'}",
            stored and all(seen.values()),
        )

    def sending_keys(self) -> set[tuple[str, str]]:
        """(address, title) of the e-mail deliveries claimed and not yet marked sent."""
        rows = self.sql(
            "SELECT u.email, n.title FROM assessments_delivery d "
            "JOIN assessments_notification n ON n.id = d.notification_id "
            "JOIN accounts_user u ON u.id = n.recipient_id "
            "WHERE d.channel = 'email' AND d.status = 'sending'"
        )
        return {(email, title) for email, title in rows}

    def deliveries(self) -> tuple[int, int, collections.Counter]:
        rows = self.sql(
            "SELECT u.email, n.title, d.status FROM assessments_delivery d "
            "JOIN assessments_notification n ON n.id = d.notification_id "
            "JOIN accounts_user u ON u.id = n.recipient_id WHERE d.channel = 'email'"
        )
        sent = sum(1 for row in rows if row[2] == "sent")
        return len(rows), sent, collections.Counter((email, title) for email, title, _ in rows)

    def add_crowd_and_sweep(self) -> None:
        """Street staff with an address, each reminded of what is due, and the sweep sent to the
        workers as beat sends it."""
        code = (
            "from accounts.models import User\n"
            "User.objects.bulk_create(User(username=f'rehearsal{n:03}', "
            "email=f'rehearsal{n:03}@example.org', role=User.Role.STREET_STAFF, password='!', "
            f"full_name=f'彩排{{n}}') for n in range({CROWD}))\n"
            "from assessments.tasks import sweep_reminders\n"
            "sweep_reminders.delay()\n"
        )
        self.manage("shell", "-c", code)

    def beat_sends(self, *, since_last_start: bool = False) -> list[tuple[float, str]]:
        """(time, periodic task) of every 'Sending due task' in beat's log (both runs of it, or
        the last one)."""
        sends = []
        text = self.procs.log_text("beat")
        if since_last_start:
            text = text.rsplit("beat: Starting...", 1)[-1]
        for line in text.splitlines():
            found = re.match(
                r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+) .*Sending due task (.+?) \(", line
            )
            if found:
                stamp = datetime.datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f")
                sends.append((stamp.timestamp(), found.group(2)))
        return sends

    def periodic_intervals(self) -> dict[str, float]:
        """The interval in seconds of each interval-scheduled periodic task (crontab ones: 60, the
        finest a crontab slot can be)."""
        rows = self.sql(
            "SELECT t.name, i.every, i.period FROM django_celery_beat_periodictask t "
            "LEFT JOIN django_celery_beat_intervalschedule i ON i.id = t.interval_id"
        )
        unit = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1, "microseconds": 1e-6}
        return {name: (every * unit[period] if every else 60.0) for name, every, period in rows}

    # The whole run -------------------------------------------------------------------------------
    def run(self, *, load_seconds: float) -> bool:
        import requests  # noqa: F401 - fail early when the venv lacks it

        self.secret = secrets.token_urlsafe(40)
        log(f"network {self.net.subnet}.0/24, folder {self.folder}")
        self.net.create()
        self.start_data_hosts()
        self.prepare_database()

        from aiosmtpd.controller import Controller

        SlowConversation = _sink_class()

        sink = SlowConversation(delay=0.05)
        smtp = Controller(sink, hostname=self.net.address("driver"), port=SMTP_PORT)
        smtp.start()
        try:
            return self._with_hosts(sink, load_seconds)
        finally:
            smtp.stop()

    def _with_hosts(self, sink, load_seconds: float) -> bool:
        net = self.net
        log("starting web-a, web-b, lb, worker-a, worker-b, beat")
        self.start_web("web-a")
        self.start_web("web-b")
        self.start_lb()
        self.start_worker("worker-a")
        self.start_worker("worker-b")
        self.start_beat()
        base, cafile = f"https://{net.address('lb')}", str(self.folder / "lb.crt")
        for name in ("web-a", "web-b"):
            origin = f"http://{net.address(name)}:{WEB_PORT}"
            wait_until(
                lambda origin=origin: http(cafile).get(f"{origin}/healthz", timeout=2).ok,
                seconds=60,
                what=name,
            )
        # Both back ends up in the load balancer's eyes (two checks passed, a second apart).
        time.sleep(3)
        wait_until(
            lambda: http(cafile).get(f"{base}/healthz", timeout=2).status_code == 200,
            seconds=30,
            what="the load balancer",
        )
        counts, stop = Counts(), threading.Event()
        sessions = [portal_session(base, SECRETARIES[n], cafile) for n in range(4)]
        users = [
            threading.Thread(target=load_user, args=(base, session, counts, stop), daemon=True)
            for session in sessions
        ]
        started = time.monotonic()
        killed_at, beat_restarted = "?", time.time()
        in_window: set[tuple[str, str]] = set()
        for user in users:
            user.start()
        log(f"load: {len(users)} logged-in secretaries through the load balancer")
        try:
            # (a) ------------------------------------------------------------------------------
            self.photo_on_both_hosts(base, cafile)
            # (c) the sweep, and worker-a killed while its deliveries go out ---------------------
            before_total, _, _ = self.deliveries()
            accepted_before = sink.accepted
            self.add_crowd_and_sweep()
            wait_until(
                lambda: self.deliveries()[0] > before_total,
                seconds=60,
                what="the sweep's deliveries",
            )
            time.sleep(1)  # the sweep's one transaction has committed: all its rows are there
            quarter = max(10, (self.deliveries()[0] - before_total) // 4)
            wait_until(lambda: sink.accepted - accepted_before >= quarter,
                       seconds=60, what="the first deliveries", interval=0.05)  # fmt: skip
            total, sent, _ = self.deliveries()
            self.procs.stop("worker-a", signum=signal.SIGKILL)
            killed_at = sent
            # The one window no system closes: a message the mail server accepted whose delivery
            # the dead worker had not yet marked sent (assessments/deliveries.py). Its delivery
            # is sent again; a duplicate is allowed only for such a message, as a failed request
            # is allowed only for one in flight when web-a stops.
            accepted_at_kill = sink.counts()
            in_window = {key for key in self.sending_keys() if accepted_at_kill[key]}
            log(f"worker-a killed (SIGKILL) with {sent} of {total} e-mail deliveries sent")
            # (b) web-a stopped under load ----------------------------------------------------
            time.sleep(2)
            with counts.lock:
                in_flight = counts.in_flight
                errors_before = len(counts.errors)
            stopped_at = time.monotonic()
            self.procs.stop("web-a", signum=signal.SIGTERM)
            log(f"web-a stopped (SIGTERM) with {in_flight} requests in flight")
            # (d) the beat host killed and started again, right after it has sent the
            # every-minute jobs: the beat started again must know they have run.
            wait_until(lambda: len(self.beat_sends()) >= 2, seconds=90, what="beat's first sends")
            time.sleep(1)
            self.procs.stop("beat", signum=signal.SIGKILL)
            beat_restarted = time.time()
            self.start_beat()
            log("beat killed (SIGKILL) and started again")
            # The load goes on through web-b; the reminders are finished by worker-b.
            while time.monotonic() - started < load_seconds:
                time.sleep(0.5)
            stop.set()
            for user in users:
                user.join(20)
            with counts.lock:
                requests_done = counts.requests
                errors_after_stop = [e for at, e in counts.errors if at >= stopped_at]
                all_errors = [e for _, e in counts.errors]
            self.record("requests through the load balancer", str(requests_done), requests_done > 0)
            self.record(
                "errors (allowed: the requests in flight when web-a stopped)",
                f"{len(all_errors)} (allowed {in_flight})",
                errors_before == 0 and len(errors_after_stop) <= in_flight,
            )
            for at, error in counts.errors[:10]:
                log(f"error {at - stopped_at:+.1f} s from web-a's stop: {error}")
            # (c) the count ------------------------------------------------------------------------
            wait_until(
                lambda: self.deliveries()[1] == self.deliveries()[0],
                seconds=150,
                what="every e-mail delivery sent",
                interval=1,
            )
        except RuntimeError as exc:
            log(f"FAIL {exc}")
            self.results.append(("the rehearsal went on to the end", "no, see above", False))
            stop.set()
        finally:
            stop.set()
        total, sent, expected = self.deliveries()
        received = sink.counts()
        extra = received - expected  # sent more often than due
        duplicated = sum(extra.values())
        unexplained = sum(n for key, n in extra.items() if n > 1 or key not in in_window)
        missing = sum((expected - received).values())
        self.record("reminders due / sent (e-mail deliveries)", f"{total} / {sent}", total == sent)
        if duplicated:
            log(f"received twice: {[key for key, n in received.items() if n > 1][:5]}")
        self.record(
            "reminders received by SMTP / missing / duplicated",
            f"{sum(received.values())} / {missing} / {duplicated} (allowed {len(in_window)})",
            missing == 0 and unexplained == 0 and total > 0,
        )
        log(f"(worker-a was killed after {killed_at} of them were sent)")
        # (d) the count: wait until each every-minute task has come due once after the restart.
        wait_until(lambda: time.time() - beat_restarted > 65, seconds=90, what="a minute of beat")
        intervals = self.periodic_intervals()
        by_task: dict[str, list[float]] = collections.defaultdict(list)
        for at, name in self.beat_sends():
            by_task[name].append(at)
        twice = []
        for name, times in by_task.items():
            times.sort()
            slot = intervals.get(name, 60.0)
            twice += [
                name for first, second in itertools.pairwise(times) if second - first < slot / 2
            ]
        runs = sum(len(times) for times in by_task.values())
        after_restart = len(self.beat_sends(since_last_start=True))
        self.record(
            "periodic jobs sent before / after beat's restart / twice in one slot",
            f"{runs - after_restart} / {after_restart} / {len(twice)}",
            runs - after_restart > 0 and after_restart > 0 and not twice,
        )
        if twice:
            log(f"sent twice: {collections.Counter(twice)}")
        return all(ok for _, _, ok in self.results)

    def teardown(self) -> None:
        self.procs.stop_all()
        self.net.destroy()

    def summary(self) -> str:
        width = max(len(what) for what, _, _ in self.results) if self.results else 10
        lines = [f"{'check'.ljust(width)}  {'value':<22} result", "-" * (width + 32)]
        lines += [
            f"{what.ljust(width)}  {value:<22} {'ok' if ok else 'FAIL'}"
            for what, value, ok in self.results
        ]
        return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the folder with every log")
    parser.add_argument("--load-seconds", type=float, default=40)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("the rehearsal creates network namespaces: run it as root (sudo)", file=sys.stderr)
        return 2
    for tool in ("haproxy", "redis-server", "openssl", "setpriv"):
        if not shutil.which(tool):
            print(f"{tool} is missing (scripts/install_test_system_deps.sh)", file=sys.stderr)
            return 2
    folder = Path(tempfile.mkdtemp(prefix="portal-rehearsal-"))
    os.chmod(folder, 0o755)  # noqa: S103 - PostgreSQL's user reaches its data folder inside
    rehearsal = Rehearsal(folder)

    def stopped(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stopped)
    ok = False
    try:
        ok = rehearsal.run(load_seconds=args.load_seconds)
    except KeyboardInterrupt:
        log("interrupted")
        rehearsal.results.append(("interrupted (Ctrl-C or SIGTERM)", "", False))
    except Exception as exc:  # noqa: BLE001 - reported, then everything is torn down
        log(f"FAIL {type(exc).__name__}: {exc}")
        rehearsal.results.append((f"{type(exc).__name__}: {str(exc)[:200]}", "", False))
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        rehearsal.teardown()
        print()
        print(rehearsal.summary())
        if args.keep or not ok:
            if args.keep:
                print(f"\nlogs kept in {folder}")
            else:
                for name in sorted(folder.glob("*.log")):
                    tail = name.read_text(errors="replace").splitlines()[-15:]
                    print(f"\n--- {name.name} (last lines)\n" + "\n".join(tail))
                shutil.rmtree(folder, ignore_errors=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print("\nREHEARSAL PASSED" if ok else "\nREHEARSAL FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
