-- Virtual MFA devices as IAM's API models them. CreateVirtualMFADevice makes an *unassigned*
-- device: its seed is stored (sealed, bound to the row id) but it has no owner and is not enabled
-- (`enabled_at` NULL). EnableMFADevice assigns it to a user (or root) after two consecutive codes;
-- DeactivateMFADevice makes it unassigned again; DeleteVirtualMFADevice removes an unassigned one.
-- Devices enrolled in the console are created assigned, as before. Every owner query names
-- `enabled_at IS NOT NULL`, so an unassigned device (user_id NULL too) is never taken for root's.
ALTER TABLE mfa_devices
    ADD COLUMN path text NOT NULL DEFAULT '/',
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ALTER COLUMN enabled_at DROP NOT NULL,
    ADD CONSTRAINT mfa_devices_unassigned_have_no_user CHECK (enabled_at IS NOT NULL OR user_id IS NULL),
    ADD CONSTRAINT mfa_devices_path_shape CHECK (char_length(path) BETWEEN 1 AND 512 AND path LIKE '/%/' OR path = '/');
UPDATE mfa_devices SET created_at = enabled_at;

-- Tags on virtual MFA devices (TagMFADevice, UntagMFADevice, ListMFADeviceTags, Create's Tags);
-- keys unique per device ignoring case, the 50-tag quota checked under the device's row lock.
CREATE TABLE mfa_device_tags (
    device_id bigint NOT NULL REFERENCES mfa_devices (id) ON DELETE CASCADE,
    tag_key   text   NOT NULL,
    tag_value text   NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX mfa_device_tags_key ON mfa_device_tags (device_id, lower(tag_key));
