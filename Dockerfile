# openmldb-operator image: docker build -t openmldb/openmldb-operator:0.1.0-SNAPSHOT .
#
# Stage 1 builds the runnable jar; stage 2 is a JRE that runs it as a numeric non-root user and
# writes nothing outside /tmp (the chart mounts an emptyDir there and a read-only root filesystem).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src/main ./src/main
# maven.test.skip also skips compiling the tests (and fetching their test-only dependencies).
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="openmldb-operator" \
      org.opencontainers.image.description="Kubernetes operator that runs and upgrades OpenMLDB clusters" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /src/target/openmldb-operator.jar /opt/openmldb-operator/openmldb-operator.jar
# Numeric, so the kubelet can verify runAsNonRoot without a runAsUser in the pod.
USER 65532:65532
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/openmldb-operator/openmldb-operator.jar"]
CMD ["run"]
