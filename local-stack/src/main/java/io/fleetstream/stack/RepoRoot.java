package io.fleetstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Finds the root of the Fleetstream checkout, where the service jars and the data directory live. */
public final class RepoRoot {

    /** System property that names the root explicitly, for runs from outside the checkout. */
    public static final String PROPERTY = "fleetstream.repo.root";

    private static final String ROOT_ARTIFACT_ID = "fleetstream-parent";
    private static final Pattern PARENT_BLOCK = Pattern.compile("<parent>.*?</parent>", Pattern.DOTALL);

    private RepoRoot() {}

    /**
     * Returns the checkout root: the value of {@value #PROPERTY} when set, otherwise the nearest directory at or above
     * the working directory whose {@code pom.xml} is the {@code fleetstream-parent} project.
     */
    public static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path root = Path.of(configured).toAbsolutePath().normalize();
            if (!isRoot(root)) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + configured
                        + " does not point at the Fleetstream checkout (no pom.xml with artifactId "
                        + ROOT_ARTIFACT_ID + " there)");
            }
            return root;
        }
        return locateFrom(Path.of("").toAbsolutePath());
    }

    /** Walks up from {@code start} to the directory holding the root {@code pom.xml}. */
    public static Path locateFrom(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("Could not find the Fleetstream checkout at or above " + start
                + ": no pom.xml with artifactId " + ROOT_ARTIFACT_ID + ". Run from inside the checkout or pass -D"
                + PROPERTY + "=<path>.");
    }

    /**
     * Whether {@code dir} holds the parent pom. Every module pom names {@code fleetstream-parent} too, inside its
     * {@code <parent>} block, so that block is ignored before looking for the artifact id.
     */
    static boolean isRoot(Path dir) {
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            return false;
        }
        try {
            String text = Files.readString(pom, StandardCharsets.UTF_8);
            String own = PARENT_BLOCK.matcher(text).replaceAll("");
            return own.contains("<artifactId>" + ROOT_ARTIFACT_ID + "</artifactId>");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + pom, e);
        }
    }
}
