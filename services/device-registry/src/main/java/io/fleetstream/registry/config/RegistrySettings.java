package io.fleetstream.registry.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** Settings of the registry's operator access. */
@ConfigMapping(prefix = "fleetstream.registry")
public interface RegistrySettings {

    /**
     * An operator API key with role ADMIN that the registry installs at startup under the key id {@code bootstrap}, so
     * that the first operator can get in and create the real keys. Absent by default: then no key is installed, and
     * the registry warns when no usable ADMIN key exists. At least 16 characters; best made like the generated keys
     * ({@code fsk_} + 32 random bytes base64url). Removing it from the configuration does not revoke it; revoke it
     * through the API as well.
     */
    Optional<String> bootstrapAdminKey();
}
