package io.fleetstream.registry.domain;

/**
 * Who makes a change, as recorded in the audit log: the operator key's id and the name given to it.
 *
 * @param keyId id of the operator key that authenticated the request
 * @param name name of the key's holder
 */
public record Actor(String keyId, String name) {

    /** Changes the registry makes by itself, such as the bootstrap key at startup. */
    public static final Actor SYSTEM = new Actor("system", "registry configuration");
}
