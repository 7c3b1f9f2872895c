# grocer's image: built with the project's own Maven wrapper, run on a JRE 25 as a non-root user, started
# from an ahead-of-time cache trained at build time. docs/operations.md ("Container") has the commands.
#
#   docker build -t grocer --build-arg VCS_REF=$(git rev-parse HEAD) .
#   docker run --rm -p 9090:9090 -p 8080:8080 grocer

# ---- build: the same ./mvnw build as on a laptop, tests skipped (CI runs them) ---------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /workspace
# The wrapper fetches the pinned Maven through the image's own mvn; the dependencies are resolved in a
# layer of their own, so a source change does not fetch them again.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
# The context has no .git: the commit, if given, goes into git.properties for /actuator/info.
ARG VCS_REF=""
RUN if [ -n "$VCS_REF" ]; then printf 'git.commit.id=%s\n' "$VCS_REF" > src/main/resources/git.properties; fi \
 && ./mvnw -B -q -DskipTests -Dmaven.gitcommitid.skip=true package \
 && cp target/grocer-*.jar target/grocer.jar \
 && java -Djarmode=tools -jar target/grocer.jar extract --layers --destination target/extracted

# ---- runtime: a JRE and the four layers, from the least to the most often changed ------------------
# JRE 25, not 17: its ahead-of-time cache (JEP 483, 514, 515) keeps classes loaded and linked and the
# method profiles of a training run, which CDS on 17 cannot; the bytecode is Java 17 either way.
FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin grocer
WORKDIR /app
COPY --from=build /workspace/target/extracted/dependencies/ ./
COPY --from=build /workspace/target/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/target/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/target/extracted/application/ ./
# AOT cache training run: the context starts and the JVM exits once it is refreshed (no port is bound,
# no call is made), writing the classes it loaded and linked, and their profiles, into a cache that every
# start then maps at once. The extracted layout keeps every class in a plain jar on the class path, which
# the cache needs. A start whose class path or JVM differs runs without it (and logs why), never wrongly.
RUN java -XX:AOTCacheOutput=grocer.aot -Dspring.context.exit=onRefresh -jar grocer.jar \
 && chmod 0444 grocer.aot
USER grocer
EXPOSE 9090 8080
# Heap sized from the container's memory limit; on OutOfMemoryError exit, so the orchestrator restarts
# the container rather than leaving it half alive. Override JAVA_OPTS to tune.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# Ready to take calls: actuator readiness, which is also what the gRPC health service reports.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT:-8080}/actuator/health/readiness" || exit 1
# exec: java becomes PID 1 and gets SIGTERM itself; arguments after the image name go to Spring.
ENTRYPOINT ["sh", "-c", "exec java -XX:AOTCache=grocer.aot $JAVA_OPTS -jar grocer.jar \"$@\"", "grocer"]
# Last, so that a new commit does not invalidate the layers above.
ARG VCS_REF=""
LABEL org.opencontainers.image.title="grocer" \
      org.opencontainers.image.description="A gRPC service on Spring Boot: users, orders and greetings" \
      org.opencontainers.image.revision="${VCS_REF}"
