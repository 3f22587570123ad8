"""SSH public keys and git credentials used for real (issue 15): Debian's OpenSSH server asks
`lanyard ssh authorized-keys` on every connection (its AuthorizedKeysCommand), and Debian's nginx
asks `/auth/basic` (auth_request) before serving a static directory. Keys and credentials are
managed with boto3 through the Query API; each change counts from the next connection."""

import base64
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

import harness

SERVER, SSHD, NGINX = 3140, 3141, 3142
SSHD_BIN = "/usr/sbin/sshd"
# sshd runs an AuthorizedKeysCommand only from a root-owned path no one else can write, all the
# way up; /run is such a path.
COMMAND_DIR = "/run/lanyard-ops-sshd"
IS_ROOT = os.geteuid() == 0


def iam(key):
    config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=15)
    return boto3.client("iam", endpoint_url=f"http://localhost:{SERVER}", region_name="us-east-1",
                        aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"],
                        config=config)


class Shared(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster, cls.env = harness.fresh_database(LANYARD_TRUSTED_PROXIES="127.0.0.1")
        cls.server = harness.Server(cls.env, SERVER).start()
        cls.account = harness.new_account(cls.env, "cred")
        cls.iam = iam(cls.account["key"])
        cls.tmp = tempfile.mkdtemp(prefix="lanyard-cred-")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.cluster.destroy()
        shutil.rmtree(cls.tmp, ignore_errors=True)


@unittest.skipUnless(IS_ROOT and os.path.exists(SSHD_BIN), "sshd runs as root (scripts/test installs openssh-server)")
class SshLogin(Shared):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
        os.makedirs(COMMAND_DIR, mode=0o755, exist_ok=True)
        command = os.path.join(COMMAND_DIR, "authorized-keys")
        with open(command, "w") as f:
            # sshd gives the command an empty environment: the database comes from here.
            f.write(f"""#!/bin/sh
DATABASE_URL='{cls.env["DATABASE_URL"]}' exec '{os.path.abspath(harness.LANYARD)}' \\
  ssh authorized-keys --account '{cls.account["alias"]}' "$1"
""")
        os.chmod(command, 0o755)
        host_key = os.path.join(cls.tmp, "host_ed25519")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key], check=True)
        conf = os.path.join(cls.tmp, "sshd_config")
        with open(conf, "w") as f:
            f.write(f"""Port {SSHD}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {cls.tmp}/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile none
AuthorizedKeysCommand {command} %u
AuthorizedKeysCommandUser root
LogLevel VERBOSE
""")
        cls.sshd_log = open(os.path.join(cls.tmp, "sshd.log"), "wb")
        cls.sshd = subprocess.Popen([SSHD_BIN, "-D", "-e", "-f", conf], stdout=cls.sshd_log, stderr=cls.sshd_log)
        for name in ("sshalice", "sshbob"):
            # Local accounts for sshd to log into; `*` is no password, not a locked account.
            if subprocess.run(["id", name], capture_output=True).returncode != 0:
                subprocess.run(["useradd", "-m", "-s", "/bin/sh", "-p", "*", name], check=True)
            cls.iam.create_user(UserName=name)
        deadline = 50
        while deadline and subprocess.run(["ssh-keyscan", "-p", str(SSHD), "127.0.0.1"],
                                          capture_output=True).returncode != 0:
            deadline -= 1
            subprocess.run(["sleep", "0.1"])

    @classmethod
    def tearDownClass(cls):
        cls.sshd.terminate()
        cls.sshd.wait(timeout=10)
        cls.sshd_log.close()
        super().tearDownClass()

    def key_pair(self, name):
        path = os.path.join(self.tmp, name)
        if not os.path.exists(path):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path], check=True)
        with open(path + ".pub") as f:
            return path, f.read()

    def login(self, user, key):
        """Whether `user` gets a shell with `key` (and nothing else)."""
        out = subprocess.run(
            ["ssh", "-p", str(SSHD), "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
             "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10",
             f"{user}@127.0.0.1", "echo logged-in-as-$(id -un)"],
            capture_output=True, text=True, timeout=30)
        return out.stdout.strip() == f"logged-in-as-{user}"

    def test_an_active_key_logs_in_until_deactivated_or_deleted(self):
        key, public = self.key_pair("alice1")
        self.assertFalse(self.login("sshalice", key), "no key uploaded yet")
        uploaded = self.iam.upload_ssh_public_key(UserName="sshalice", SSHPublicKeyBody=public)["SSHPublicKey"]
        key_id = uploaded["SSHPublicKeyId"]
        self.assertTrue(self.login("sshalice", key))

        self.iam.update_ssh_public_key(UserName="sshalice", SSHPublicKeyId=key_id, Status="Inactive")
        self.assertFalse(self.login("sshalice", key), "an inactive key no longer logs in")
        self.iam.update_ssh_public_key(UserName="sshalice", SSHPublicKeyId=key_id, Status="Active")
        self.assertTrue(self.login("sshalice", key))
        self.iam.delete_ssh_public_key(UserName="sshalice", SSHPublicKeyId=key_id)
        self.assertFalse(self.login("sshalice", key), "a deleted key no longer logs in")

    def test_another_users_key_never_logs_in(self):
        key, public = self.key_pair("bob1")
        self.iam.upload_ssh_public_key(UserName="sshbob", SSHPublicKeyBody=public)
        self.assertTrue(self.login("sshbob", key))
        self.assertFalse(self.login("sshalice", key), "bob's key is not alice's")


