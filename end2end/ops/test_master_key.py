"""Master-key rotation with a running server (issue 18, item 5): access keys and MFA keep working
before, during and after `lanyard master-key rotate`; afterwards every sealed value is under the
new key, and a server given only the removed key refuses to start, naming the key it lacks."""

import base64
import json
import os
import subprocess
import threading
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

import harness

PORT = 3130
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def key_file(name):
    path = os.path.join(harness.DATA_DIR, name)
    with open(path, "w") as f:
        f.write(base64.b64encode(os.urandom(32)).decode() + "\n")
    os.chmod(path, 0o600)
    return path


def sdk(service, key):
    return boto3.client(service, endpoint_url=f"http://localhost:{PORT}", region_name="us-east-1",
                        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
                        aws_session_token=key.get("SessionToken"),
                        config=Config(retries={"total_max_attempts": 1}))


class MasterKeyRotation(unittest.TestCase):
    def setUp(self):
        self.cluster = harness.Cluster()
        self.cluster.create()
        self.cluster.psql("postgres", "CREATE DATABASE lanyard")
        self.old, self.new = key_file("old.key"), key_file("new.key")
        self.base = dict(os.environ, DATABASE_URL=self.cluster.url("lanyard"), LANYARD_MASTER_KEY_FILE=self.old)
        self.base.pop("LANYARD_PREVIOUS_MASTER_KEY_FILES", None)
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.stop()
        self.cluster.destroy()

    def serve(self, **env):
        if self.server:
            self.server.stop()
        self.server = harness.Server(dict(self.base, **env), PORT).start()

    def test_rotation_keeps_keys_and_mfa_working_and_retires_the_old_key(self):
        self.serve()
        account = harness.new_account(self.base, "rot")
        root = sdk("iam", {"AccessKeyId": account["key"]["access_key_id"],
                           "SecretAccessKey": account["key"]["secret_access_key"]})
        keys, devices = [], []
        for i in range(12):
            root.create_user(UserName=f"u{i}")
            root.attach_user_policy(UserName=f"u{i}", PolicyArn=ADMIN)
            keys.append(root.create_access_key(UserName=f"u{i}")["AccessKey"])
        step = harness.now_step()
        for i in range(3):
            d = root.create_virtual_mfa_device(VirtualMFADeviceName=f"u{i}")["VirtualMFADevice"]
            seed, serial = d["Base32StringSeed"].decode(), d["SerialNumber"]
            root.enable_mfa_device(UserName=f"u{i}", SerialNumber=serial, AuthenticationCode1=harness.totp(seed, step - 1),
                                   AuthenticationCode2=harness.totp(seed, step))
            devices.append((keys[i], seed, serial))

        def mfa_session(n):
            key, seed, serial = devices[n]
            creds = sdk("sts", key).get_session_token(SerialNumber=serial, TokenCode=harness.totp(seed, step + 1))
            return creds["Credentials"]

        failures, stop = [], threading.Event()

        def traffic():
            while not stop.is_set():
                for k in keys:
                    try:
                        sdk("sts", k).get_caller_identity()
                    except botocore.exceptions.ClientError as e:
                        failures.append(e.response["Error"]["Code"])

        # Before: a session token sealed under the old key, to be re-sealed too.
        session = mfa_session(0)
        self.assertIn(":user/u0", sdk("sts", session).get_caller_identity()["Arn"])

        # During: the server holds both keys (seals with the new one) while the rotation runs.
        self.serve(LANYARD_MASTER_KEY_FILE=self.new, LANYARD_PREVIOUS_MASTER_KEY_FILES=self.old)
        worker = threading.Thread(target=traffic)
        worker.start()
        try:
            out = subprocess.run([harness.LANYARD, "master-key", "rotate", "--new-key-file", self.new,
                                  "--batch-size", "4"], env=self.base, capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn(":user/u1", sdk("sts", mfa_session(1)).get_caller_identity()["Arn"])
        finally:
            stop.set()
            worker.join(timeout=60)
        report = json.loads(out.stdout.strip().splitlines()[-1])
        self.assertEqual(report["resealed"]["access_keys"], 13, report)  # 12 users' keys and root's
        self.assertEqual(report["resealed"]["mfa_devices"], 3, report)
        self.assertEqual(report["resealed"]["session_credentials"], 1, report)
        self.assertEqual(report["retired_keys"], 1, report)
        self.assertEqual(failures, [])
        header = "02" + report["master_key"]
        for table, column in [("access_keys", "sealed_secret"), ("mfa_devices", "sealed_seed"),
                              ("session_credentials", "sealed_secret")]:
            left = self.cluster.psql("lanyard", f"SELECT count(*) FROM {table} "
                                                f"WHERE encode(substring({column} FROM 1 FOR 9), 'hex') <> '{header}'")
            self.assertEqual(left, "0", f"{table} still has values under another key")

        # After: only the new key; everything still works, the old session token too.
        self.serve(LANYARD_MASTER_KEY_FILE=self.new)
        for k in keys:
            sdk("sts", k).get_caller_identity()
        self.assertIn(":user/u0", sdk("sts", session).get_caller_identity()["Arn"])
        self.assertIn(":user/u2", sdk("sts", mfa_session(2)).get_caller_identity()["Arn"])

        # The removed key alone: a clear refusal to start, naming the key it lacks.
        self.server.stop()
        self.server = None
        refused = subprocess.run([harness.LANYARD, "serve"], env=dict(self.base, LANYARD_LISTEN=f"127.0.0.1:{PORT}"),
                                 capture_output=True, text=True, timeout=60)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn(report["master_key"], refused.stderr)
        self.assertIn("--previous-master-key-files", refused.stderr)
        print(f"\n  master-key rotation: {report['resealed']} re-sealed in {report['seconds']:.2f} s while "
              "the server ran; 0 failed requests", flush=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)


class MasterKeyLocation(unittest.TestCase):
    """Issue 29: one CLI run from another directory generated a new master key (the default file
    was relative to the working directory) and registered it, after which every server start, CLI
    call and test run refused ("sealed under master key …") until the table was edited by hand.
    The default key now lives at one place whatever the directory, a command given the wrong key
    writes nothing, and no key is generated for a database that has sealed anything."""

    def setUp(self):
        self.cluster = harness.Cluster()
        self.cluster.create()
        self.cluster.psql("postgres", "CREATE DATABASE lanyard")
        self.home = os.path.join(harness.DATA_DIR, "home")
        subprocess.run(["rm", "-rf", self.home], check=True)
        os.makedirs(self.home)
        self.base = dict(os.environ, DATABASE_URL=self.cluster.url("lanyard"), HOME=self.home)
        for name in ("LANYARD_MASTER_KEY_FILE", "LANYARD_PREVIOUS_MASTER_KEY_FILES", "XDG_DATA_HOME"):
            self.base.pop(name, None)
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.stop()
        self.cluster.destroy()

    def cli(self, *args, cwd=None, **env):
        return subprocess.run([harness.LANYARD, *args], env=dict(self.base, **env), cwd=cwd,
                              capture_output=True, text=True, timeout=60)

    def registered(self):
        return self.cluster.psql("lanyard", "SELECT string_agg(key_id, ',' ORDER BY key_id) FROM sealing_keys")

    def test_attack_a_command_from_another_directory_or_with_another_key_cannot_brick_the_install(self):
        self.server = harness.Server(self.base, PORT).start()
        default = os.path.join(self.home, ".local", "share", "lanyard", "master.key")
        self.assertTrue(os.path.exists(default), "the first start generated the key at the stable default place")
        self.assertEqual(oct(os.stat(default).st_mode & 0o777), "0o600")
        account = harness.new_account(self.base, "loc")  # a root access key: sealed under that key
        registered = self.registered()

        # From another working directory, the same key: the command works.
        elsewhere = os.path.join(harness.DATA_DIR, "elsewhere")
        os.makedirs(elsewhere, exist_ok=True)
        made = self.cli("user", "create", "--account", account["alias"], "--name", "bob", "--access-key", cwd=elsewhere)
        self.assertEqual(made.returncode, 0, made.stderr)
        self.assertFalse(os.path.exists(os.path.join(elsewhere, ".lanyard")), "no key file next to the caller")

        # The wrong key given explicitly: refused, naming the key the database expects; nothing registered.
        wrong = key_file("wrong.key")
        refused = self.cli("user", "create", "--account", account["alias"], "--name", "eve",
                           LANYARD_MASTER_KEY_FILE=wrong)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn(registered, refused.stderr)
        self.assertEqual(self.registered(), registered, "the wrong key was not registered")

        # No key at the default place (another HOME): refused, and no new key generated.
        other_home = os.path.join(harness.DATA_DIR, "other-home")
        subprocess.run(["rm", "-rf", other_home], check=True)
        os.makedirs(other_home)
        refused = self.cli("user", "create", "--account", account["alias"], "--name", "eve", HOME=other_home)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("no new key was generated", refused.stderr)
        self.assertIn(registered, refused.stderr)
        self.assertFalse(os.path.exists(os.path.join(other_home, ".local", "share", "lanyard", "master.key")))
        self.assertEqual(self.registered(), registered)

        # The server still starts with its key and every key still works.
        self.server.stop()
        self.server = harness.Server(self.base, PORT).start()
        for key in (account["key"],):
            sdk("sts", {"AccessKeyId": key["access_key_id"], "SecretAccessKey": key["secret_access_key"]}) \
                .get_caller_identity()
