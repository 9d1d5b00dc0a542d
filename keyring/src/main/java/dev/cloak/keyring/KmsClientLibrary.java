package dev.cloak.keyring;

/**
 * A remote KMS provider's client library, which {@code cloak-keyring} declares as an optional dependency: an
 * application adds the one its master key needs (the {@code cloak} command's jar carries them all). A provider checks
 * for it when a URI of its scheme is opened, so a missing library fails then, naming the artifact to add, and a
 * keyring that uses another scheme never loads it.
 *
 * @param scheme      the provider's scheme, e.g. {@code aws-kms}
 * @param probeClass  a class of the library, e.g. {@code software.amazon.awssdk.services.kms.KmsClient}
 * @param coordinates the Maven coordinates to add, with the version Cloak is tested against
 */
public record KmsClientLibrary(String scheme, String probeClass, String coordinates) {

    /**
     * Checks that the library is on the class path of {@code loader}.
     *
     * @throws KeyringException {@link KeyringException.Kind#INVALID} naming the artifact to add
     */
    public void require(ClassLoader loader) throws KeyringException {
        try {
            Class.forName(probeClass, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new KeyringException(KeyringException.Kind.INVALID, scheme + ": master keys need the client library "
                    + coordinates + " on the class path (cloak-keyring declares it optional); add it to the "
                    + "application's dependencies");
        }
    }
}
