-- Granting delegated access by e-mail address (the profiles API's "share this profile").
--
-- Why a function: the grantee is named by e-mail, and resolving an e-mail to a user id means
-- reading auth.users, which no API role may read. The function resolves it, and only for a caller
-- who may manage the profile's permissions; everything else about grants (listing, revoking) is
-- plain SQL under the RLS policies of profile_access_permissions.

-- grant_profile_access: create or replace the caller's grant of p_level on p_profile_id to the
-- account with e-mail p_grantee_email, and return the grant's id. Re-granting a revoked or
-- expired grant revives it with the new terms. Raises 42501 without manage rights (the owner, or
-- full_access with can_manage_permissions), P0002 for an unknown e-mail, 22023 for a self-grant.
create function public.grant_profile_access(
  p_profile_id             uuid,
  p_grantee_email          text,
  p_level                  public.access_level_type,
  p_can_upload_documents   boolean     default false,
  p_can_view_documents     boolean     default true,
  p_can_edit_medical_data  boolean     default false,
  p_can_share_data         boolean     default false,
  p_can_manage_permissions boolean     default false,
  p_access_end_date        timestamptz default null
) returns uuid
  language plpgsql
  volatile
  security definer
  set search_path = ''
  as $$
declare
  v_grantee uuid;
  v_grant   uuid;
begin
  if not public.is_service_role()
     and p_profile_id not in (select public.my_profiles('full_access', 'manage_permissions')) then
    raise exception 'may not manage access to profile %', p_profile_id using errcode = '42501';
  end if;

  select u.id into v_grantee from auth.users u where lower(u.email) = lower(btrim(p_grantee_email));
  if v_grantee is null then
    raise exception 'no account with that e-mail address' using errcode = 'P0002';
  end if;
  if v_grantee = auth.uid()
     or v_grantee = (select p.account_owner_id from public.user_profiles p where p.id = p_profile_id) then
    raise exception 'the owner and the granting user need no grant' using errcode = '22023';
  end if;

  insert into public.profile_access_permissions as g
         (profile_id, user_id, permission_level, can_upload_documents, can_view_documents,
          can_edit_medical_data, can_share_data, can_manage_permissions, access_end_date, granted_by)
  values (p_profile_id, v_grantee, p_level, p_can_upload_documents, p_can_view_documents,
          p_can_edit_medical_data, p_can_share_data, p_can_manage_permissions, p_access_end_date,
          auth.uid())
  on conflict (profile_id, user_id) do update
     set permission_level       = excluded.permission_level,
         can_upload_documents   = excluded.can_upload_documents,
         can_view_documents     = excluded.can_view_documents,
         can_edit_medical_data  = excluded.can_edit_medical_data,
         can_share_data         = excluded.can_share_data,
         can_manage_permissions = excluded.can_manage_permissions,
         access_start_date      = now(),
         access_end_date        = excluded.access_end_date,
         granted_by             = excluded.granted_by,
         granted_at             = now(),
         revoked_at             = null,
         revoked_by             = null,
         revoke_reason          = null
  returning g.id into v_grant;
  return v_grant;
end
$$;
comment on function public.grant_profile_access(uuid, text, public.access_level_type, boolean, boolean,
                                                boolean, boolean, boolean, timestamptz) is
  'Grants (or revives) delegated access by e-mail. Guarded: owner or full_access manager only.';
revoke all on function public.grant_profile_access(uuid, text, public.access_level_type, boolean,
                                                   boolean, boolean, boolean, boolean, timestamptz)
  from public, anon;
grant execute on function public.grant_profile_access(uuid, text, public.access_level_type, boolean,
                                                      boolean, boolean, boolean, boolean, timestamptz)
  to authenticated, service_role;
