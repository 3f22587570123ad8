"""The IAM Query API through real clients: boto3 (pinned, in the project's venv) and the stock aws CLI
v1, against the end2end server. Each test makes its own account with `lanyard account create` and
gets its first key from `lanyard access-key create` (the bootstrap automation uses)."""

import base64
import hashlib
import hmac
import json
import os
import struct
import subprocess
import time
import unittest
import uuid

import boto3
import botocore.exceptions
from botocore.config import Config

BASE = os.environ.get("LANYARD_BASE_URL", "http://localhost:3100")
LANYARD = os.environ.get("LANYARD_BIN", "lanyard")
AWS = os.environ.get("LANYARD_AWS_CLI", "aws")
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"


def lanyard(*args, stdin=None):
    out = subprocess.run([LANYARD, *args], input=stdin, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def new_account(prefix):
    alias = f"{prefix}-{uuid.uuid4().hex[:10]}"
    account = lanyard("account", "create", "--email", f"{alias}@example.com", "--alias", alias,
                      "--password-stdin", stdin="Root-Passw0rd-For-Api\n")
    key = lanyard("access-key", "create", "--account", alias, "--root")
    return account["account_id"], key


def client(service, key, secret, validate=True):
    config = Config(retries={"max_attempts": 1}, parameter_validation=validate)
    return boto3.client(service, endpoint_url=BASE, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, config=config)


def code(err):
    return err.exception.response["Error"]["Code"]


def totp(seed_b32, step):
    """RFC 6238 (SHA-1, 6 digits, 30 s), as an authenticator app computes it from the Base32 seed."""
    key = base64.b32decode(seed_b32 + "=" * (-len(seed_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def now_step():
    return int(time.time()) // 30


class Boto3Iam(unittest.TestCase):
    def setUp(self):
        self.account, key = new_account("boto")
        self.iam = client("iam", key["access_key_id"], key["secret_access_key"])
        # The server's own validation, without boto3's checks in front of it.
        self.raw = client("iam", key["access_key_id"], key["secret_access_key"], validate=False)
        self.sts = client("sts", key["access_key_id"], key["secret_access_key"])

    def test_users_tags_and_paging(self):
        u = self.iam.create_user(UserName="ada", Path="/eng/", Tags=[{"Key": "team", "Value": "core"}])["User"]
        self.assertEqual(u["Arn"], f"arn:aws:iam::{self.account}:user/eng/ada")
        self.assertTrue(u["UserId"].startswith("AIDA"))
        self.assertEqual(u["Tags"], [{"Key": "team", "Value": "core"}])
        got = self.iam.get_user(UserName="ada")["User"]
        self.assertEqual((got["Path"], got["UserName"]), ("/eng/", "ada"))
        me = self.iam.get_user()["User"]
        self.assertEqual(me["Arn"], f"arn:aws:iam::{self.account}:root")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.create_user(UserName="ada")
        self.assertEqual(code(e), "EntityAlreadyExists")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.raw.create_user(UserName="bad name!")
        self.assertEqual(code(e), "ValidationError")
        self.assertIn("Value at 'userName' failed to satisfy constraint", str(e.exception))
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.raw.create_user()
        self.assertEqual(code(e), "ValidationError")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.get_user(UserName="nosuch")
        self.assertEqual(code(e), "NoSuchEntity")
        self.assertIn("The user with name nosuch cannot be found.", str(e.exception))

        for i in range(5):
            self.iam.create_user(UserName=f"page-{i}", Path="/paged/")
        pages = list(self.iam.get_paginator("list_users").paginate(PathPrefix="/paged/", PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 3)
        names = [u["UserName"] for p in pages for u in p["Users"]]
        self.assertEqual(names, [f"page-{i}" for i in range(5)])
        self.assertTrue(pages[0]["IsTruncated"])

        self.assertEqual(self.iam.list_mfa_devices(UserName="ada")["MFADevices"], [])
        self.iam.tag_user(UserName="ada", Tags=[{"Key": "role", "Value": "dev"}])
        tags = self.iam.list_user_tags(UserName="ada")["Tags"]
        self.assertEqual(sorted(t["Key"] for t in tags), ["role", "team"])
        self.iam.untag_user(UserName="ada", TagKeys=["team"])
        self.assertEqual([t["Key"] for t in self.iam.list_user_tags(UserName="ada")["Tags"]], ["role"])
        self.iam.update_user(UserName="ada", NewUserName="ada2", NewPath="/ops/")
        self.assertEqual(self.iam.get_user(UserName="ada2")["User"]["Path"], "/ops/")

        self.iam.create_login_profile(UserName="ada2", Password="Ada-Passw0rd-123", PasswordResetRequired=True)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.delete_user(UserName="ada2")
        self.assertEqual(code(e), "DeleteConflict")
        self.iam.delete_login_profile(UserName="ada2")
        self.iam.delete_user(UserName="ada2")

    def test_permissions_boundaries(self):
        ro = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
        admin = "arn:aws:iam::aws:policy/AdministratorAccess"
        u = self.iam.create_user(UserName="capped", PermissionsBoundary=ro)["User"]
        self.assertEqual(u["PermissionsBoundary"], {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": ro})
        self.iam.attach_user_policy(UserName="capped", PolicyArn=admin)
        key = self.iam.create_access_key(UserName="capped")["AccessKey"]
        capped = client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertIn("Users", capped.list_users())
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            capped.create_user(UserName="escape")
        self.assertEqual(code(e), "AccessDenied")
        self.assertIn("because no permissions boundary allows the iam:CreateUser action", str(e.exception))
        self.iam.delete_user_permissions_boundary(UserName="capped")
        self.assertNotIn("PermissionsBoundary", self.iam.get_user(UserName="capped")["User"])
        capped.create_user(UserName="now-allowed")
        self.iam.put_user_permissions_boundary(UserName="capped", PermissionsBoundary=ro)
        self.assertEqual(self.iam.get_user(UserName="capped")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"], ro)
        # The simulator gives the boundary's verdict separately, as AWS does.
        sim = self.iam.simulate_principal_policy(PolicySourceArn=u["Arn"], ActionNames=["iam:CreateUser", "iam:ListUsers"])
        verdicts = {r["EvalActionName"]: (r["EvalDecision"], r["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"])
                    for r in sim["EvaluationResults"]}
        self.assertEqual(verdicts, {"iam:CreateUser": ("implicitDeny", False), "iam:ListUsers": ("allowed", True)})
        # GetAccountAuthorizationDetails shows the boundary and counts its use, as AWS does.
        details = self.iam.get_account_authorization_details(Filter=["User", "AWSManagedPolicy"])
        capped_detail = next(d for d in details["UserDetailList"] if d["UserName"] == "capped")
        self.assertEqual(capped_detail["PermissionsBoundary"]["PermissionsBoundaryArn"], ro)
        ro_policy = next(p for p in details["Policies"] if p["Arn"] == ro)
        self.assertEqual(ro_policy["PermissionsBoundaryUsageCount"], 1)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.put_user_permissions_boundary(UserName="capped", PermissionsBoundary="arn:aws:iam::aws:policy/Nope")
        self.assertEqual(code(e), "NoSuchEntity")

    def test_ssh_public_keys(self):
        self.iam.create_user(UserName="git")
        key_file = f"/tmp/lanyard-api-{uuid.uuid4().hex}"
        subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", key_file], check=True)
        with open(key_file + ".pub") as f:
            body = f.read()
        md5 = subprocess.run(["ssh-keygen", "-l", "-E", "md5", "-f", key_file + ".pub"], capture_output=True,
                             text=True, check=True).stdout.split()[1].removeprefix("MD5:")
        pem = subprocess.run(["ssh-keygen", "-e", "-m", "PEM", "-f", key_file + ".pub"], capture_output=True,
                             text=True, check=True).stdout
        up = self.iam.upload_ssh_public_key(UserName="git", SSHPublicKeyBody=body)["SSHPublicKey"]
        self.assertTrue(up["SSHPublicKeyId"].startswith("APKA"))
        self.assertEqual((up["Fingerprint"], up["Status"], up["UserName"]), (md5, "Active", "git"))
        key_id = up["SSHPublicKeyId"]
        got = self.iam.get_ssh_public_key(UserName="git", SSHPublicKeyId=key_id, Encoding="PEM")["SSHPublicKey"]
        self.assertEqual(got["SSHPublicKeyBody"].strip(), pem.strip())
        got = self.iam.get_ssh_public_key(UserName="git", SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"]
        self.assertTrue(body.startswith(got["SSHPublicKeyBody"]))
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.upload_ssh_public_key(UserName="git", SSHPublicKeyBody=body)
        self.assertEqual(code(e), "DuplicateSSHPublicKey")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.upload_ssh_public_key(UserName="git", SSHPublicKeyBody="ssh-rsa bm90IGEga2V5")
        self.assertEqual(code(e), "InvalidPublicKey")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.upload_ssh_public_key(UserName="git", SSHPublicKeyBody="hello")
        self.assertEqual(code(e), "UnrecognizedPublicKeyEncoding")
        self.iam.update_ssh_public_key(UserName="git", SSHPublicKeyId=key_id, Status="Inactive")
        listed = self.iam.list_ssh_public_keys(UserName="git")["SSHPublicKeys"]
        self.assertEqual([(k["SSHPublicKeyId"], k["Status"]) for k in listed], [(key_id, "Inactive")])
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.delete_user(UserName="git")
        self.assertEqual(code(e), "DeleteConflict")
        self.iam.delete_ssh_public_key(UserName="git", SSHPublicKeyId=key_id)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.delete_ssh_public_key(UserName="git", SSHPublicKeyId=key_id)
        self.assertEqual(code(e), "NoSuchEntity")
        self.iam.delete_user(UserName="git")

    def test_signing_certificates(self):
        self.iam.create_user(UserName="signer")
        base = f"/tmp/lanyard-api-{uuid.uuid4().hex}"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
                        "/CN=signer", "-keyout", base + ".key", "-out", base + ".crt"], check=True,
                       capture_output=True)
        with open(base + ".crt") as f:
            pem = f.read()
        cert = self.iam.upload_signing_certificate(UserName="signer", CertificateBody=pem)["Certificate"]
        self.assertEqual((cert["UserName"], cert["Status"], cert["CertificateBody"]), ("signer", "Active", pem.strip()))
        cert_id = cert["CertificateId"]
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.upload_signing_certificate(CertificateBody=pem)
        self.assertEqual(code(e), "DuplicateCertificate")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.upload_signing_certificate(UserName="signer", CertificateBody="-----BEGIN CERTIFICATE-----\nx\n")
        self.assertEqual(code(e), "MalformedCertificate")
        self.iam.update_signing_certificate(UserName="signer", CertificateId=cert_id, Status="Inactive")
        listed = self.iam.list_signing_certificates(UserName="signer")["Certificates"]
        self.assertEqual([(c["CertificateId"], c["Status"]) for c in listed], [(cert_id, "Inactive")])
        self.iam.delete_signing_certificate(UserName="signer", CertificateId=cert_id)
        self.assertEqual(self.iam.list_signing_certificates(UserName="signer")["Certificates"], [])

    def test_service_specific_credentials(self):
        self.iam.create_user(UserName="coder")
        made = self.iam.create_service_specific_credential(UserName="coder", ServiceName="codecommit.amazonaws.com")
        c = made["ServiceSpecificCredential"]
        self.assertEqual(c["ServiceUserName"], f"coder-at-{self.account}")
        self.assertTrue(c["ServiceSpecificCredentialId"].startswith("ACCA"))
        self.assertEqual(len(c["ServicePassword"]), 44)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.create_service_specific_credential(UserName="coder", ServiceName="s3.amazonaws.com")
        self.assertEqual(code(e), "NotSupportedService")
        cid = c["ServiceSpecificCredentialId"]
        self.iam.update_service_specific_credential(UserName="coder", ServiceSpecificCredentialId=cid,
                                                    Status="Inactive")
        listed = self.iam.list_service_specific_credentials(UserName="coder")["ServiceSpecificCredentials"]
        self.assertEqual([(x["ServiceSpecificCredentialId"], x["Status"]) for x in listed], [(cid, "Inactive")])
        reset = self.iam.reset_service_specific_credential(UserName="coder", ServiceSpecificCredentialId=cid)
        self.assertNotEqual(reset["ServiceSpecificCredential"]["ServicePassword"], c["ServicePassword"])
        self.iam.delete_service_specific_credential(UserName="coder", ServiceSpecificCredentialId=cid)
        self.assertEqual(self.iam.list_service_specific_credentials(UserName="coder")["ServiceSpecificCredentials"], [])

    def test_credential_report(self):
        self.iam.create_user(UserName="reported")
        self.iam.create_login_profile(UserName="reported", Password="Reported-Passw0rd!")
        state = self.iam.generate_credential_report()["State"]
        self.assertIn(state, ("STARTED", "COMPLETE"))
        for _ in range(100):
            if self.iam.generate_credential_report()["State"] == "COMPLETE":
                break
            time.sleep(0.1)
        report = self.iam.get_credential_report()
        self.assertEqual(report["ReportFormat"], "text/csv")
        lines = report["Content"].decode().splitlines()
        self.assertTrue(lines[0].startswith("user,arn,user_creation_time,password_enabled,"))
        self.assertTrue(lines[1].startswith(f"<root_account>,arn:aws:iam::{self.account}:root,"))
        row = next(l for l in lines if l.startswith("reported,")).split(",")
        self.assertEqual((row[3], row[4]), ("true", "no_information"))

    def test_login_profiles(self):
        self.iam.create_user(UserName="lp")
        p = self.iam.create_login_profile(UserName="lp", Password="Lp-Passw0rd-1234", PasswordResetRequired=True)
        self.assertTrue(p["LoginProfile"]["PasswordResetRequired"])
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.create_login_profile(UserName="lp", Password="Lp-Passw0rd-1234")
        self.assertEqual(code(e), "EntityAlreadyExists")
        self.iam.update_login_profile(UserName="lp", PasswordResetRequired=False)
        self.assertFalse(self.iam.get_login_profile(UserName="lp")["LoginProfile"]["PasswordResetRequired"])
        self.iam.update_login_profile(UserName="lp", Password="Lp-Other-Passw0rd-9")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.update_login_profile(UserName="lp", Password="short")
        self.assertEqual(code(e), "PasswordPolicyViolation")
        self.iam.delete_login_profile(UserName="lp")
        for call in (lambda: self.iam.get_login_profile(UserName="lp"),
                     lambda: self.iam.update_login_profile(UserName="lp", PasswordResetRequired=True)):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                call()
            self.assertEqual(code(e), "NoSuchEntity")
            self.assertEqual(e.exception.response["Error"]["Message"], "Login Profile for User lp cannot be found.")

    def test_access_keys_sign_and_die(self):
        self.iam.create_user(UserName="worker")
        k = self.iam.create_access_key(UserName="worker")["AccessKey"]
        self.assertEqual((k["UserName"], k["Status"], len(k["SecretAccessKey"])), ("worker", "Active", 40))
        worker = client("sts", k["AccessKeyId"], k["SecretAccessKey"])
        ident = worker.get_caller_identity()
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{self.account}:user/worker")
        self.assertEqual(self.sts.get_access_key_info(AccessKeyId=k["AccessKeyId"])["Account"], self.account)
        used = self.iam.get_access_key_last_used(AccessKeyId=k["AccessKeyId"])
        self.assertEqual(used["AccessKeyLastUsed"]["ServiceName"], "sts")
        self.iam.create_access_key(UserName="worker")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.create_access_key(UserName="worker")
        self.assertEqual(code(e), "LimitExceeded")
        listed = self.iam.list_access_keys(UserName="worker")["AccessKeyMetadata"]
        self.assertEqual(len(listed), 2)
        self.iam.update_access_key(UserName="worker", AccessKeyId=k["AccessKeyId"], Status="Inactive")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            worker.get_caller_identity()
        self.assertEqual(code(e), "InvalidClientTokenId")
        self.iam.delete_access_key(UserName="worker", AccessKeyId=k["AccessKeyId"])

    def test_groups_and_policies(self):
        self.iam.create_user(UserName="member")
        g = self.iam.create_group(GroupName="devs", Path="/eng/")["Group"]
        self.assertTrue(g["GroupId"].startswith("AGPA"))
        self.iam.add_user_to_group(GroupName="devs", UserName="member")
        got = self.iam.get_group(GroupName="devs")
        self.assertEqual([u["UserName"] for u in got["Users"]], ["member"])
        self.assertEqual([x["GroupName"] for x in self.iam.list_groups_for_user(UserName="member")["Groups"]], ["devs"])
        self.assertIn("devs", [x["GroupName"] for x in self.iam.list_groups()["Groups"]])

        doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]})
        p = self.iam.create_policy(PolicyName="reader", PolicyDocument=doc, Description="d",
                                   Tags=[{"Key": "owner", "Value": "sec"}])["Policy"]
        # AWS's shapes: CreatePolicy echoes the tags, not the description; GetPolicy has both;
        # ListPolicies neither.
        self.assertEqual((p["Tags"], "Description" in p), ([{"Key": "owner", "Value": "sec"}], False))
        got = self.iam.get_policy(PolicyArn=p["Arn"])["Policy"]
        self.assertEqual((got["Description"], got["Tags"]), ("d", [{"Key": "owner", "Value": "sec"}]))
        listed = [x for x in self.iam.list_policies(Scope="Local")["Policies"] if x["Arn"] == p["Arn"]]
        self.assertEqual([("Description" in x, "Tags" in x) for x in listed], [(False, False)])
        self.iam.tag_policy(PolicyArn=p["Arn"], Tags=[{"Key": "tier", "Value": "1"}])
        self.iam.untag_policy(PolicyArn=p["Arn"], TagKeys=["owner"])
        self.assertEqual(self.iam.list_policy_tags(PolicyArn=p["Arn"])["Tags"], [{"Key": "tier", "Value": "1"}])
        self.assertEqual(p["DefaultVersionId"], "v1")
        self.assertTrue(p["PolicyId"].startswith("ANPA"))
        for _ in range(4):
            self.iam.create_policy_version(PolicyArn=p["Arn"], PolicyDocument=doc, SetAsDefault=True)
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.create_policy_version(PolicyArn=p["Arn"], PolicyDocument=doc)
        self.assertEqual(code(e), "LimitExceeded")
        versions = self.iam.list_policy_versions(PolicyArn=p["Arn"])["Versions"]
        self.assertEqual([v["VersionId"] for v in versions], ["v5", "v4", "v3", "v2", "v1"])
        self.iam.delete_policy_version(PolicyArn=p["Arn"], VersionId="v1")
        v = self.iam.get_policy_version(PolicyArn=p["Arn"], VersionId="v5")["PolicyVersion"]
        self.assertEqual(v["Document"]["Statement"][0]["Action"], "iam:GetUser")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.create_policy(PolicyName="broken", PolicyDocument='{"Statement": 1}')
        self.assertEqual(code(e), "MalformedPolicyDocument")

        self.iam.attach_group_policy(GroupName="devs", PolicyArn=p["Arn"])
        self.iam.attach_user_policy(UserName="member", PolicyArn=READ_ONLY)
        attached = self.iam.list_attached_user_policies(UserName="member")["AttachedPolicies"]
        self.assertEqual(attached, [{"PolicyName": "IAMReadOnlyAccess", "PolicyArn": READ_ONLY}])
        local = self.iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]
        self.assertEqual([x["PolicyName"] for x in local], ["reader"])
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.delete_policy(PolicyArn=p["Arn"])
        self.assertEqual(code(e), "DeleteConflict")

        self.iam.put_user_policy(UserName="member", PolicyName="inline", PolicyDocument=doc)
        self.assertEqual(self.iam.list_user_policies(UserName="member")["PolicyNames"], ["inline"])
        got = self.iam.get_user_policy(UserName="member", PolicyName="inline")
        self.assertEqual(got["PolicyDocument"]["Statement"][0]["Resource"], "*")
        self.iam.put_group_policy(GroupName="devs", PolicyName="g", PolicyDocument=doc)
        self.assertEqual(self.iam.get_group_policy(GroupName="devs", PolicyName="g")["PolicyName"], "g")

        # The member's own key: what the attached and inline policies allow, and nothing else.
        k = self.iam.create_access_key(UserName="member")["AccessKey"]
        member = client("iam", k["AccessKeyId"], k["SecretAccessKey"])
        self.assertEqual(member.get_user(UserName="member")["User"]["UserName"], "member")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            member.create_user(UserName="escalated")
        self.assertEqual(code(e), "AccessDenied")
        self.assertIn("is not authorized to perform: iam:CreateUser on resource", str(e.exception))

        details = self.iam.get_account_authorization_details()
        member_detail = next(u for u in details["UserDetailList"] if u["UserName"] == "member")
        self.assertEqual(member_detail["GroupList"], ["devs"])
        self.assertEqual([a["PolicyArn"] for a in member_detail["AttachedManagedPolicies"]], [READ_ONLY])
        self.assertEqual(member_detail["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"], "iam:GetUser")
        self.assertIn("reader", [x["PolicyName"] for x in details["Policies"]])
        self.assertIn("IAMReadOnlyAccess", [x["PolicyName"] for x in details["Policies"]], "attached AWS policies are listed")
        only_groups = self.iam.get_account_authorization_details(Filter=["Group"])
        self.assertEqual((only_groups["UserDetailList"], [g["GroupName"] for g in only_groups["GroupDetailList"]]), ([], ["devs"]))
        entities = self.iam.list_entities_for_policy(PolicyArn=p["Arn"])
        self.assertEqual([g["GroupName"] for g in entities["PolicyGroups"]], ["devs"])

        # Simulation: the same evaluator as real requests.
        member_arn = f"arn:aws:iam::{self.account}:user/member"
        sim = self.iam.simulate_principal_policy(PolicySourceArn=member_arn, ActionNames=["iam:GetUser", "iam:CreateUser"])
        self.assertEqual([r["EvalDecision"] for r in sim["EvaluationResults"]], ["allowed", "implicitDeny"])
        deny = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*",
                           "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]})
        custom = self.iam.simulate_custom_policy(PolicyInputList=[doc, deny], ActionNames=["iam:GetUser"],
                                                 ContextEntries=[{"ContextKeyName": "aws:MultiFactorAuthPresent",
                                                                  "ContextKeyValues": ["false"], "ContextKeyType": "boolean"}])
        self.assertEqual(custom["EvaluationResults"][0]["EvalDecision"], "explicitDeny")
        keys = self.iam.get_context_keys_for_custom_policy(PolicyInputList=[deny])["ContextKeyNames"]
        self.assertEqual(keys, ["aws:MultiFactorAuthPresent"])
        self.assertEqual(self.iam.get_context_keys_for_principal_policy(PolicySourceArn=member_arn)["ContextKeyNames"], [])

        self.iam.delete_user_policy(UserName="member", PolicyName="inline")
        self.iam.detach_group_policy(GroupName="devs", PolicyArn=p["Arn"])
        self.iam.delete_policy(PolicyArn=p["Arn"])
        self.iam.remove_user_from_group(GroupName="devs", UserName="member")
        # AWS answers removing a user who is not a member with success.
        self.iam.remove_user_from_group(GroupName="devs", UserName="member")
        self.iam.delete_group_policy(GroupName="devs", PolicyName="g")
        self.iam.delete_group(GroupName="devs")

    def test_virtual_mfa_devices_and_mfa_protected_api_access(self):
        iam = self.iam
        dev = iam.create_virtual_mfa_device(VirtualMFADeviceName="ops-phone", Path="/ops/",
                                            Tags=[{"Key": "team", "Value": "ops"}])["VirtualMFADevice"]
        serial = dev["SerialNumber"]
        self.assertEqual(serial, f"arn:aws:iam::{self.account}:mfa/ops/ops-phone")
        seed = dev["Base32StringSeed"].decode()
        self.assertTrue(dev["QRCodePNG"].startswith(b"\x89PNG"))
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            iam.create_virtual_mfa_device(VirtualMFADeviceName="ops-phone")
        self.assertEqual(code(e), "EntityAlreadyExists")
        unassigned = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
        self.assertEqual([d["SerialNumber"] for d in unassigned], [serial])
        self.assertEqual(iam.list_mfa_device_tags(SerialNumber=serial)["Tags"], [{"Key": "team", "Value": "ops"}])
        iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "env", "Value": "prod"}])
        iam.untag_mfa_device(SerialNumber=serial, TagKeys=["team"])
        self.assertEqual(iam.list_mfa_device_tags(SerialNumber=serial)["Tags"], [{"Key": "env", "Value": "prod"}])

        # A user whose only permission needs MFA: the plain key is refused, MFA session credentials are not.
        iam.create_user(UserName="mfa-user")
        mfa_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
        iam.put_user_policy(UserName="mfa-user", PolicyName="mfa-only", PolicyDocument=json.dumps(mfa_only))
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            iam.enable_mfa_device(UserName="mfa-user", SerialNumber=serial, AuthenticationCode1="000000",
                                  AuthenticationCode2="000000")
        self.assertEqual(code(e), "InvalidAuthenticationCode")
        step = now_step()
        iam.enable_mfa_device(UserName="mfa-user", SerialNumber=serial, AuthenticationCode1=totp(seed, step - 1),
                              AuthenticationCode2=totp(seed, step))
        listed = iam.list_mfa_devices(UserName="mfa-user")["MFADevices"]
        self.assertEqual([d["SerialNumber"] for d in listed], [serial])
        assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
        self.assertEqual(assigned[0]["User"]["UserName"], "mfa-user")
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.assertEqual(code(e), "DeleteConflict")

        key = iam.create_access_key(UserName="mfa-user")["AccessKey"]
        plain = client("iam", key["AccessKeyId"], key["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            plain.list_users()
        self.assertEqual(code(e), "AccessDenied")
        sts = client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        # The enabling codes are spent; the next step's code is the device's next one.
        creds = sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, now_step() + 1),
                                      DurationSeconds=900)["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        session = boto3.client("iam", endpoint_url=BASE, region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
                               aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"],
                               config=Config(retries={"max_attempts": 1}))
        self.assertIn("mfa-user", [u["UserName"] for u in session.list_users()["Users"]])

        iam.deactivate_mfa_device(UserName="mfa-user", SerialNumber=serial)
        self.assertEqual(iam.list_mfa_devices(UserName="mfa-user")["MFADevices"], [])
        iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.assertEqual(iam.list_virtual_mfa_devices()["VirtualMFADevices"], [])
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.assertEqual(code(e), "NoSuchEntity")

    def test_account_settings(self):
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.get_account_password_policy()
        self.assertEqual(code(e), "NoSuchEntity")
        self.iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, MaxPasswordAge=90)
        pol = self.iam.get_account_password_policy()["PasswordPolicy"]
        self.assertEqual((pol["MinimumPasswordLength"], pol["RequireSymbols"], pol["MaxPasswordAge"]), (14, True, 90))
        self.assertNotIn("HardExpiry", pol, "left out when not set, as AWS answers")
        self.iam.update_account_password_policy(MinimumPasswordLength=14)
        pol = self.iam.get_account_password_policy()["PasswordPolicy"]
        self.assertNotIn("MaxPasswordAge", pol)
        self.assertFalse(pol["ExpirePasswords"])
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.raw.update_account_password_policy(MinimumPasswordLength=3)
        self.assertEqual(code(e), "ValidationError")
        self.iam.delete_account_password_policy()
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            self.iam.delete_account_password_policy()
        self.assertEqual(code(e), "NoSuchEntity")
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "The account policy with name PasswordPolicy cannot be found.")
        alias = self.iam.list_account_aliases()["AccountAliases"][0]
        self.iam.delete_account_alias(AccountAlias=alias)
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], [])
        self.iam.create_account_alias(AccountAlias=alias)
        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual(summary["AccountAccessKeysPresent"], 1)
        self.assertEqual(summary["UsersQuota"], 5000)


