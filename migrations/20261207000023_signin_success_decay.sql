-- A successful sign-in gives back its own charge and forgives one more failure of its source
-- address (issue 29): before, a success only refunded itself, so an address that once reached
-- the limit (a proxy, an office NAT) was locked again at every sign-in after each lock expired and
-- never came back under the limit while its people kept signing in. Failures of the subject (the
-- user or root email) are still cleared as before; only the address counter decays.
--
-- Root's PasswordLastUsed (the credential report's `password_last_used` on the `<root_account>`
-- line, which said `no_information` even after root signed in).
ALTER TABLE accounts ADD COLUMN root_password_last_used_at timestamptz;

CREATE OR REPLACE FUNCTION signin_succeeded(p_address text, a_free integer, p_subject text, p_user_id text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    UPDATE signin_throttle
       SET failures = GREATEST(failures - 2, 0),
           locked_until = CASE WHEN failures - 2 < a_free THEN NULL ELSE locked_until END
     WHERE throttle_key = p_address;
    DELETE FROM signin_throttle WHERE throttle_key = p_subject;
    IF p_user_id IS NOT NULL THEN
        UPDATE users SET password_last_used_at = now() WHERE user_id = p_user_id;
    ELSIF starts_with(p_subject, 'root:') THEN
        -- Root's counter is keyed by its email, lower-cased (usecases/throttle_keys.rs).
        UPDATE accounts SET root_password_last_used_at = now() WHERE lower(root_email) = substr(p_subject, 6);
    END IF;
END
$$;
