package fr.lehavre.hariane.idp.registration;

/**
 * The person's address already belongs to an account: nothing is created, and the person is
 * answered as if it were new (docs/registration-oracle.md).
 */
public final class AddressAlreadyUsed extends RuntimeException {
    public AddressAlreadyUsed() {
        super("address already used by an account", null, false, false);
    }
}
