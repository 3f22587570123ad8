-- Tags on customer-managed policies (TagPolicy, UntagPolicy, ListPolicyTags, CreatePolicy's Tags),
-- which also feed `aws:ResourceTag/*` when a policy is the resource. Keys unique per policy ignoring
-- case; the 50-tag quota is checked under the policy's row lock.
CREATE TABLE policy_tags (
    policy_id text NOT NULL REFERENCES policies (policy_id) ON DELETE CASCADE,
    tag_key   text NOT NULL,
    tag_value text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX policy_tags_key ON policy_tags (policy_id, lower(tag_key));
