"""Two `lanyard serve` replicas on one database behind Debian's nginx, round-robin, no sticky
sessions (issue 18, items 1 and 3): a session works across both; a code, a lock, a deactivated key,
a deleted user or a detached policy is seen by the other replica on its very next request; a
replica killed with SIGKILL mid-load loses nothing acknowledged while the other keeps serving; and
SIGTERM drains what is in flight."""

import os
import signal
import subprocess
import threading
import time
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

import harness

A, B, LB = 3111, 3112, 3113
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
LB_HOST = f"localhost:{LB}"


def client(service, port, key, host_port=None):
    """An SDK client of one replica (or of the balancer)."""
    config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=15)
    secret = key.get("secret_access_key") or key.get("SecretAccessKey")
    key_id = key.get("access_key_id") or key.get("AccessKeyId")
    return boto3.client(service, endpoint_url=f"http://localhost:{host_port or port}", region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        aws_session_token=key.get("SessionToken"), config=config)


def balancer(upstreams, port):
    """Debian's nginx, round-robin over the replicas, no sticky sessions."""
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in upstreams)
    return harness.Nginx("nginx", port, f"""
  upstream lanyard {{
{servers}
    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://lanyard;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      add_header X-Upstream $upstream_addr always;
    }}
  }}
""")


def upstream(headers):
    return dict((k.lower(), v) for k, v in headers).get("x-upstream", "")


