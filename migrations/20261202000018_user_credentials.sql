-- The other credentials of IAM users: SSH public keys (for git over SSH and sshd's
-- AuthorizedKeysCommand), X.509 signing certificates, and service-specific credentials (a user name
-- and password for HTTPS git or Cassandra). Quotas are counted under the owner's row lock; the
-- unique constraints catch duplicates that race. Deleting a user cascades to all three (the strict
-- DeleteUser refuses first while any remain).

CREATE TABLE ssh_public_keys (
    ssh_public_key_id  text        PRIMARY KEY,
    account_id         text        NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    user_id            text        NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    -- One OpenSSH line without a comment: what authorized_keys gets.
    body               text        NOT NULL,
    fingerprint_md5    text        NOT NULL,
    fingerprint_sha256 text        NOT NULL,
    status             text        NOT NULL DEFAULT 'Active',
    uploaded_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ssh_public_keys_status CHECK (status IN ('Active', 'Inactive')),
    CONSTRAINT ssh_public_keys_id_format CHECK (ssh_public_key_id ~ '^APKA[A-Z2-7]{16}$'),
    CONSTRAINT ssh_public_keys_duplicate UNIQUE (user_id, fingerprint_sha256)
);

-- Root's certificates have no user (user_id NULL), as root's access keys.
CREATE TABLE signing_certificates (
    certificate_id text        PRIMARY KEY,
    account_id     text        NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    user_id        text        REFERENCES users (user_id) ON DELETE CASCADE,
    body           text        NOT NULL,
    der_sha256     text        NOT NULL,
    not_after      timestamptz NOT NULL,
    status         text        NOT NULL DEFAULT 'Active',
    uploaded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT signing_certificates_status CHECK (status IN ('Active', 'Inactive')),
    CONSTRAINT signing_certificates_id_format CHECK (certificate_id ~ '^[A-Z0-9]{32}$'),
    -- IAM: "the same certificate is associated with an IAM user in the account".
    CONSTRAINT signing_certificates_duplicate UNIQUE (account_id, der_sha256)
);
CREATE INDEX signing_certificates_owner ON signing_certificates (account_id, coalesce(user_id, ''));
CREATE INDEX signing_certificates_user ON signing_certificates (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE service_specific_credentials (
    credential_id     text        PRIMARY KEY,
    account_id        text        NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    user_id           text        NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    service_name      text        NOT NULL,
    -- `<user>-at-<account id>`, `<user>+1-at-<account id>` for a second one: what the client
    -- sends as its user name, so it names one credential of the service.
    service_user_name text        NOT NULL,
    -- argon2id PHC string; the password itself is shown once.
    password_hash     text        NOT NULL,
    status            text        NOT NULL DEFAULT 'Active',
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT service_credentials_status CHECK (status IN ('Active', 'Inactive')),
    CONSTRAINT service_credentials_id_format CHECK (credential_id ~ '^ACCA[A-Z2-7]{16}$'),
    CONSTRAINT service_credentials_user_name UNIQUE (service_name, service_user_name)
);
CREATE INDEX service_credentials_user ON service_specific_credentials (user_id, service_name);
