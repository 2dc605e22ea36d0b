// CONTRACT (to be implemented): field selectors as in k8s.io/apimachinery/pkg/fields.

export type FieldSelectorOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  field: string;
  operator: FieldSelectorOperator;
  value: string;
}

export interface FieldSelector {
  /** `get(field)` returns the object's value for a field, or undefined if the field is not selectable. */
  matches(get: (field: string) => string | undefined): boolean;
  empty(): boolean;
  requirements(): readonly FieldRequirement[];
  toString(): string;
}
