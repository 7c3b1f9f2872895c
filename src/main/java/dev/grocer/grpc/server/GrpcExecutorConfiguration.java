package dev.grocer.grpc.server;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;

import dev.grocer.store.PostgresProperties;
import dev.grocer.store.StoreEnvironmentPostProcessor;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;

/**
 * Where service methods run.
 *
 * <ul>
 *   <li>{@code grocer.grpc.direct-executor=true} (the memory store's default): on the transport's event-loop
 *       threads, one thread hop less per call. Only safe while no service method blocks.
 *   <li>{@code grocer.store=postgres}: every call blocks on the database, so each runs on a thread of its own: a
 *       virtual thread when Spring Boot's {@code spring.threads.virtual.enabled} is on (the postgres store's default on
 *       JDK 21 and newer; blocking on a socket costs a virtual thread nothing), else a bounded pool of platform threads,
 *       as many as can use or wait for a pooled connection plus a few for the calls refused at once
 *       ({@code dev.grocer.store.CallBoundDataSource} bounds the waiting; the pool's own task queue is only ever as long
 *       as those few threads take to refuse).
 *   <li>Otherwise grpc-java's default pool.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class GrpcExecutorConfiguration {

    /** Threads beyond those that may use or wait for a connection: they answer STORE_BUSY and non-store work. */
    static final int SPARE_PLATFORM_THREADS = 16;

    @Bean
    @ConditionalOnProperty(name = "grocer.grpc.direct-executor", havingValue = "true")
    GrpcServerConfigurer directExecutor() {
        return builder -> builder.directExecutor(); // the Netty server and the in-process one HTTP calls go through
    }

    @Bean
    @ConditionalOnProperty(name = StoreEnvironmentPostProcessor.STORE, havingValue = "postgres")
    CallExecutor postgresCallExecutor(Environment environment, PostgresProperties postgres) {
        if (Threading.VIRTUAL.isActive(environment)) {
            return new CallExecutor(new VirtualThreadTaskExecutor("grpc-call-"), null);
        }
        int poolSize = environment.getProperty("spring.datasource.hikari.maximum-pool-size", Integer.class, 10);
        int threads = poolSize + postgres.maxWaitingCalls() + SPARE_PLATFORM_THREADS;
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "grpc-call-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true); // threads only while calls need them
        return new CallExecutor(pool, pool);
    }

    @Bean
    @ConditionalOnProperty(name = StoreEnvironmentPostProcessor.STORE, havingValue = "postgres")
    GrpcServerConfigurer postgresCallExecutorConfigurer(CallExecutor executor) {
        return builder -> builder.executor(executor.executor());
    }

    /** The executor the server hands calls to, and the pool to shut down after the server, if it is one. */
    record CallExecutor(Executor executor, ThreadPoolExecutor pool) implements DisposableBean {
        /** Whether calls run on virtual threads. */
        boolean virtual() {
            return pool == null;
        }

        @Override
        public void destroy() {
            if (pool != null) {
                pool.shutdown();
            }
        }
    }
}
