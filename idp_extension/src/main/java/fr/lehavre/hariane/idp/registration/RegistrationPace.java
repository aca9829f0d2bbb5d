package fr.lehavre.hariane.idp.registration;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the answer to an address that already has an account as slow as a real creation
 * (docs/registration-oracle.md): each creation's duration is kept (the last {@value #KEPT} on
 * this node), and an answer without creation waits until it has lasted one of them, picked at
 * random, so that both answers take the same time and vary alike. Before any creation on this
 * node, {@link #DEFAULT_NANOS} stands for them.
 */
final class RegistrationPace {

    static final int KEPT = 8;
    /** Until creations are measured on this node: about what one takes (docs/registration-oracle.md). */
    static final long DEFAULT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** A creation slowed by a struggling mail server is not a pace to copy. */
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** This node's pace (each Keycloak node measures its own creations). */
    static final RegistrationPace NODE = new RegistrationPace();

    private final long[] durations = new long[KEPT];
    private int next;
    private int kept;

    /** A creation took {@code nanos}. */
    synchronized void recordCreation(long nanos) {
        durations[next] = Math.min(Math.max(nanos, 0), MAX_NANOS);
        next = (next + 1) % KEPT;
        kept = Math.min(kept + 1, KEPT);
    }

    /**
     * How long an answer begun {@code elapsedNanos} ago must still wait: until it lasted the
     * kept duration chosen by {@code pick} (any int: it is reduced to the durations kept).
     */
    synchronized long remaining(long elapsedNanos, int pick) {
        long target = kept == 0 ? DEFAULT_NANOS : durations[Math.floorMod(pick, kept)];
        return Math.max(0, target - elapsedNanos);
    }

    /** Waits until the answer begun at {@code startedNanos} (System.nanoTime) lasted as a creation. */
    void matchCreation(long startedNanos) {
        long wait = remaining(
                System.nanoTime() - startedNanos, ThreadLocalRandom.current().nextInt());
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
