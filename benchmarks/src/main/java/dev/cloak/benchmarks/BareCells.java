package dev.cloak.benchmarks;

import com.google.crypto.tink.subtle.AesSiv;
import com.google.crypto.tink.subtle.Random;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bare primitives as an application would call them itself around raw pgjdbc: the {@code bare} driver's cells.
 * The randomized columns use the JDK's AES-GCM as Cloak's keyring runs it ({@link Gcm}: one {@code Cipher} per key
 * and thread, Tink's ciphertext layout), the deterministic ones ({@code ssn}, {@code code}) Tink's {@link AesSiv};
 * one key per column, associated data as long as Cloak's, and cells as long as Cloak's (its 2-byte header in front
 * of Tink's layout). The plaintext is what Cloak encrypts for an unpadded varchar, a type byte and the UTF-8, and a
 * read value comes back as a {@code String}, as from Cloak. Nothing else: no policy, wrappers, key cache or
 * metering. What this driver adds to raw pgjdbc is the floor in the application, the primitives' cost where the
 * cells are read and written (caches shared with pgjdbc and the network stack) and the server's cost of storing
 * ciphertext; Cloak's cost beyond it is Cloak's own code.
 */
final class BareCells {

    /** Cloak's cell header (format version, cell kind) in front of Tink's ciphertext: the same cell lengths. */
    private static final int HEADER = 2;
    private static final byte VARCHAR_TAG = 1;

    private BareCells() {
    }

    /** The cells of one column under a fresh random key: deterministic (AES-SIV) or randomized (AES-GCM). */
    static Column column(String name, boolean deterministic) throws GeneralSecurityException {
        byte[] ad = ("cloak/v1/bench_bare." + name).getBytes(StandardCharsets.UTF_8);
        return deterministic ? new SivColumn(new AesSiv(Random.randBytes(64)), ad) : new GcmColumn(new Gcm(), ad);
    }

    /** One column's cells: a value to its cell and back. */
    interface Column {
        byte[] encrypt(String value) throws GeneralSecurityException;

        String decrypt(byte[] cell) throws GeneralSecurityException;
    }

    /** A varchar's plaintext: its type byte and its UTF-8. */
    static byte[] plaintext(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        byte[] plaintext = new byte[1 + utf8.length];
        plaintext[0] = VARCHAR_TAG;
        System.arraycopy(utf8, 0, plaintext, 1, utf8.length);
        return plaintext;
    }

    private static String value(byte[] plaintext) {
        return new String(plaintext, 1, plaintext.length - 1, StandardCharsets.UTF_8);
    }

    private record GcmColumn(Gcm gcm, byte[] ad) implements Column {
        @Override
        public byte[] encrypt(String value) throws GeneralSecurityException {
            byte[] plaintext = plaintext(value);
            try {
                return gcm.encrypt(plaintext, ad, HEADER);
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        }

        @Override
        public String decrypt(byte[] cell) throws GeneralSecurityException {
            return value(gcm.decrypt(cell, HEADER, ad));
        }
    }

    private record SivColumn(AesSiv siv, byte[] ad) implements Column {
        @Override
        public byte[] encrypt(String value) throws GeneralSecurityException {
            byte[] plaintext = plaintext(value);
            try {
                byte[] body = siv.encryptDeterministically(plaintext, ad);
                byte[] cell = new byte[HEADER + Gcm.PREFIX + body.length];
                cell[HEADER] = 1;
                System.arraycopy(body, 0, cell, HEADER + Gcm.PREFIX, body.length);
                return cell;
            } finally {
                Arrays.fill(plaintext, (byte) 0);
            }
        }

        @Override
        public String decrypt(byte[] cell) throws GeneralSecurityException {
            return value(siv.decryptDeterministically(
                    Arrays.copyOfRange(cell, HEADER + Gcm.PREFIX, cell.length), ad));
        }
    }

    /**
     * The JDK's AES-GCM as the keyring's {@code AesGcmKeysetAead} runs it, on Tink's ciphertext layout (output
     * prefix, 12-byte random IV from Tink's {@link Random}, ciphertext, 16-byte tag), with one cipher per thread set
     * to this key.
     */
    static final class Gcm {
        /** Tink's output prefix in front of every keyset ciphertext. */
        static final int PREFIX = 5;
        private static final int IV = 12;
        private static final int TAG = 16;

        private final SecretKeySpec key;
        private final ThreadLocal<Cipher> cipher = ThreadLocal.withInitial(Gcm::newCipher);

        Gcm() {
            this.key = new SecretKeySpec(Random.randBytes(32), "AES");
        }

        private static Cipher newCipher() {
            try {
                return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Into a new array: {@code headroom} zero bytes, then the prefix, the IV, the ciphertext and the tag. */
        byte[] encrypt(byte[] plaintext, byte[] ad, int headroom) throws GeneralSecurityException {
            byte[] out = new byte[headroom + PREFIX + IV + plaintext.length + TAG];
            out[headroom] = 1;
            int iv = headroom + PREFIX;
            System.arraycopy(Random.randBytes(IV), 0, out, iv, IV);
            Cipher c = cipher.get();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, out, iv, IV));
            c.updateAAD(ad);
            c.doFinal(plaintext, 0, plaintext.length, out, iv + IV);
            return out;
        }

        /** The plaintext of the cell that starts at {@code offset}. */
        byte[] decrypt(byte[] cell, int offset, byte[] ad) throws GeneralSecurityException {
            int iv = offset + PREFIX;
            Cipher c = cipher.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, cell, iv, IV));
            c.updateAAD(ad);
            return c.doFinal(cell, iv + IV, cell.length - iv - IV);
        }
    }
}
