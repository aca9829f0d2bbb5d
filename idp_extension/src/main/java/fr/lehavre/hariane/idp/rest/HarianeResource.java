package fr.lehavre.hariane.idp.rest;

import fr.lehavre.hariane.idp.activation.ColleagueActivationResource;
import fr.lehavre.hariane.idp.structure.StructureMembersResource;
import jakarta.ws.rs.Path;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

/**
 * The extension's REST endpoints under {@code /realms/{realm}/hariane}, for the portal adapter's
 * service account (docs/activation.md, docs/user-management.md):
 * <ul>
 *   <li>{@code colleagues/...}: {@link ColleagueActivationResource};
 *   <li>{@code structures/...}: {@link StructureMembersResource}.
 * </ul>
 */
public final class HarianeResource implements RealmResourceProvider {

    private final KeycloakSession session;

    HarianeResource(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return this;
    }

    @Path("colleagues")
    public ColleagueActivationResource colleagues() {
        return new ColleagueActivationResource(session);
    }

    @Path("structures")
    public StructureMembersResource structures() {
        return new StructureMembersResource(session);
    }

    @Override
    public void close() {}
}
