"""The event history from outside (issue 16): changes made with boto3 are recorded with the access
key that signed them, `lanyard events export` writes them as CloudTrail JSON lines (streamed, one
record per line), `lanyard events prune` removes old ones, and `GET /metrics` on its own address
answers Prometheus text that Prometheus's own parser reads, with counters that moved."""

import json
import subprocess
import unittest
import urllib.request

import boto3
from botocore.config import Config
from prometheus_client.parser import text_string_to_metric_families

import harness

SERVER, METRICS, READS = 3150, 3151, 3152


class Events(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster, cls.env = harness.fresh_database(LANYARD_METRICS_LISTEN=f"127.0.0.1:{METRICS}")
        cls.server = harness.Server(cls.env, SERVER).start()
        cls.account = harness.new_account(cls.env, "events")
        key = cls.account["key"]
        cls.iam = boto3.client("iam", endpoint_url=f"http://localhost:{SERVER}", region_name="us-east-1",
                               aws_access_key_id=key["access_key_id"],
                               aws_secret_access_key=key["secret_access_key"],
                               config=Config(retries={"total_max_attempts": 1}))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.cluster.destroy()

    def export(self, *extra):
        out = subprocess.run([harness.LANYARD, "events", "export", "--account", self.account["alias"],
                              "--since", "1h", *extra], capture_output=True, text=True, check=True, env=self.env)
        return [json.loads(line) for line in out.stdout.splitlines()], out.stdout

    def test_api_changes_are_recorded_with_their_key_and_exported_as_json_lines(self):
        self.iam.create_user(UserName="evt-alice", Tags=[{"Key": "team", "Value": "ops"}])
        self.iam.delete_user(UserName="evt-alice")
        self.assertEqual(harness.error_code(lambda: self.iam.delete_user(UserName="evt-nobody")), "NoSuchEntity")
        self.iam.list_users()  # a read: not recorded

        records, raw = self.export()
        names = [(r["eventName"], r.get("errorCode")) for r in records]
        self.assertIn(("CreateUser", None), names)
        self.assertIn(("DeleteUser", None), names)
        self.assertIn(("DeleteUser", "NoSuchEntity"), names)
        self.assertNotIn("ListUsers", [n for n, _ in names])
        created = next(r for r in records if r["eventName"] == "CreateUser")
        key_id = self.account["key"]["access_key_id"]
        self.assertEqual(created["userIdentity"]["accessKeyId"], key_id)
        self.assertEqual(created["userIdentity"]["type"], "Root")
        self.assertEqual(created["requestParameters"]["userName"], "evt-alice")
        self.assertEqual(created["sourceIPAddress"], "127.0.0.1")
        self.assertIn("Boto3", created["userAgent"])
        self.assertEqual(created["eventSource"], "iam.amazonaws.com")
        self.assertEqual(created["lanyardOrigin"], "api")
        self.assertFalse(created["readOnly"])
        failed = next(r for r in records if r.get("errorCode") == "NoSuchEntity")
        self.assertIn("evt-nobody", failed["errorMessage"])
        # Oldest first, and the secret that signed them is nowhere.
        times = [r["eventTime"] for r in records]
        self.assertEqual(times, sorted(times))
        self.assertNotIn(self.account["key"]["secret_access_key"], raw)

    def test_reads_are_recorded_when_the_setting_asks(self):
        """A second server on the same database with `LANYARD_RECORD_READS=true`: its reads,
        successful or refused, IAM's and STS's, are in the history; the first server's are not."""
        key = self.account["key"]
        env = {k: v for k, v in self.env.items() if k != "LANYARD_METRICS_LISTEN"}  # the first server has it
        reads = harness.Server(dict(env, LANYARD_RECORD_READS="true"), READS).start()
        try:
            session = boto3.session.Session(aws_access_key_id=key["access_key_id"],
                                            aws_secret_access_key=key["secret_access_key"], region_name="us-east-1")
            config = Config(retries={"total_max_attempts": 1})
            iam = session.client("iam", endpoint_url=f"http://localhost:{READS}", config=config)
            sts = session.client("sts", endpoint_url=f"http://localhost:{READS}", config=config)
            iam.list_users(PathPrefix="/evt-reads/")
            sts.get_caller_identity()
            self.assertEqual(harness.error_code(lambda: iam.get_user(UserName="evt-reads-missing")), "NoSuchEntity")
            self.iam.list_groups()  # through the server that does not record reads
        finally:
            reads.stop()
        records, raw = self.export()
        listed = [r for r in records if r["eventName"] == "ListUsers"]
        self.assertEqual(len(listed), 1, "only the recording server's ListUsers")
        self.assertTrue(listed[0]["readOnly"])
        self.assertEqual(listed[0]["requestParameters"]["pathPrefix"], "/evt-reads/")
        self.assertEqual(listed[0]["userIdentity"]["accessKeyId"], key["access_key_id"])
        who = next(r for r in records if r["eventName"] == "GetCallerIdentity")
        self.assertEqual(who["eventSource"], "sts.amazonaws.com")
        missing = next(r for r in records if r["eventName"] == "GetUser")
        self.assertEqual(missing["errorCode"], "NoSuchEntity")
        self.assertNotIn("ListGroups", [r["eventName"] for r in records])
        self.assertNotIn(key["secret_access_key"], raw)

    def test_prune_keeps_what_is_younger_than_asked(self):
        self.iam.create_user(UserName="evt-prune")
        before, _ = self.export()
        out = subprocess.run([harness.LANYARD, "events", "prune", "--older-than", "1d"],
                             capture_output=True, text=True, check=True, env=self.env)
        self.assertIn("pruned 0 events", out.stderr)
        after, _ = self.export()
        self.assertGreaterEqual(len(after), len(before))
        bad = subprocess.run([harness.LANYARD, "events", "prune", "--older-than", "soon"],
                             capture_output=True, text=True, env=self.env)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("not an age", bad.stderr)

    def test_metrics_are_prometheus_text_and_counters_move(self):
        def scrape():
            with urllib.request.urlopen(f"http://127.0.0.1:{METRICS}/metrics", timeout=10) as res:
                self.assertTrue(res.headers["Content-Type"].startswith("text/plain"))
                families = {f.name: f for f in text_string_to_metric_families(res.read().decode())}
            return families

        def value(families, family, sample_name, **labels):
            for s in families[family].samples if family in families else []:
                if s.name == sample_name and all(s.labels.get(k) == v for k, v in labels.items()):
                    return s.value
            return 0.0

        # Traffic: API calls, a failed one, console sign-ins that fail.
        self.iam.get_account_summary()
        for _ in range(3):
            harness.form_post(SERVER, "/api/sign_in", {"kind": "root", "email": self.account["email"],
                                                       "password": "not-the-password"})
        harness.error_code(lambda: self.iam.get_user(UserName="evt-missing"))
        first = scrape()
        self.assertGreaterEqual(value(first, "lanyard_sign_ins", "lanyard_sign_ins_total",
                                      step="ConsoleLogin", result="failure"), 3)
        self.assertGreaterEqual(value(first, "lanyard_api_requests", "lanyard_api_requests_total",
                                      action="GetAccountSummary", code="OK"), 1)
        self.assertGreaterEqual(value(first, "lanyard_api_requests", "lanyard_api_requests_total",
                                      action="GetUser", code="NoSuchEntity"), 1)
        self.assertIn("lanyard_http_request_duration_seconds", first)
        self.assertEqual(first["lanyard_http_request_duration_seconds"].type, "histogram")
        # The gauges are sampled when the server starts and every 5 s after.
        for gauge in ["lanyard_db_pool_connections", "lanyard_argon2_queue_depth", "lanyard_argon2_running"]:
            self.assertEqual(first[gauge].type, "gauge", gauge)
        api_count = value(first, "lanyard_http_request_duration_seconds", "lanyard_http_request_duration_seconds_count",
                          kind="api", status="2xx")
        self.iam.get_account_summary()
        second = scrape()
        self.assertEqual(value(second, "lanyard_http_request_duration_seconds",
                               "lanyard_http_request_duration_seconds_count", kind="api", status="2xx"), api_count + 1)
        # Not on the console's own address.
        status, _, _, _ = harness.get(SERVER, "/metrics")
        self.assertEqual(status, 404)


if __name__ == "__main__":
    unittest.main()
