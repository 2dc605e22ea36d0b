// CONTRACT (to be implemented): label selectors as in k8s.io/apimachinery/pkg/labels + metav1.LabelSelector.

export type Labels = Readonly<Record<string, string>>;

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

/** metav1.LabelSelector: matchLabels AND matchExpressions. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** labels.Selector operators. */
export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

export interface Selector {
  matches(labels: Labels | undefined): boolean;
  empty(): boolean;
  requirements(): readonly Requirement[];
  /** Canonical string form (sorted by key, as labels.Selector.String()). */
  toString(): string;
}