class TerraformReplay(unittest.TestCase):
    """What Terraform's AWS provider calls, in its order, for aws_iam_user (create, read, update of
    tags and path, force_destroy delete through every list+delete pair), aws_iam_access_key,
    aws_iam_user_login_profile, aws_iam_group + aws_iam_group_membership, aws_iam_policy (versions
    pruned at 5), aws_iam_user_policy_attachment, aws_iam_account_password_policy,
    aws_iam_account_alias and aws_iam_virtual_mfa_device."""

    def setUp(self):
        self.account, key = new_account("tf")
        self.iam = client("iam", key["access_key_id"], key["secret_access_key"])

    def read_user(self, name):
        user = self.iam.get_user(UserName=name)["User"]
        tags = self.iam.list_user_tags(UserName=name)["Tags"]
        return user, {t["Key"]: t["Value"] for t in tags}

    def test_apply_update_and_destroy(self):
        iam = self.iam
        # aws_iam_user: create, then the read after create.
        iam.create_user(UserName="deployer", Path="/system/", Tags=[{"Key": "env", "Value": "prod"}])
        user, tags = self.read_user("deployer")
        self.assertEqual((user["Path"], tags), ("/system/", {"env": "prod"}))
        # aws_iam_access_key + aws_iam_user_login_profile (password_length 15, reset required).
        key = iam.create_access_key(UserName="deployer")["AccessKey"]
        iam.list_access_keys(UserName="deployer")
        iam.create_login_profile(UserName="deployer", Password="Tf-Generated-Pw1!", PasswordResetRequired=True)
        iam.get_login_profile(UserName="deployer")
        # aws_iam_group + aws_iam_group_membership.
        iam.create_group(GroupName="deployers", Path="/")
        iam.get_group(GroupName="deployers")
        iam.add_user_to_group(GroupName="deployers", UserName="deployer")
        self.assertEqual([u["UserName"] for u in iam.get_group(GroupName="deployers")["Users"]], ["deployer"])
        # aws_iam_policy: create, read (GetPolicy, GetPolicyVersion, ListPolicyTags is not needed here).
        doc = lambda action: json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
        arn = iam.create_policy(PolicyName="deploy", PolicyDocument=doc("iam:GetUser"))["Policy"]["Arn"]
        pol = iam.get_policy(PolicyArn=arn)["Policy"]
        iam.get_policy_version(PolicyArn=arn, VersionId=pol["DefaultVersionId"])
        # aws_iam_user_policy_attachment.
        iam.attach_user_policy(UserName="deployer", PolicyArn=arn)
        self.assertIn(arn, [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="deployer")["AttachedPolicies"]])
        # aws_iam_account_password_policy and aws_iam_account_alias.
        iam.update_account_password_policy(MinimumPasswordLength=15, RequireNumbers=True, AllowUsersToChangePassword=True)
        iam.get_account_password_policy()
        alias = iam.list_account_aliases()["AccountAliases"][0]
        iam.delete_account_alias(AccountAlias=alias)
        iam.create_account_alias(AccountAlias=alias + "-tf")
        self.assertEqual(iam.list_account_aliases()["AccountAliases"], [alias + "-tf"])
        # aws_iam_virtual_mfa_device: create with tags, then the read (list by assignment, find the
        # serial, list its tags).
        mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="deployer-mfa", Path="/",
                                            Tags=[{"Key": "env", "Value": "prod"}])["VirtualMFADevice"]
        found = [d for d in iam.list_virtual_mfa_devices(AssignmentStatus="Any")["VirtualMFADevices"]
                 if d["SerialNumber"] == mfa["SerialNumber"]]
        self.assertEqual(len(found), 1)
        self.assertEqual(iam.list_mfa_device_tags(SerialNumber=mfa["SerialNumber"])["Tags"], [{"Key": "env", "Value": "prod"}])

        # Update: tags and path of the user; the policy edited seven times (the provider deletes the
        # oldest non-default version whenever five exist, then creates the new default).
        iam.tag_user(UserName="deployer", Tags=[{"Key": "owner", "Value": "ops"}])
        iam.untag_user(UserName="deployer", TagKeys=["env"])
        iam.update_user(UserName="deployer", NewPath="/system/ci/")
        user, tags = self.read_user("deployer")
        self.assertEqual((user["Path"], tags), ("/system/ci/", {"owner": "ops"}))
        for n in range(7):
            versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
            if len(versions) >= 5:
                oldest = min((v for v in versions if not v["IsDefaultVersion"]), key=lambda v: int(v["VersionId"][1:]))
                iam.delete_policy_version(PolicyArn=arn, VersionId=oldest["VersionId"])
            iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(f"iam:Get{n}*"), SetAsDefault=True)
        versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        self.assertEqual(len(versions), 5)
        self.assertEqual([v["VersionId"] for v in versions if v["IsDefaultVersion"]], ["v8"])

        # Destroy, with force_destroy on the user: every list+delete pair, then DeleteUser.
        iam.detach_user_policy(UserName="deployer", PolicyArn=arn)
        for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
            if not v["IsDefaultVersion"]:
                iam.delete_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
        iam.delete_policy(PolicyArn=arn)
        iam.remove_user_from_group(GroupName="deployers", UserName="deployer")
        iam.delete_group(GroupName="deployers")
        for k in iam.list_access_keys(UserName="deployer")["AccessKeyMetadata"]:
            iam.delete_access_key(UserName="deployer", AccessKeyId=k["AccessKeyId"])
        iam.delete_login_profile(UserName="deployer")
        for g in iam.list_groups_for_user(UserName="deployer")["Groups"]:
            iam.remove_user_from_group(GroupName=g["GroupName"], UserName="deployer")
        for p in iam.list_user_policies(UserName="deployer")["PolicyNames"]:
            iam.delete_user_policy(UserName="deployer", PolicyName=p)
        for p in iam.list_attached_user_policies(UserName="deployer")["AttachedPolicies"]:
            iam.detach_user_policy(UserName="deployer", PolicyArn=p["PolicyArn"])
        iam.delete_user(UserName="deployer")
        # aws_iam_virtual_mfa_device destroy: deactivate when assigned (it is not), then delete.
        for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]:
            if d["SerialNumber"] == mfa["SerialNumber"] and "User" in d:
                iam.deactivate_mfa_device(UserName=d["User"]["UserName"], SerialNumber=d["SerialNumber"])
        iam.delete_virtual_mfa_device(SerialNumber=mfa["SerialNumber"])
        iam.delete_account_password_policy()
        with self.assertRaises(botocore.exceptions.ClientError) as e:
            iam.get_user(UserName="deployer")
        self.assertEqual(code(e), "NoSuchEntity")
        self.assertNotIn(key["AccessKeyId"], json.dumps(iam.get_account_summary()["SummaryMap"]))


