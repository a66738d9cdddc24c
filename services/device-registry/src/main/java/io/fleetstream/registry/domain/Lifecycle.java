package io.fleetstream.registry.domain;

import io.fleetstream.schema.DeviceState;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The device lifecycle. A device starts PROVISIONED (registered, not yet allowed to send) or ACTIVE, may be suspended
 * and resumed, and ends DECOMMISSIONED, from which there is no way back.
 */
public final class Lifecycle {

    /** States a device may be created in. */
    public static final Set<DeviceState> INITIAL = EnumSet.of(DeviceState.PROVISIONED, DeviceState.ACTIVE);

    private Lifecycle() {}

    /** The states a device in {@code from} may move to. */
    public static Set<DeviceState> allowedFrom(DeviceState from) {
        return switch (from) {
            case PROVISIONED -> EnumSet.of(DeviceState.ACTIVE, DeviceState.DECOMMISSIONED);
            case ACTIVE -> EnumSet.of(DeviceState.SUSPENDED, DeviceState.DECOMMISSIONED);
            case SUSPENDED -> EnumSet.of(DeviceState.ACTIVE, DeviceState.DECOMMISSIONED);
            case DECOMMISSIONED -> EnumSet.noneOf(DeviceState.class);
        };
    }

    static String describeAllowed(DeviceState from) {
        Set<DeviceState> allowed = allowedFrom(from);
        if (allowed.isEmpty()) {
            return "DECOMMISSIONED is final: no transition is allowed; register a new device instead";
        }
        return "from " + from + " a device may move to "
                + allowed.stream().map(Enum::name).collect(Collectors.joining(" or "));
    }
}