class Replicas(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The balancer (and the tests, which pose as clients at other addresses) are on loopback.
        cls.cluster, cls.env = harness.fresh_database(LANYARD_DB_MAX_CONNECTIONS="8",
                                                      LANYARD_TRUSTED_PROXIES="127.0.0.1")
        public = f"http://{LB_HOST}"
        cls.servers = {p: harness.Server(cls.env, p, public_url=public).start() for p in (A, B)}
        cls.nginx = balancer([A, B], LB).start()

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        for s in cls.servers.values():
            s.stop()
        cls.cluster.destroy()

    def setUp(self):
        for s in self.servers.values():
            if s.proc is None:
                s.start()
        self.account = harness.new_account(self.env, "rep")
        self.root = self.account["key"]

    def iam(self, port, key=None):
        return client("iam", port, key or self.root)

    def user_with_key(self, name, policy=ADMIN):
        self.iam(A).create_user(UserName=name)
        if policy:
            self.iam(A).attach_user_policy(UserName=name, PolicyArn=policy)
        return self.iam(A).create_access_key(UserName=name)["AccessKey"]

    def test_a_session_works_across_both_replicas(self):
        cookie = harness.root_session(LB, self.account)
        seen = set()
        for _ in range(8):
            status, body, _, headers = harness.get(LB, "/console/users", cookie)
            self.assertEqual(status, 200, body[:300])
            self.assertIn("Create user", body)
            seen.add(upstream(headers))
        self.assertEqual(seen, {f"127.0.0.1:{A}", f"127.0.0.1:{B}"}, "round-robin should reach both replicas")
        # A change made through one replica is on the next page the other serves.
        status, body, _, _ = harness.console_create_user(LB, "via-lb", cookie)
        self.assertEqual(status, 200, body)
        for _ in range(2):
            self.assertIn("via-lb", harness.get(LB, "/console/users", cookie)[1])

    def test_an_mfa_code_accepted_by_one_replica_is_refused_by_the_other(self):
        key = self.user_with_key("mfa-user")
        device = self.iam(A).create_virtual_mfa_device(VirtualMFADeviceName="mfa-user")["VirtualMFADevice"]
        seed, serial = device["Base32StringSeed"].decode(), device["SerialNumber"]
        step = harness.now_step()
        self.iam(A).enable_mfa_device(UserName="mfa-user", SerialNumber=serial,
                                      AuthenticationCode1=harness.totp(seed, step - 1),
                                      AuthenticationCode2=harness.totp(seed, step))
        code = harness.totp(seed, step + 1)
        creds = client("sts", A, key).get_session_token(SerialNumber=serial, TokenCode=code)["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        replay = harness.error_code(lambda: client("sts", B, key).get_session_token(SerialNumber=serial, TokenCode=code))
        self.assertIsNotNone(replay, "the other replica accepted a spent code")

    def test_parallel_wrong_passwords_over_both_replicas_get_no_more_checks_than_the_limit(self):
        results = []

        def guess(i):
            # From 50 addresses, so only the per-principal counter can stop them.
            status, _, _, headers = harness.form_post(LB, "/api/sign_in", {
                "kind": "root", "email": self.account["email"], "password": "Wrong-Guess-123"},
                forwarded_for=f"198.51.100.{i + 1}")
            results.append((status, upstream(headers)))

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(len(results), 50)
        self.assertEqual({s for s, _ in results}, {401})
        self.assertEqual({u for _, u in results}, {f"127.0.0.1:{A}", f"127.0.0.1:{B}"})
        failures = self.cluster.psql("lanyard_ops", "SELECT failures FROM signin_throttle WHERE throttle_key "
                                                    f"LIKE 'root:%{self.account['email']}%'")
        self.assertEqual(failures, "5", "exactly the free allowance of guesses reached the password check")
        # Locked on both replicas: the right password is refused too.
        for port in (A, B):
            status, _, _, _ = harness.form_post(port, "/api/sign_in", {
                "kind": "root", "email": self.account["email"], "password": harness.ROOT_PASSWORD}, host=LB_HOST,
                forwarded_for="203.0.113.9")
            self.assertEqual(status, 401)

    def test_a_key_deactivated_through_one_replica_is_refused_by_the_other_at_once(self):
        key = self.user_with_key("worker")
        on_b = client("sts", B, key)
        self.assertIn(":user/worker", on_b.get_caller_identity()["Arn"])
        self.iam(A).update_access_key(UserName="worker", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        self.assertEqual(harness.error_code(on_b.get_caller_identity), "InvalidClientTokenId")

    def test_a_user_deleted_through_one_replica_is_refused_by_the_other_at_once(self):
        key = self.user_with_key("leaver")
        on_b = self.iam(B, key)
        on_b.list_users()
        cookie = harness.root_session(A, self.account, host=LB_HOST)
        status, body, _, _ = harness.form_post(A, "/api/delete_user", {"user_name": "leaver", "confirm_name": "leaver"},
                                               cookie, host=LB_HOST)
        self.assertEqual(status, 200, body)
        self.assertEqual(harness.error_code(on_b.list_users), "InvalidClientTokenId")

    def test_a_policy_detached_through_one_replica_no_longer_allows_on_the_other(self):
        key = self.user_with_key("operator")
        on_b = self.iam(B, key)
        on_b.list_users()
        self.iam(A).detach_user_policy(UserName="operator", PolicyArn=ADMIN)
        self.assertEqual(harness.error_code(on_b.list_users), "AccessDenied")

    def test_zz_a_replica_killed_mid_load_loses_nothing_and_the_other_keeps_serving(self):
        cookie = harness.root_session(LB, self.account)
        records, lock, stop = [], threading.Lock(), threading.Event()

        def writer(n):
            c = client("iam", LB, self.root)
            i = 0
            while not stop.is_set():
                name, started = f"k{n}-{i}", time.monotonic()
                i += 1
                try:
                    c.create_user(UserName=name, Path="/kill/")
                    ok, status = True, 200
                except botocore.exceptions.ClientError as e:
                    ok, status = False, e.response["ResponseMetadata"]["HTTPStatusCode"]
                except botocore.exceptions.BotoCoreError:
                    ok, status = False, 0
                with lock:
                    records.append((started, ok, status, name))

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        time.sleep(2)
        self.servers[A].stop(signal.SIGKILL)
        killed = time.monotonic()
        time.sleep(4)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        acked = {name for _, ok, _, name in records if ok}
        stored = self.cluster.psql("lanyard_ops", "SELECT string_agg(user_name, ',') FROM users WHERE account_id = "
                                                  f"'{self.account['id']}' AND path = '/kill/'")
        self.assertFalse(acked - set(stored.split(",")), "acknowledged users were lost")
        failed = [r for r in records if not r[1]]
        after = [r for r in records if r[0] >= killed + 1 and not r[1]]
        self.assertFalse(after, f"the surviving replica did not take over: {after[:5]}")
        self.assertTrue([r for r in records if r[0] >= killed + 1 and r[1]])
        # Nothing half-written: the per-path counters (kept in each write's transaction) match.
        counted, real = self.cluster.psql("lanyard_ops", "SELECT (SELECT coalesce(sum(user_count), 0) FROM user_paths "
                                                         f"WHERE account_id = '{self.account['id']}') || ',' || "
                                                         "(SELECT count(*) FROM users WHERE account_id = "
                                                         f"'{self.account['id']}')").split(",")
        self.assertEqual(counted, real)
        # The session (in PostgreSQL) outlives the replica that created it.
        for _ in range(2):
            status, body, _, _ = harness.get(LB, "/console/users", cookie)
            self.assertEqual(status, 200)
            self.assertIn("Create user", body)
        print(f"\n  SIGKILL of one replica under load: {len(acked)} users acknowledged (all present), "
              f"{len(failed)} requests in flight failed, 0 failed from 1 s after the kill", flush=True)

    def test_zz_sigterm_drains_requests_in_flight(self):
        self.iam(B).create_user(UserName="slow")
        # A request that takes 2 s: it waits for a row another session holds.
        holder = subprocess.Popen(
            ["psql", "-h", "127.0.0.1", "-p", str(harness.PG_PORT), "-U", "postgres", "-q", "lanyard_ops", "-c",
             f"BEGIN; SELECT 1 FROM users WHERE account_id = '{self.account['id']}' AND user_name = 'slow' "
             "FOR UPDATE; SELECT pg_sleep(2); COMMIT;"], stdout=subprocess.DEVNULL)
        outcome = []

        def slow_write():
            time.sleep(0.3)
            outcome.append(harness.error_code(lambda: self.iam(B).tag_user(UserName="slow", Tags=[{"Key": "k", "Value": "v"}])))

        t = threading.Thread(target=slow_write)
        t.start()
        time.sleep(0.8)
        server = self.servers[B]
        signalled = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=30)
        exited = time.monotonic() - signalled
        t.join(timeout=30)
        holder.wait(timeout=30)
        server.stop()
        self.assertEqual(outcome, [None], "the request in flight was cut off instead of finished")
        self.assertGreater(exited, 0.5, "the server exited without waiting for its request")
        self.assertLess(exited, 25.0)
        tags = self.iam(A).list_user_tags(UserName="slow")["Tags"]
        self.assertEqual(tags, [{"Key": "k", "Value": "v"}])
        print(f"\n  SIGTERM with a 2 s request in flight: it finished, then the server exited "
              f"{exited:.2f} s after the signal", flush=True)

if __name__ == "__main__":
    unittest.main(verbosity=2)
