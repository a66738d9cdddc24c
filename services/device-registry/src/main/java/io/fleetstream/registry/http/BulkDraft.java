package io.fleetstream.registry.http;

import io.fleetstream.registry.domain.DeviceDraft;

import java.util.List;

/**
 * Body of {@code POST /v1/devices/bulk}.
 *
 * @param devices 1 to 1000 devices, each as for {@code POST /v1/devices}
 * @param credentialExpiresAt optional expiry of every credential issued, epoch milliseconds or RFC 3339
 */
public record BulkDraft(List<DeviceDraft> devices, Object credentialExpiresAt) {}
