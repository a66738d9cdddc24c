package io.fleetstream.registry.http;

import jakarta.ws.rs.core.CacheControl;

/** Cache-Control of answers that carry a secret shown once (a device token, an operator key). */
final class NoStore {

    private NoStore() {}

    static CacheControl header() {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return noStore;
    }
}