class AwsCli(unittest.TestCase):
    """The exact commands of the documents the product was born from, through the stock aws CLI."""

    def setUp(self):
        self.account, key = new_account("cli")
        self.env = dict(os.environ, AWS_ACCESS_KEY_ID=key["access_key_id"], AWS_SECRET_ACCESS_KEY=key["secret_access_key"],
                        AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")

    def aws(self, *args, env=None):
        out = subprocess.run([AWS, "--endpoint-url", BASE, "--output", "json", *args], capture_output=True, text=True,
                             env=env or self.env)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout) if out.stdout.strip() else None

    def test_documented_commands(self):
        self.aws("iam", "create-user", "--user-name", "U", "--path", "/example/path/2/")
        self.assertEqual(self.aws("iam", "get-user", "--user-name", "U")["User"]["UserName"], "U")
        listed = self.aws("iam", "list-users", "--path-prefix", "/example/path/2/")["Users"]
        self.assertEqual([u["UserName"] for u in listed], ["U"])
        self.aws("iam", "create-login-profile", "--user-name", "U", "--password", "Cli-Passw0rd-123!", "--password-reset-required")
        self.assertTrue(self.aws("iam", "get-login-profile", "--user-name", "U")["LoginProfile"]["PasswordResetRequired"])
        self.aws("iam", "update-login-profile", "--user-name", "U", "--no-password-reset-required")
        self.aws("iam", "delete-login-profile", "--user-name", "U")
        key = self.aws("iam", "create-access-key", "--user-name", "U")["AccessKey"]
        env = dict(self.env, AWS_ACCESS_KEY_ID=key["AccessKeyId"], AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"])
        ident = self.aws("sts", "get-caller-identity", env=env)
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{self.account}:user/example/path/2/U")

    def test_credential_report_as_documented(self):
        """`aws iam generate-credential-report`, then `get-credential-report` and base64 -d, as the
        IAM user guide shows it."""
        for _ in range(100):
            if self.aws("iam", "generate-credential-report")["State"] == "COMPLETE":
                break
            time.sleep(0.1)
        content = self.aws("iam", "get-credential-report")["Content"]
        csv = base64.b64decode(content).decode()
        self.assertTrue(csv.startswith("user,arn,user_creation_time,"))
        self.assertIn(f"<root_account>,arn:aws:iam::{self.account}:root,", csv)

    def test_list_users_auto_paginates(self):
        for i in range(7):
            self.aws("iam", "create-user", "--user-name", f"many-{i}")
        # --page-size makes the CLI fetch pages of 3 and follow the markers itself.
        users = self.aws("iam", "list-users", "--page-size", "3")["Users"]
        self.assertEqual(sorted(u["UserName"] for u in users), [f"many-{i}" for i in range(7)])


if __name__ == "__main__":
    unittest.main(verbosity=2)
