package fr.lehavre.hariane.idp.profile;

import fr.lehavre.hariane.idp.IdentityNames;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The three Hariane PRO profiles, from the least to the most powerful. Each is a realm group
 * of the same name carrying the realm role {@code profile-<name>}.
 */
public enum Profile {
    STANDARD,
    PRIVILEGED,
    ADMIN;

    /** The value used in groups, role suffixes and the {@code pro_profile} claim. */
    public String claimValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String roleName() {
        return IdentityNames.PROFILE_ROLE_PREFIX + claimValue();
    }

    /**
     * The most powerful profile among the given realm role names; empty when none is a
     * profile role. A user should hold exactly one, but a stray extra role must never lower
     * what the token says below what the user really holds, nor invent a profile.
     */
    public static Optional<Profile> highestOf(Collection<String> realmRoleNames) {
        return highest(realmRoleNames, Profile::roleName);
    }

    /**
     * The most powerful profile among the given group names (each profile is the realm group
     * named by its {@link #claimValue()}); empty when none is a profile group.
     */
    public static Optional<Profile> highestOfGroups(Collection<String> groupNames) {
        return highest(groupNames, Profile::claimValue);
    }

    private static Optional<Profile> highest(Collection<String> names, Function<Profile, String> nameOf) {
        Profile best = null;
        for (Profile candidate : values()) {
            if (names.contains(nameOf.apply(candidate))) {
                best = candidate;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The profile role names among the given realm role names, from the least to the most
     * powerful: the {@code roles} claim. Every other role (Keycloak's {@code offline_access},
     * {@code default-roles-*}, ...) is left out.
     */
    public static List<String> roleNamesIn(Collection<String> realmRoleNames) {
        List<String> held = new java.util.ArrayList<>();
        for (Profile candidate : values()) {
            if (realmRoleNames.contains(candidate.roleName())) {
                held.add(candidate.roleName());
            }
        }
        return held;
    }
}
