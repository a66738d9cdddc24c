package io.fleetstream.query.auth;

import io.fleetstream.schema.OperatorRole;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The least role an endpoint needs; endpoints without it need {@link OperatorRole#VIEWER}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresRole {

    OperatorRole value();
}
