package fr.lehavre.hariane.idp.registration;

/** The SIRET already has a structure: a colleague administrator must add the person. */
public final class StructureAlreadyRegistered extends RuntimeException {
    public StructureAlreadyRegistered(String siret) {
        super("structure already registered: " + siret);
    }
}
