package io.exora.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Profiles and delegated access, as SQL run inside the caller's request transaction. Access is
 * decided by the database (RLS and the guarded functions); this class only states what to do.
 */
public final class Profiles {

  public record AccessibleProfile(UUID profileId, String displayName, String profileType,
      UUID accountOwnerId, String accessLevel, boolean isOwner, boolean canUploadDocuments,
      boolean canViewDocuments, boolean canEditMedicalData, boolean canShareData,
      boolean canManagePermissions, Instant accessEndDate) {}

  public record Profile(UUID id, UUID accountOwnerId, String profileType, String displayName,
      String relationship, LocalDate dateOfBirth, String biologicalSex, Instant createdAt) {}

  public record NewDependent(String displayName, String profileType, String relationship,
      LocalDate dateOfBirth, String biologicalSex) {}

  public record Grant(UUID id, UUID profileId, UUID userId, String permissionLevel,
      boolean canUploadDocuments, boolean canViewDocuments, boolean canEditMedicalData,
      boolean canShareData, boolean canManagePermissions, Instant accessStartDate,
      Instant accessEndDate, UUID grantedBy, Instant grantedAt, Instant revokedAt) {}

  public record NewGrant(String email, String permissionLevel, boolean canUploadDocuments,
      boolean canViewDocuments, boolean canEditMedicalData, boolean canShareData,
      boolean canManagePermissions, Instant accessEndDate) {}

  private Profiles() {}

  public static List<AccessibleProfile> accessible(Handle h) {
    return h.createQuery("select * from public.get_accessible_profiles()")
        .mapTo(AccessibleProfile.class).list();
  }

  /** A profile the caller owns, for someone in their care. The self profile comes with sign-up. */
  public static Profile createDependent(Handle h, NewDependent p) {
    return h.createQuery("""
            insert into public.user_profiles
                   (account_owner_id, profile_type, display_name, relationship, date_of_birth, biological_sex)
            values ((select auth.uid()), :profileType, :displayName, :relationship, :dateOfBirth, :biologicalSex)
            returning id, account_owner_id, profile_type, display_name, relationship, date_of_birth,
                      biological_sex, created_at""")
        .bindMethods(p)
        .mapTo(Profile.class).one();
  }

  public static Grant grant(Handle h, UUID profileId, NewGrant g) {
    UUID grantId = h.createQuery("""
            select public.grant_profile_access(:profileId, :email, cast(:permissionLevel as public.access_level_type),
                   :canUploadDocuments, :canViewDocuments, :canEditMedicalData, :canShareData,
                   :canManagePermissions, :accessEndDate)""")
        .bind("profileId", profileId)
        .bindMethods(g)
        .mapTo(UUID.class).one();
    return h.createQuery("select * from public.profile_access_permissions where id = :id")
        .bind("id", grantId).mapTo(Grant.class).one();
  }

  /**
   * Revokes the live grant of {@code userId} on the profile. Empty when there is none the caller
   * may revoke: RLS hides grants of profiles the caller does not manage.
   */
  public static Optional<Grant> revoke(Handle h, UUID profileId, UUID userId) {
    return h.createQuery("""
            update public.profile_access_permissions
               set revoked_at = now(), revoked_by = (select auth.uid()), revoke_reason = 'revoked by API'
             where profile_id = :profileId and user_id = :userId and revoked_at is null
            returning *""")
        .bind("profileId", profileId).bind("userId", userId)
        .mapTo(Grant.class).findOne();
  }
}
