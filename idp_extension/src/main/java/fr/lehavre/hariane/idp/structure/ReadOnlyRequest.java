package fr.lehavre.hariane.idp.structure;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.Provider;

/**
 * Turns Hibernate's auto-flush off for a request that changes nothing. Before each query,
 * Hibernate walks every entity the request has loaded to flush pending changes; Keycloak runs
 * one query per user it loads (is the user a managed member of an organization?), so a request
 * loading N users from the database walked N × N entities: 80 % of the CPU of the 300-member
 * listing at 100,000 users (docs/user-management.md, docs/benchmarks.md « Scale »).
 *
 * <p>Keycloak's {@code JpaConnectionProvider} sits in {@code keycloak-model-jpa}, whose parent POM
 * Maven Central does not serve for every patch release: it is looked up by name, and without it
 * (another storage) the request keeps its default flush mode.
 */
final class ReadOnlyRequest {

    private static final Logger LOG = Logger.getLogger(ReadOnlyRequest.class);
    private static final String JPA_CONNECTION = "org.keycloak.connections.jpa.JpaConnectionProvider";

    private ReadOnlyRequest() {}

    static void flushAtCommitOnly(KeycloakSession session) {
        try {
            Class<? extends Provider> type = Class.forName(JPA_CONNECTION, true, KeycloakSession.class.getClassLoader())
                    .asSubclass(Provider.class);
            Provider connection = session.getProvider(type);
            if (connection != null) {
                ((EntityManager) type.getMethod("getEntityManager").invoke(connection))
                        .setFlushMode(FlushModeType.COMMIT);
            }
        } catch (ReflectiveOperationException | ClassCastException e) {
            LOG.warnf("auto-flush left on: %s", e);
        }
    }
}
