package io.fleetstream.registry.domain;

import io.fleetstream.registry.config.RegistrySettings;
import io.fleetstream.registry.persistence.OperatorKeyEntity;
import io.fleetstream.registry.persistence.OutboxWriter;
import io.fleetstream.schema.OperatorRole;
import io.fleetstream.schema.TokenHash;
import io.fleetstream.schema.Topics;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Operator API keys: created with a role, stored and published as SHA-256 only, revocable. Every change is published
 * to {@link Topics#REGISTRY_OPERATOR_KEYS}, where the other operator-facing services learn the keys.
 */
@ApplicationScoped
public class OperatorKeyService {

    /** Key id of the key installed from {@code fleetstream.registry.bootstrap-admin-key}. */
    public static final String BOOTSTRAP_KEY_ID = "bootstrap";

    /** Outbox event type of any key change. */
    public static final String KEY_CHANGED = "OperatorKeyChanged";

    static final int MIN_BOOTSTRAP_LENGTH = 16;

    private static final Logger LOG = Logger.getLogger(OperatorKeyService.class);

    private final OutboxWriter outbox;
    private final Audit audit;
    private final Clock clock;
    private final RegistrySettings settings;

    public OperatorKeyService(OutboxWriter outbox, Audit audit, Clock clock, RegistrySettings settings) {
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
    }

    /** Installs the configured bootstrap key, or warns when nobody could administer the registry. */
    void onStart(@Observes StartupEvent event) {
        Optional<String> configured = settings.bootstrapAdminKey().filter(key -> !key.isBlank());
        if (configured.isPresent()) {
            if (configured.get().length() < MIN_BOOTSTRAP_LENGTH) {
                throw new IllegalStateException("fleetstream.registry.bootstrap-admin-key is shorter than "
                        + MIN_BOOTSTRAP_LENGTH + " characters; configure a long random value such as fsk_ followed"
                        + " by 43 base64url characters");
            }
            installBootstrap(configured.get());
        } else if (!OperatorKeyEntity.anyUsableAdmin(now())) {
            LOG.warn("no usable ADMIN operator key exists, so nobody can create API keys; set"
                    + " fleetstream.registry.bootstrap-admin-key (environment FLEETSTREAM_REGISTRY_BOOTSTRAP_ADMIN_KEY)"
                    + " to a long random value and restart, then use it as 'Authorization: Bearer <value>'");
        }
    }

    /**
     * Makes the stored bootstrap key match the configuration: role ADMIN, the configured key, not revoked, no
     * expiry. Changes nothing (and publishes nothing) when it already does.
     */
    @Transactional
    void installBootstrap(String key) {
        Instant now = now();
        String hash = TokenHash.of(key);
        OperatorKeyEntity existing = OperatorKeyEntity.findById(BOOTSTRAP_KEY_ID, LockModeType.PESSIMISTIC_WRITE);
        if (existing != null
                && existing.keyHash.equals(hash)
                && existing.role == OperatorRole.ADMIN
                && existing.revokedAt == null
                && existing.expiresAt == null) {
            LOG.info("bootstrap operator key [bootstrap] is installed as configured");
            return;
        }
        OperatorKeyEntity bootstrap = existing != null ? existing : new OperatorKeyEntity();
        Map<String, Object> before = existing == null ? null : Audit.key(existing);
        bootstrap.keyId = BOOTSTRAP_KEY_ID;
        bootstrap.name = "bootstrap administrator (configuration)";
        bootstrap.role = OperatorRole.ADMIN;
        bootstrap.keyHash = hash;
        bootstrap.createdAt = existing != null ? existing.createdAt : now;
        bootstrap.expiresAt = null;
        bootstrap.revokedAt = null;
        if (existing == null) {
            bootstrap.persist();
        }
        publish(bootstrap, now);
        Map<String, Object> after = Audit.key(bootstrap);
        after.put("keyChanged", existing != null && !existing.keyHash.equals(hash));
        audit.record(
                Actor.SYSTEM,
                "api-key.bootstrapped",
                Audit.API_KEY,
                BOOTSTRAP_KEY_ID,
                before == null ? Audit.after(after) : Audit.change(before, after),
                now);
        LOG.info("bootstrap operator key [bootstrap] installed from fleetstream.registry.bootstrap-admin-key");
    }

    /**
     * The usable key the caller presents, if any.
     *
     * @return empty when the key is unknown, expired or revoked
     */
    public Optional<OperatorKeyEntity> authenticate(String key) {
        Instant now = clock.instant();
        return OperatorKeyEntity.findByHash(TokenHash.of(key)).filter(found -> found.usableAt(now));
    }

    @Transactional
    public IssuedKey create(Actor actor, OperatorKeyDraft draft) {
        Instant now = now();
        Checks checks = new Checks();
        checks.name("name", draft.name());
        OperatorRole role = checks.oneOf("role", draft.role(), OperatorRole.class);
        checks.throwIfAny();
        Instant expiresAt = Times.expiry("expiresAt", draft.expiresAt(), now);
        String key = OperatorKeys.generate();
        OperatorKeyEntity entity = new OperatorKeyEntity();
        entity.keyId = UUID.randomUUID().toString();
        entity.name = draft.name();
        entity.role = role;
        entity.keyHash = TokenHash.of(key);
        entity.createdAt = now;
        entity.expiresAt = expiresAt;
        entity.persist();
        publish(entity, now);
        audit.record(actor, "api-key.created", Audit.API_KEY, entity.keyId, Audit.after(Audit.key(entity)), now);
        LOG.infof("operator key [%s] with role %s created", entity.keyId, role);
        return new IssuedKey(entity, key);
    }

    public OperatorKeyEntity get(String keyId) {
        return OperatorKeyEntity.<OperatorKeyEntity>findByIdOptional(keyId)
                .orElseThrow(() -> new UnknownResourceException("API key", keyId));
    }

    public Page<OperatorKeyEntity> list(String limit, String cursor) {
        Checks checks = new Checks();
        Integer size = checks.collect(() -> Cursor.limit(limit));
        String after = checks.collect(() -> Cursor.lastId(cursor));
        checks.throwIfAny();
        return Page.of(OperatorKeyEntity.page(after, size + 1), size, key -> key.keyId);
    }

    /** Revokes a key at once; revoking a revoked key changes nothing. */
    @Transactional
    public OperatorKeyEntity revoke(Actor actor, String keyId) {
        OperatorKeyEntity key = OperatorKeyEntity.findById(keyId, LockModeType.PESSIMISTIC_WRITE);
        if (key == null) {
            throw new UnknownResourceException("API key", keyId);
        }
        if (key.revokedAt != null) {
            return key;
        }
        Instant now = now();
        Map<String, Object> before = Audit.key(key);
        key.revokedAt = now;
        publish(key, now);
        audit.record(actor, "api-key.revoked", Audit.API_KEY, keyId, Audit.change(before, Audit.key(key)), now);
        LOG.infof("operator key [%s] revoked", keyId);
        return key;
    }

    private void publish(OperatorKeyEntity key, Instant now) {
        outbox.append(
                KEY_CHANGED, Topics.REGISTRY_OPERATOR_KEYS, key.keyId, AvroRecords.encode(AvroRecords.key(key)), now);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
