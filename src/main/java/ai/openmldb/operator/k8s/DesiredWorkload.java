package ai.openmldb.operator.k8s;

import ai.openmldb.operator.api.Component;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * What one component should look like: its flags ConfigMap, headless Service and StatefulSet.
 *
 * @param revision the pod revision the StatefulSet's template carries
 */
public record DesiredWorkload(
    Component component, ConfigMap flags, Service service, StatefulSet statefulSet, String revision) {}
