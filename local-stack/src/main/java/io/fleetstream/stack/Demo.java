package io.fleetstream.stack;

import java.nio.file.Path;
import java.util.List;

/**
 * Command-line entry of the demo: starts the {@link LocalStack}, replays the Beijing air-quality data through it
 * ({@link DemoReplay}) and prints what was stored. Run through {@code ./demo.sh} at the repository root, which builds
 * what is needed first.
 *
 * <p>Exit codes: 0 success, 1 the demo failed (the message says why), 2 bad command line.
 */
public final class Demo {

    private Demo() {}

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options));
    }

    /**
     * Runs the demo and returns the exit code. Without {@code --exit} this only returns on failure: the stack keeps
     * running until Ctrl-C, whose shutdown hook stops it.
     */
    static int run(DemoOptions options) {
        LocalStack stack = null;
        try {
            Path root = RepoRoot.locate();
            BeijingDataset dataset = BeijingDataset.inRepo(root);
            stack = LocalStack.builder()
                    .repoRoot(root)
                    .workDir(options.workDir().orElse(null))
                    .freePorts(options.freePorts())
                    .overrides(DemoReplay.serviceOverrides(options))
                    .start();
            DemoReplay replay = new DemoReplay(stack, dataset, options, System.out);
            DemoResult result = replay.run();
            result.print(System.out, replay.mapper());
            if (options.exit()) {
                stack.close();
                return 0;
            }
            System.out.println();
            System.out.println("The registry and the query API want an operator key. This run's admin key (valid until"
                    + " the stack stops; it is printed only here, never logged):");
            System.out.println("    curl -H 'Authorization: Bearer " + stack.adminKey() + "' "
                    + stack.baseUri(ServiceName.QUERY_API).resolve("/v1/alerts"));
            System.out.println("Fleetstream keeps running (work directory " + stack.workDir() + "). Press Ctrl-C to"
                    + " stop it.");
            Thread.currentThread().join();
            return 0;
        } catch (DemoFailure | IllegalStateException e) {
            System.err.println();
            System.err.println("Demo failed: " + e.getMessage());
            closeQuietly(stack);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(stack);
            return 1;
        } catch (RuntimeException e) {
            System.err.println();
            System.err.println("Demo failed unexpectedly:");
            e.printStackTrace();
            closeQuietly(stack);
            return 1;
        }
    }

    private static void closeQuietly(LocalStack stack) {
        if (stack != null) {
            stack.close();
        }
    }
}
