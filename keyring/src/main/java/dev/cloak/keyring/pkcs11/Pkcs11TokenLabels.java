package dev.cloak.keyring.pkcs11;

import dev.cloak.keyring.KeyringException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the labels of a module's tokens. JDK 17 has no public API for them, so this uses SunPKCS11's
 * internal wrapper, and only when the JVM exports it to Cloak
 * ({@code --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED}); otherwise it
 * answers "unknown" and the caller picks the token by PIN and key label.
 */
final class Pkcs11TokenLabels {

    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11TokenLabels.class);
    private static final String WRAPPER = "sun.security.pkcs11.wrapper";
    private static final long CKF_OS_LOCKING_OK = 0x2L;
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private Pkcs11TokenLabels() {
    }

    /** Whether this JVM lets Cloak read token labels. */
    static boolean available() {
        Optional<Module> cryptoki = ModuleLayer.boot().findModule("jdk.crypto.cryptoki");
        return cryptoki.isPresent() && cryptoki.get().isExported(WRAPPER, Pkcs11TokenLabels.class.getModule());
    }

    /**
     * The ids of the slots whose token carries the label, or empty when labels cannot be read here.
     * Fails UNAVAILABLE when the module itself fails to answer.
     */
    static Optional<List<Long>> slotsLabelled(Path module, String label) throws KeyringException {
        if (!available()) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("pkcs11: token labels cannot be read (JDK 17's SunPKCS11 does not expose them); the token is "
                        + "chosen by PIN and key label. Run with --add-exports jdk.crypto.cryptoki/{}=ALL-UNNAMED to "
                        + "have token= checked", WRAPPER);
            }
            return Optional.empty();
        }
        Object pkcs11;
        Method tokenInfo;
        long[] slots;
        try {
            Module cryptoki = ModuleLayer.boot().findModule("jdk.crypto.cryptoki").orElseThrow();
            Class<?> wrapper = Class.forName(cryptoki, WRAPPER + ".PKCS11");
            Class<?> initArgsType = Class.forName(cryptoki, WRAPPER + ".CK_C_INITIALIZE_ARGS");
            if (wrapper == null || initArgsType == null) {
                return Optional.empty();
            }
            // the same initialisation SunPKCS11 performs, so the shared module instance is set up as it expects
            Object initArgs = initArgsType.getConstructor().newInstance();
            initArgsType.getField("flags").setLong(initArgs, CKF_OS_LOCKING_OK);
            pkcs11 = wrapper.getMethod("getInstance", String.class, String.class, initArgsType, boolean.class)
                    .invoke(null, module.toString(), "C_GetFunctionList", initArgs, false);
            slots = (long[]) wrapper.getMethod("C_GetSlotList", boolean.class).invoke(pkcs11, true);
            tokenInfo = wrapper.getMethod("C_GetTokenInfo", long.class);
        } catch (InvocationTargetException e) {
            throw new KeyringException(KeyringException.Kind.UNAVAILABLE,
                    "pkcs11: module " + module + " failed to list its tokens", e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("pkcs11: token labels cannot be read on this JDK ({}); choosing the token by PIN and key label",
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
        List<Long> matches = new ArrayList<>();
        for (long slot : slots) {
            try {
                Object info = tokenInfo.invoke(pkcs11, slot);
                char[] padded = (char[]) info.getClass().getField("label").get(info);
                // CK_TOKEN_INFO pads the 32-character label with blanks
                if (new String(padded).stripTrailing().equals(label)) {
                    matches.add(slot);
                }
            } catch (InvocationTargetException e) {
                // a slot whose token cannot be asked (removed, uninitialised) holds no token of ours
                LOG.debug("pkcs11: slot {} of module {} did not report its token", slot, module);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.of(matches);
    }
}
