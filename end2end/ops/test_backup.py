"""Backup and restore (issue 18, item 6): `pg_dump` of the database plus the master key file is the
whole backup. A dump restored into a fresh PostgreSQL cluster, served with the same master key,
signs users in with their passwords and MFA codes and answers the aws CLI with their access keys."""

import json
import os
import subprocess
import unittest

import boto3
from botocore.config import Config

import harness

SOURCE_PORT, RESTORED_PORT = 3120, 3121
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
USER_PASSWORD = "User-Passw0rd-Backup!"
AWS = os.environ.get("LANYARD_AWS_CLI", "aws")


def iam(port, key_id, secret):
    return boto3.client("iam", endpoint_url=f"http://localhost:{port}", region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        config=Config(retries={"total_max_attempts": 1}))


class BackupAndRestore(unittest.TestCase):
    def setUp(self):
        self.source = harness.Cluster()
        self.restored = harness.Cluster(port=harness.PG_PORT + 1, name="pg-restored")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        self.source.destroy()
        self.restored.destroy()

    def serve(self, cluster, port):
        env = dict(os.environ, DATABASE_URL=cluster.url("lanyard"))
        server = harness.Server(env, port)
        self.servers.append(server)
        return env, server

    def test_a_dump_and_the_master_key_restore_everything_that_signs_in(self):
        self.source.create()
        self.source.psql("postgres", "CREATE DATABASE lanyard")
        env, server = self.serve(self.source, SOURCE_PORT)
        harness.lanyard_plain(env, "migrate")
        server.start()
        account = harness.new_account(env, "bak")
        root = iam(SOURCE_PORT, account["key"]["access_key_id"], account["key"]["secret_access_key"])
        root.create_user(UserName="alice", Path="/ops/")
        root.attach_user_policy(UserName="alice", PolicyArn=ADMIN)
        root.create_login_profile(UserName="alice", Password=USER_PASSWORD, PasswordResetRequired=False)
        key = root.create_access_key(UserName="alice")["AccessKey"]
        device = root.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
        seed, serial = device["Base32StringSeed"].decode(), device["SerialNumber"]
        step = harness.now_step()
        root.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=harness.totp(seed, step - 1),
                               AuthenticationCode2=harness.totp(seed, step))

        # The backup, as the README gives it: a custom-format dump while the server runs.
        dump = os.path.join(harness.DATA_DIR, "lanyard.dump")
        subprocess.run(["pg_dump", "-h", "127.0.0.1", "-p", str(self.source.port), "-U", "postgres", "-Fc",
                        "-f", dump, "lanyard"], check=True)
        server.stop()
        self.source.stop()

        # The restore: a fresh cluster, an empty database, pg_restore, then the same master key.
        self.restored.create()
        self.restored.psql("postgres", "CREATE DATABASE lanyard")
        subprocess.run(["pg_restore", "-h", "127.0.0.1", "-p", str(self.restored.port), "-U", "postgres",
                        "--no-owner", "--exit-on-error", "-d", "lanyard", dump], check=True)
        env, restored = self.serve(self.restored, RESTORED_PORT)
        harness.lanyard_plain(env, "migrate")
        restored.start()

        # The password and the MFA seed (sealed with the master key) both still work.
        status, body, _, headers = harness.form_post(RESTORED_PORT, "/api/sign_in", {
            "kind": "iam", "account": account["alias"], "user_name": "alice", "password": USER_PASSWORD})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["to"], "/signin/mfa")
        cookie = harness.session_cookie(headers)
        status, body, _, headers = harness.form_post(RESTORED_PORT, "/api/sign_in_mfa",
                                                     {"mfa_code": harness.totp(seed, harness.now_step() + 1)}, cookie)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["to"], "/console")
        cookie = harness.session_cookie(headers) or cookie
        page = harness.get(RESTORED_PORT, "/console/users", cookie)
        self.assertEqual(page[0], 200)
        self.assertIn("alice", page[1])

        # The access key (its secret sealed too) signs requests of the stock aws CLI.
        cli_env = dict(os.environ, AWS_ACCESS_KEY_ID=key["AccessKeyId"], AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"],
                       AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        out = subprocess.run([AWS, "--endpoint-url", f"http://localhost:{RESTORED_PORT}", "--output", "json",
                              "sts", "get-caller-identity"], env=cli_env, capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["Arn"], f"arn:aws:iam::{account['id']}:user/ops/alice")
        users = subprocess.run([AWS, "--endpoint-url", f"http://localhost:{RESTORED_PORT}", "--output", "json",
                                "iam", "list-users"], env=cli_env, capture_output=True, text=True, check=True)
        self.assertEqual([u["UserName"] for u in json.loads(users.stdout)["Users"]], ["alice"])
        print(f"\n  backup: pg_dump {os.path.getsize(dump)} bytes; restored into a fresh cluster, the password, "
              "the MFA code and the access key all work", flush=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
