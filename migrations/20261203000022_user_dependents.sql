-- What a user still holds that IAM's strict DeleteUser refuses over, defined once: the console's
-- check reads it, and the strict delete removes the user (and its sign-in throttle row) in one
-- statement only when it holds nothing. The caller has locked the user's row, so nothing can be
-- added between the check and the delete (every dependent's foreign key waits on that lock).
CREATE FUNCTION user_dependents(uid text)
RETURNS TABLE (
    has_login_profile boolean,
    has_mfa_device boolean,
    has_access_key boolean,
    in_groups boolean,
    has_ssh_public_key boolean,
    has_signing_certificate boolean,
    has_service_credential boolean,
    has_policies boolean
)
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM login_profiles WHERE user_id = uid),
           EXISTS (SELECT 1 FROM mfa_devices WHERE user_id = uid),
           EXISTS (SELECT 1 FROM access_keys WHERE user_id = uid),
           EXISTS (SELECT 1 FROM group_members WHERE user_id = uid),
           EXISTS (SELECT 1 FROM ssh_public_keys WHERE user_id = uid),
           EXISTS (SELECT 1 FROM signing_certificates WHERE user_id = uid),
           EXISTS (SELECT 1 FROM service_specific_credentials WHERE user_id = uid),
           EXISTS (SELECT 1 FROM policy_attachments WHERE user_id = uid)
               OR EXISTS (SELECT 1 FROM inline_policies WHERE user_id = uid)
$$;

-- Whether the user holds anything at all (the strict delete's condition).
CREATE FUNCTION user_holds_anything(uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT has_login_profile OR has_mfa_device OR has_access_key OR in_groups OR has_ssh_public_key
           OR has_signing_certificate OR has_service_credential OR has_policies
      FROM user_dependents(uid)
$$;
