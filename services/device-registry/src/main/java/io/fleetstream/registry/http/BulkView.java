package io.fleetstream.registry.http;

import java.util.List;

/** Answer to a bulk registration: every device with its credential, in request order. */
public record BulkView(int count, List<Item> items) {

    /** One registered device and its token, which this answer is the only place to see. */
    public record Item(DeviceView device, IssuedCredentialView credential) {}
}
