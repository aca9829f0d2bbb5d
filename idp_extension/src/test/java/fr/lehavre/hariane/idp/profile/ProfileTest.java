package fr.lehavre.hariane.idp.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProfileTest {

    @Test
    @DisplayName("Given profile roles among others, then the most powerful one is the profile")
    void highestWins() {
        assertEquals(
                Optional.of(Profile.ADMIN),
                Profile.highestOf(List.of("offline_access", "profile-standard", "profile-admin")));
        assertEquals(Optional.of(Profile.PRIVILEGED), Profile.highestOf(List.of("profile-privileged")));
    }

    @Test
    @DisplayName("Given no profile role, then there is no profile")
    void noProfileRole() {
        assertTrue(Profile.highestOf(List.of("offline_access", "admin")).isEmpty());
    }

    @Test
    @DisplayName("Given profile groups among others, then the most powerful group is the profile; none without one")
    void highestGroupWins() {
        assertEquals(
                Optional.of(Profile.ADMIN), Profile.highestOfGroups(List.of("standard", "admin", "metropolis-agents")));
        assertEquals(Optional.of(Profile.STANDARD), Profile.highestOfGroups(List.of("standard")));
        assertTrue(Profile.highestOfGroups(List.of("profile-admin", "Admin")).isEmpty());
    }

    @Test
    @DisplayName("Then claim values and role names follow the realm's names")
    void names() {
        assertEquals("privileged", Profile.PRIVILEGED.claimValue());
        assertEquals("profile-admin", Profile.ADMIN.roleName());
    }

    @Test
    @DisplayName("Given profile roles among Keycloak's own, then the roles claim keeps the profile roles only")
    void rolesClaimKeepsProfileRolesOnly() {
        assertEquals(
                List.of("profile-admin"),
                Profile.roleNamesIn(List.of(
                        "offline_access",
                        "uma_authorization",
                        "default-roles-hariane-pro",
                        "profile-admin",
                        "profile-other")));
        assertEquals(
                List.of("profile-standard", "profile-admin"),
                Profile.roleNamesIn(List.of("profile-admin", "profile-standard")));
        assertTrue(Profile.roleNamesIn(List.of("offline_access")).isEmpty());
    }
}