class GitOverHttps(Shared):
    """nginx serves a directory (as a git HTTPS remote would be served) only to clients whose Basic
    credentials Lanyard accepts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        site = os.path.join(cls.tmp, "site")
        os.makedirs(site)
        with open(os.path.join(site, "info.txt"), "w") as f:
            f.write("repository contents\n")
        cls.nginx = harness.Nginx("nginx-git", NGINX, f"""
  server {{
    listen 127.0.0.1:{NGINX};
    location / {{
      auth_request /_lanyard;
      auth_request_set $lanyard_user $upstream_http_x_lanyard_user;
      add_header X-Lanyard-User $lanyard_user always;
      root {site};
    }}
    location = /_lanyard {{
      internal;
      proxy_pass http://127.0.0.1:{SERVER}/auth/basic?service=codecommit.amazonaws.com;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Host localhost:{SERVER};
      proxy_set_header X-Forwarded-For $remote_addr;
    }}
  }}
""").start()
        cls.iam.create_user(UserName="gitalice")

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        super().tearDownClass()

    def fetch(self, user=None, password=None):
        req = urllib.request.Request(f"http://127.0.0.1:{NGINX}/info.txt")
        if user is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            req.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(req, timeout=15) as res:
                return res.status, res.read().decode(), {k.lower(): v for k, v in res.headers.items()}
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace"), {k.lower(): v for k, v in e.headers.items()}

    def test_only_an_active_credential_of_the_service_gets_through(self):
        made = self.iam.create_service_specific_credential(UserName="gitalice", ServiceName="codecommit.amazonaws.com")
        cred = made["ServiceSpecificCredential"]
        name, password = cred["ServiceUserName"], cred["ServicePassword"]
        self.assertEqual(name, f"gitalice-at-{self.account['id']}")

        status, body, headers = self.fetch(name, password)
        self.assertEqual((status, body), (200, "repository contents\n"))
        self.assertEqual(headers.get("x-lanyard-user"), "gitalice")

        status, _, headers = self.fetch()
        self.assertEqual(status, 401)
        self.assertIn("Basic", headers.get("www-authenticate", ""), headers)
        self.assertEqual(self.fetch(name, password + "x")[0], 401)

        cred_id = cred["ServiceSpecificCredentialId"]
        self.iam.update_service_specific_credential(UserName="gitalice", ServiceSpecificCredentialId=cred_id,
                                                    Status="Inactive")
        self.assertEqual(self.fetch(name, password)[0], 401, "an inactive credential is refused")
        self.iam.update_service_specific_credential(UserName="gitalice", ServiceSpecificCredentialId=cred_id,
                                                    Status="Active")
        reset = self.iam.reset_service_specific_credential(UserName="gitalice", ServiceSpecificCredentialId=cred_id)
        new_password = reset["ServiceSpecificCredential"]["ServicePassword"]
        self.assertEqual(self.fetch(name, password)[0], 401, "the old password ends with the reset")
        self.assertEqual(self.fetch(name, new_password)[0], 200)

        # A Cassandra credential is not a git credential.
        other = self.iam.create_service_specific_credential(UserName="gitalice", ServiceName="cassandra.amazonaws.com")
        c = other["ServiceSpecificCredential"]
        self.assertEqual(self.fetch(c["ServiceUserName"], c["ServicePassword"])[0], 401)

        listed = self.iam.list_service_specific_credentials(UserName="gitalice")["ServiceSpecificCredentials"]
        self.assertEqual(len(listed), 2)
        self.assertTrue(all("ServicePassword" not in c for c in listed), "a password is shown once only")
        self.assertEqual(harness.error_code(lambda: self.iam.delete_user(UserName="gitalice")), "DeleteConflict")
        for c in listed:
            self.iam.delete_service_specific_credential(UserName="gitalice",
                                                        ServiceSpecificCredentialId=c["ServiceSpecificCredentialId"])
        self.assertEqual(self.fetch(name, new_password)[0], 401, "a deleted credential is refused")
        self.iam.delete_user(UserName="gitalice")


if __name__ == "__main__":
    unittest.main()
