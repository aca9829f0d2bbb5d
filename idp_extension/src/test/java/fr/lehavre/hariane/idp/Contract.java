package fr.lehavre.hariane.idp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The repository's shared contract ({@code contract/*.json}: names and test vectors the Python
 * suite reads too), put on the test classpath under {@code contract/} by the pom.
 */
public final class Contract {

    private Contract() {}

    public static JsonNode load(String name) {
        String resource = "contract/" + name + ".json";
        try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code vectors} array of {@code contract/<name>.json}. */
    public static JsonNode vectors(String name) {
        return load(name).get("vectors");
    }
}
