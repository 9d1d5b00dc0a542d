package dev.cloak.cli;

import dev.cloak.keyring.store.StoredKeyDomain;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * When each key domain's active version is due for rotation under the policy's {@code keyring.rotate-after}: the one
 * rule {@code cloak keys list}, {@code cloak keys rotate --due} and {@code cloak doctor} apply. A domain whose
 * active version's age the store does not know is never due (and is reported as unknown).
 *
 * @param rotateAfter the policy's rotation period, or null when it sets none
 * @param now         the time the ages are measured at
 */
record RotationSchedule(Duration rotateAfter, Instant now) {

    /** Since when the active version of {@code domain} encrypts, if the store knows. */
    static Optional<Instant> since(StoredKeyDomain domain) {
        return domain.primarySince();
    }

    /** The active version's age in whole days, or "?" when the store does not know it. */
    String age(StoredKeyDomain domain) {
        return since(domain).map(s -> Duration.between(s, now).toDays() + "d").orElse("?");
    }

    /** When the active version is due for rotation, if the policy sets a period and the store knows its age. */
    Optional<Instant> due(StoredKeyDomain domain) {
        return rotateAfter == null ? Optional.empty() : since(domain).map(s -> s.plus(rotateAfter));
    }

    /** Whether the active version is older than the policy's rotation period. */
    boolean isDue(StoredKeyDomain domain) {
        return due(domain).map(d -> !d.isAfter(now)).orElse(false);
    }

    /** The due date as a day ({@code 2027-03-06}), with {@code (overdue)} once it has passed, or "-". */
    String dueText(StoredKeyDomain domain) {
        return due(domain).map(d -> d.atOffset(ZoneOffset.UTC).toLocalDate() + (isDue(domain) ? " (overdue)" : ""))
                .orElse("-");
    }
}
