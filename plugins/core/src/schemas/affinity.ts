/** Scheduling constraints of a pod: affinity, tolerations, topology spread constraints. */
import { atomic, field, int32, int64, LabelSelectorSchema, named, obj, str, strEnum, strList, type JSONSchemaProps } from '@keelson/api';
import { core } from './refs.js';

type S = JSONSchemaProps;

const NodeSelectorRequirement: S = named(
  core('NodeSelectorRequirement'),
  obj(
    'A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.',
    {
      key: str('The label key that the selector applies to.', { default: '' }),
      operator: strEnum("Represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. Gt, and Lt.", ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'], { default: '' }),
      values: strList(
        'An array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. If the operator is Gt or Lt, the values array must have a single element, which will be interpreted as an integer.',
      ),
    },
    { required: ['key', 'operator'] },
  ),
);

const NodeSelectorTerm: S = named(
  core('NodeSelectorTerm'),
  obj(
    'A null or empty node selector term matches no objects. The requirements of them are ANDed. The TopologySelectorTerm type implements a subset of the NodeSelectorTerm.',
    {
      matchExpressions: atomic("A list of node selector requirements by node's labels.", NodeSelectorRequirement),
      matchFields: atomic("A list of node selector requirements by node's fields.", NodeSelectorRequirement),
    },
    { mapType: 'atomic' },
  ),
);

export const NodeSelector: S = named(
  core('NodeSelector'),
  obj(
    'A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms.',
    { nodeSelectorTerms: atomic('Required. A list of node selector terms. The terms are ORed.', NodeSelectorTerm) },
    { required: ['nodeSelectorTerms'], mapType: 'atomic' },
  ),
);

const PreferredSchedulingTerm: S = named(
  core('PreferredSchedulingTerm'),
  obj(
    "An empty preferred scheduling term matches all objects with implicit weight 0 (i.e. it's a no-op). A null preferred scheduling term matches no objects (i.e. is also a no-op).",
    {
      preference: field('A node selector term, associated with the corresponding weight.', NodeSelectorTerm, { default: {} }),
      weight: int32('Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.', { default: 0 }),
    },
    { required: ['weight', 'preference'] },
  ),
);

const NodeAffinity: S = named(
  core('NodeAffinity'),
  obj('Node affinity is a group of node affinity scheduling rules.', {
    preferredDuringSchedulingIgnoredDuringExecution: atomic(
      'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions. The node that is most preferred is the one with the greatest sum of weights.',
      PreferredSchedulingTerm,
    ),
    requiredDuringSchedulingIgnoredDuringExecution: field(
      'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to an update), the system may or may not try to eventually evict the pod from its node.',
      NodeSelector,
    ),
  }),
);

const PodAffinityTerm: S = named(
  core('PodAffinityTerm'),
  obj(
    'Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with, where co-located is defined as running on a node whose value of the label with key <topologyKey> matches that of any node on which a pod of the set of pods is running',
    {
      labelSelector: field("A label query over a set of resources, in this case pods. If it's null, this PodAffinityTerm matches with no Pods.", LabelSelectorSchema),
      matchLabelKeys: strList(
        "MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. The keys are used to lookup values from the incoming pod labels, those key-value labels are merged with `labelSelector` as `key in (value)` to select the group of existing pods which pods will be taken into consideration for the incoming pod's pod (anti) affinity.",
      ),
      mismatchLabelKeys: strList(
        "MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. The keys are used to lookup values from the incoming pod labels, those key-value labels are merged with `labelSelector` as `key notin (value)` to select the group of existing pods which pods will be taken into consideration for the incoming pod's pod (anti) affinity.",
      ),
      namespaceSelector: field(
        'A label query over the set of namespaces that the term applies to. The term is applied to the union of the namespaces selected by this field and the ones listed in the namespaces field. null selector and null or empty namespaces list means "this pod\'s namespace". An empty selector ({}) matches all namespaces.',
        LabelSelectorSchema,
      ),
      namespaces: strList('namespaces specifies a static list of namespace names that the term applies to. The term is applied to the union of the namespaces listed in this field and the ones selected by namespaceSelector. null or empty namespaces list and null namespaceSelector means "this pod\'s namespace".'),
      topologyKey: str(
        'This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces, where co-located is defined as running on a node whose value of the label with key topologyKey matches that of any node on which any of the selected pods is running. Empty topologyKey is not allowed.',
        { default: '' },
      ),
    },
    { required: ['topologyKey'] },
  ),
);

const WeightedPodAffinityTerm: S = named(
  core('WeightedPodAffinityTerm'),
  obj(
    'The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)',
    {
      podAffinityTerm: field('Required. A pod affinity term, associated with the corresponding weight.', PodAffinityTerm, { default: {} }),
      weight: int32('weight associated with matching the corresponding podAffinityTerm, in the range 1-100.', { default: 0 }),
    },
    { required: ['weight', 'podAffinityTerm'] },
  ),
);

const podAffinity = (anti: boolean) =>
  named(
    core(anti ? 'PodAntiAffinity' : 'PodAffinity'),
    obj(`Pod ${anti ? 'anti affinity' : 'affinity'} is a group of inter pod ${anti ? 'anti affinity' : 'affinity'} scheduling rules.`, {
      preferredDuringSchedulingIgnoredDuringExecution: atomic(
        `The scheduler will prefer to schedule pods to nodes that satisfy the ${anti ? 'anti-affinity' : 'affinity'} expressions specified by this field, but it may choose a node that violates one or more of the expressions. The node that is most preferred is the one with the greatest sum of weights.`,
        WeightedPodAffinityTerm,
      ),
      requiredDuringSchedulingIgnoredDuringExecution: atomic(
        `If the ${anti ? 'anti-affinity' : 'affinity'} requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. When there are multiple elements, the lists of nodes corresponding to each podAffinityTerm are intersected, i.e. all terms must be satisfied.`,
        PodAffinityTerm,
      ),
    }),
  );

export const Affinity: S = named(
  core('Affinity'),
  obj('Affinity is a group of affinity scheduling rules.', {
    nodeAffinity: field('Describes node affinity scheduling rules for the pod.', NodeAffinity),
    podAffinity: field('Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).', podAffinity(false)),
    podAntiAffinity: field('Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).', podAffinity(true)),
  }),
);

export const taintEffects = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

export const Toleration: S = named(
  core('Toleration'),
  obj('The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.', {
    effect: strEnum('Effect indicates the taint effect to match. Empty means match all taint effects. When specified, allowed values are NoSchedule, PreferNoSchedule and NoExecute.', taintEffects),
    key: str('Key is the taint key that the toleration applies to. Empty means match all taint keys. If the key is empty, operator must be Exists; this combination means to match all values and all keys.'),
    operator: strEnum(
      "Operator represents a key's relationship to the value. Valid operators are Exists and Equal. Defaults to Equal. Exists is equivalent to wildcard for value, so that a pod can tolerate all taints of a particular category.",
      ['Equal', 'Exists'],
    ),
    tolerationSeconds: int64(
      'TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint. By default, it is not set, which means tolerate the taint forever (do not evict). Zero and negative values will be treated as 0 (evict immediately) by the system.',
    ),
    value: str('Value is the taint value the toleration matches to. If the operator is Exists, the value should be empty, otherwise just a regular string.'),
  }),
);


export const TopologySpreadConstraint: S = named(
  core('TopologySpreadConstraint'),
  obj(
    'TopologySpreadConstraint specifies how to spread matching pods among the given topology.',
    {
      labelSelector: field('LabelSelector is used to find matching pods. Pods that match this label selector are counted to determine the number of pods in their corresponding topology domain.', LabelSelectorSchema),
      matchLabelKeys: strList(
        'MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated. The keys are used to lookup values from the incoming pod labels, those key-value labels are ANDed with labelSelector to select the group of existing pods over which spreading will be calculated for the incoming pod.',
      ),
      maxSkew: int32(
        "MaxSkew describes the degree to which pods may be unevenly distributed. When `whenUnsatisfiable=DoNotSchedule`, it is the maximum permitted difference between the number of matching pods in the target topology and the global minimum. It's a required field. Default value is 1 and 0 is not allowed.",
        { default: 0 },
      ),
      minDomains: int32('MinDomains indicates a minimum number of eligible domains. When the number of eligible domains with matching topology keys is less than minDomains, Pod Topology Spread treats "global minimum" as 0, and then the calculation of Skew is performed.'),
      nodeAffinityPolicy: strEnum('NodeAffinityPolicy indicates how we will treat Pod\'s nodeAffinity/nodeSelector when calculating pod topology spread skew. Options are: Honor, Ignore. If this value is nil, the behavior is equivalent to the Honor policy.', ['Honor', 'Ignore']),
      nodeTaintsPolicy: strEnum('NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew. Options are: Honor, Ignore. If this value is nil, the behavior is equivalent to the Ignore policy.', ['Honor', 'Ignore']),
      topologyKey: str(
        'TopologyKey is the key of node labels. Nodes that have a label with this key and identical values are considered to be in the same topology. We consider each <key, value> as a "bucket", and try to put balanced number of pods into each bucket. It\'s a required field.',
        { default: '' },
      ),
      whenUnsatisfiable: strEnum(
        "WhenUnsatisfiable indicates how to deal with a pod if it doesn't satisfy the spread constraint. - DoNotSchedule (default) tells the scheduler not to schedule it. - ScheduleAnyway tells the scheduler to schedule the pod in any location, but giving higher precedence to topologies that would help reduce the skew. It's a required field.",
        ['DoNotSchedule', 'ScheduleAnyway'],
        { default: '' },
      ),
    },
    { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
  ),
);
