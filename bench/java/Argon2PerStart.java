import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * One JVM start of bench/argon2_starts.py: Keycloak's default Argon2id (BouncyCastle, as
 * Keycloak's Argon2PasswordHashProvider calls it: 7168 KiB, 5 iterations, parallelism 1,
 * 32 bytes), ROUNDS rounds of 50 hashes on one thread; prints the CPU milliseconds per hash of
 * each round.
 */
public final class Argon2PerStart {

    private static byte[] hash(byte[] password, byte[] salt) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(7168)
                .withIterations(5)
                .withParallelism(1)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[32];
        generator.generateBytes(password, out);
        return out;
    }

    public static void main(String[] arguments) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] password = "Motdepasse-de-bench-2026".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] salt = new byte[16];
        int sink = 0;
        StringBuilder rounds = new StringBuilder();
        for (int round = 0; round < Integer.parseInt(arguments[0]); round++) {
            long started = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < 50; i++) {
                salt[0] = (byte) i;
                sink += hash(password, salt)[0];
            }
            rounds.append(String.format(java.util.Locale.ROOT, "%.2f ", (threads.getCurrentThreadCpuTime() - started) / 50 / 1e6));
        }
        System.out.println(rounds.toString().trim());
        System.err.println("sink " + sink); // keeps the hashes from being optimised away
    }
}
