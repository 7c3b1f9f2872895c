/**
 * What the net.devh gRPC starters 3.1.0 (built for Spring Boot 3) need to work on Spring Boot 4, and nothing
 * else: one stand-in auto-configuration for each of theirs that no longer loads or no longer works, with the
 * same beans and conditions, and Boot 4's class names checked by the compiler. Boot 4 moved its
 * auto-configurations and health classes to new packages; net.devh names the old ones, so without these
 *
 * <ul>
 *   <li>the client's {@code grpcChannel} health component, its metrics and its observation interceptor would be
 *       gone without a word ({@link GrpcChannelHealthAutoConfiguration}, {@link GrpcClientMetricsAutoConfiguration},
 *       {@link GrpcClientObservationAutoConfiguration});</li>
 *   <li>the server's security interceptors would work but log a {@code TypeNotPresentException} warning at every
 *       start ({@link GrpcSecurityInterceptorsAutoConfiguration}).</li>
 * </ul>
 *
 * <p>{@code GrocerApplication} excludes the four originals. Every other net.devh auto-configuration grocer uses
 * (server, server factory, health and reflection services, {@code @GrpcAdvice}, client channel factory and
 * {@code @GrpcClient} injection) works on Boot 4 as it is. {@code NetDevhOnBoot4Test} starts the application and
 * checks every starter feature grocer relies on, so an upgrade that drops one fails the build. When net.devh
 * releases for Boot 4, this package goes.
 */
package dev.grocer.devhboot4;
