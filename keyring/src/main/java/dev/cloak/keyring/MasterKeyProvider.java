package dev.cloak.keyring;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;

/**
 * SPI for master keys, chosen by URI scheme (ServiceLoader + built-ins). A master key only wraps and
 * unwraps keysets; it is called on a cache miss, never per cell.
 */
public interface MasterKeyProvider {

    /** Whether this provider handles the master-key URI (usually decided by its scheme alone). */
    boolean supports(String uri);

    /** Opens the master key named by the URI as an AEAD; exception messages must not repeat secrets from the URI. */
    Aead open(String uri) throws GeneralSecurityException;
}
