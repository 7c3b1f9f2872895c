package dev.grocer.security;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.access.ConfigAttribute;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.grocer.grpc.GrocerServices;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.health.v1.HealthGrpc;
import net.devh.boot.grpc.server.security.check.AbstractGrpcSecurityMetadataSource;
import net.devh.boot.grpc.server.security.check.AccessPredicate;
import net.devh.boot.grpc.server.security.check.AccessPredicateConfigAttribute;

/**
 * Which authority each gRPC method needs, for the starter's authorization check. Health and reflection
 * are open, so probes and tools work without a token; the reads, the methods of grocer's services whose
 * proto declares {@code idempotency_level = NO_SIDE_EFFECTS}, are open or need the read authority
 * ({@code grocer.security.protect-reads}); every other method, including any added later, needs the
 * write authority: a new RPC is protected until its proto says it changes nothing. Methods are matched by
 * name, so any binding of a service (e.g. reflection's v1alpha) is covered.
 */
final class GrpcAccessPolicy extends AbstractGrpcSecurityMetadataSource {

    /** Services anyone may call: probes and API discovery. */
    static final Set<String> OPEN_SERVICES = Set.of(HealthGrpc.SERVICE_NAME,
            io.grpc.reflection.v1.ServerReflectionGrpc.SERVICE_NAME,
            io.grpc.reflection.v1alpha.ServerReflectionGrpc.SERVICE_NAME);

    /** The RPCs that change nothing, as their contract says ({@link MethodDescriptor#isSafe()}). */
    static final Set<String> READS = GrocerServices.methods().stream().filter(MethodDescriptor::isSafe)
            .map(MethodDescriptor::getFullMethodName).collect(Collectors.toUnmodifiableSet());

    private final SecurityProperties properties;
    private final Collection<ConfigAttribute> write;
    private final Collection<ConfigAttribute> read;

    GrpcAccessPolicy(SecurityProperties properties) {
        this.properties = properties;
        this.write = List.of(new AccessPredicateConfigAttribute(
                AccessPredicate.hasAuthority(new SimpleGrantedAuthority(properties.writeAuthority()))));
        this.read = properties.protectReads()
                ? List.of(new AccessPredicateConfigAttribute(AccessPredicate.hasAnyAuthority(
                        new SimpleGrantedAuthority(properties.readAuthority()),
                        new SimpleGrantedAuthority(properties.writeAuthority()))))
                : List.of();
    }

    /** The authority {@code method} needs, or {@code null} if it is open to anyone. */
    String requiredAuthority(MethodDescriptor<?, ?> method) {
        if (OPEN_SERVICES.contains(method.getServiceName())) {
            return null;
        }
        if (READS.contains(method.getFullMethodName())) {
            return properties.protectReads() ? properties.readAuthority() : null;
        }
        return properties.writeAuthority();
    }

    @Override
    public Collection<ConfigAttribute> getAttributes(ServerCall<?, ?> call) {
        MethodDescriptor<?, ?> method = call.getMethodDescriptor();
        if (OPEN_SERVICES.contains(method.getServiceName())) {
            return List.of(); // no attributes: a public call, no authentication needed
        }
        return READS.contains(method.getFullMethodName()) ? read : write;
    }

    @Override
    public Collection<ConfigAttribute> getAllConfigAttributes() {
        return properties.protectReads() ? List.of(write.iterator().next(), read.iterator().next()) : write;
    }
}
