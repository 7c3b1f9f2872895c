package dev.grocer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.grpc.Uri;
import net.devh.boot.grpc.client.nameresolver.StaticNameResolverProvider;

/**
 * {@code grocer.client.target} as the gRPC channel receives it. A list of servers must come out of both of
 * grpc-java's target parsers (RFC 3986 by default since 1.83, {@code java.net.URI} before) as the starter's
 * static resolver expects it, so these tests feed the target through the resolver itself.
 */
class ClientTargetTest {

    /** The addresses the starter's static resolver yields for a target URI. */
    private static List<SocketAddress> staticallyResolved(URI target) {
        NameResolver.Args args = NameResolver.Args.newBuilder()
                .setDefaultPort(443)
                .setProxyDetector(address -> null)
                .setSynchronizationContext(new SynchronizationContext((thread, error) -> { }))
                .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
                    @Override
                    public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> config) {
                        return NameResolver.ConfigOrError.fromConfig(config);
                    }
                })
                .build();
        NameResolver resolver = new StaticNameResolverProvider().newNameResolver(target, args);
        AtomicReference<List<EquivalentAddressGroup>> groups = new AtomicReference<>();
        resolver.start(new NameResolver.Listener2() {
            @Override
            public void onResult(NameResolver.ResolutionResult result) {
                groups.set(result.getAddressesOrError().getValue());
            }

            @Override
            public void onError(Status error) {
                throw error.asRuntimeException();
            }
        });
        return groups.get().stream().flatMap(group -> group.getAddresses().stream()).toList();
    }

    /** The URI a provider receives from grpc-java 1.83's RFC 3986 parser: parsed, printed, read back. */
    private static URI throughRfc3986Parser(URI target) throws Exception {
        return URI.create(Uri.parse(target.toString()).toString());
    }

    @Nested
    class AListOfServers {

        private final ClientTarget target = ClientTarget.of("10.0.0.5:9090, 10.0.0.6:9091,[::1]:9092");

        @Test
        void becomesAStaticTargetWithItsColonsAndBracketsEncoded() {
            assertThat(target.channelTarget())
                    .isEqualTo(URI.create("static://10.0.0.5%3A9090,10.0.0.6%3A9091,%5B%3A%3A1%5D%3A9092"));
        }

        @Test
        void resolvesToEveryServer_underTheRfc3986Parser() throws Exception {
            assertThat(Uri.parse(target.channelTarget().toString()).getAuthority())
                    .isEqualTo("10.0.0.5:9090,10.0.0.6:9091,[::1]:9092");
            assertThat(staticallyResolved(throughRfc3986Parser(target.channelTarget()))).containsExactly(
                    new InetSocketAddress("10.0.0.5", 9090),
                    new InetSocketAddress("10.0.0.6", 9091),
                    new InetSocketAddress("::1", 9092));
        }

        @Test
        void resolvesToEveryServer_underTheJavaNetUriParser() {
            // What grpc-java does with GRPC_ENABLE_RFC3986_URIS=false, and did before 1.83.
            assertThat(staticallyResolved(URI.create(target.channelTarget().toString()))).containsExactly(
                    new InetSocketAddress("10.0.0.5", 9090),
                    new InetSocketAddress("10.0.0.6", 9091),
                    new InetSocketAddress("::1", 9092));
        }

        @Test
        void printsAsWritten() {
            assertThat(target).hasToString("10.0.0.5:9090, 10.0.0.6:9091,[::1]:9092");
        }
    }

    @Test
    void oneServer_isAStaticTargetOfOne() throws Exception {
        ClientTarget target = ClientTarget.of("localhost:9090");

        assertThat(target.channelTarget()).isEqualTo(URI.create("static://localhost%3A9090"));
        assertThat(staticallyResolved(throughRfc3986Parser(target.channelTarget())))
                .containsExactly(new InetSocketAddress("localhost", 9090));
    }

    @Test
    void aTargetWithAScheme_isPassedOnAsWritten() {
        assertThat(ClientTarget.of("dns:///grocer-headless.shop.svc.cluster.local:9090").channelTarget())
                .isEqualTo(URI.create("dns:///grocer-headless.shop.svc.cluster.local:9090"));
        assertThat(ClientTarget.of(" dns:///grocer:9090 ")).hasToString("dns:///grocer:9090");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "127.0.0.1:9090,,127.0.0.1:9091 | grocer.client.target '127.0.0.1:9090,,127.0.0.1:9091' has an empty address; separate host:port entries by single commas",
        "127.0.0.1:9090,                | grocer.client.target '127.0.0.1:9090,' has an empty address; separate host:port entries by single commas",
        "127.0.0.1:9090:9091            | grocer.client.target '127.0.0.1:9090:9091' is not host:port (Illegal character in port number)",
        "127.0.0.1                      | grocer.client.target '127.0.0.1' needs a port from 1 to 65535, as host:port",
        "127.0.0.1:0                    | grocer.client.target '127.0.0.1:0' needs a port from 1 to 65535, as host:port",
        "127.0.0.1:65536                | grocer.client.target '127.0.0.1:65536' needs a port from 1 to 65535, as host:port",
        "127.0.0.1:http                 | grocer.client.target '127.0.0.1:http' is not host:port (Illegal character in port number)",
        "::1:9090                       | grocer.client.target '::1:9090' is not host:port (Expected hostname)",
        "grocer_1:9090                  | grocer.client.target 'grocer_1:9090' is not host:port (Illegal character in hostname)",
        "ada@grocer:9090                | grocer.client.target 'ada@grocer:9090' is not host:port",
        "grocer:9090/v1                 | grocer.client.target 'grocer:9090/v1' is not host:port",
        "\"   \"                        | grocer.client.target is empty; give host:port, several separated by commas, or a target such as dns:///name:port",
    })
    void aMalformedTarget_isRejectedNamingTheProperty(String text, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> ClientTarget.of(text)).withMessage(message);
    }
}
